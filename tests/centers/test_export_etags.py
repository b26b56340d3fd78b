"""The ETag of a whole export changes exactly when the export would: with the matching
centers' public facts and the names the export carries, not with a center outside it,
and not with what only staff see. Every write is committed here, as in production, since
the ETag follows the transactions of public changes (centers/changes.py)."""

import pytest

from centers.models import Category
from centers.positions import position_resolve
from centers.services import center_archive, center_update

from .factories import CASABLANCA, CategoryFactory, make_center, make_row_of_centers

pytestmark = pytest.mark.usefixtures("committed")

URL = "/api/v1/centers/"
REGION_04 = {"region": "04", "format": "geojson"}


@pytest.fixture
def centers():
    disability = CategoryFactory(code="disability")
    women = CategoryFactory(code="women", sensitive=True)
    row = make_row_of_centers(8, categories=[women, disability])
    elsewhere = make_center(at=CASABLANCA, category=disability, name_fr="Centre Anfa")
    return {"row": row, "elsewhere": elsewhere}


def edit(center, *, at=None, **fields) -> None:
    latitude, longitude = at or (center.location.y, center.location.x)
    position = position_resolve(
        latitude=latitude, longitude=longitude, precision=center.location_precision
    )
    center_update(user=None, center=center, fields=fields, position=position)


def conditional(api_client, etag: str, query=REGION_04):
    return api_client.get(URL, query, HTTP_IF_NONE_MATCH=etag)


def test_the_etag_changes_with_the_export_and_only_then(api_client, centers):
    etag = api_client.get(URL, REGION_04)["ETag"]
    assert etag.startswith('W/"')
    assert conditional(api_client, etag).status_code == 304

    edit(centers["elsewhere"], name_fr="Centre Anfa (nouveau nom)")
    assert conditional(api_client, etag).status_code == 304

    renamed = centers["row"][1]
    edit(renamed, name_fr="Centre renommé")
    changed = conditional(api_client, etag)
    assert changed.status_code == 200 and "Centre renommé" in changed.getvalue().decode()

    center_archive(user=None, center=renamed)
    archived = conditional(api_client, changed["ETag"])
    assert archived.status_code == 200 and renamed.slug not in archived.getvalue().decode()


def test_moving_a_sensitive_center_within_its_commune_changes_no_etag(api_client, centers):
    shelter = centers["row"][0]
    assert shelter.category.sensitive
    queries = {name: {**REGION_04, "format": name} for name in ("geojson", "csv")}
    etags = {name: api_client.get(URL, query)["ETag"] for name, query in queries.items()}
    before = shelter.location.y

    edit(shelter, at=(before + 0.0004, shelter.location.x + 0.0004))

    shelter.refresh_from_db()
    assert shelter.location.y != before and shelter.version == 2
    for name, etag in etags.items():
        assert conditional(api_client, etag, queries[name]).status_code == 304


def test_a_category_renamed_changes_the_etag(api_client, centers):
    etag = api_client.get(URL, REGION_04)["ETag"]

    Category.objects.filter(code="disability").update(name_fr="Handicap (nouveau nom)")

    assert conditional(api_client, etag).status_code == 200


def test_geojson_and_csv_of_the_same_search_have_different_etags(api_client, centers):
    geojson = api_client.get(URL, REGION_04)
    csv = api_client.get(URL, {**REGION_04, "format": "csv"})

    assert geojson["ETag"] != csv["ETag"]
