"""Whole exports: every matching center of the statuses asked for in one streamed GeoJSON
or CSV answer, with the JSON's fields and rounding, an ETag that changes exactly when the
export would, and the statuses stated; page links in the Link header."""

import csv
import io
import json
import re

import pytest

from centers.models import Center
from centers.positions import position_resolve
from centers.services import center_update
from centers.sheets import unquote_formula

from .factories import CASABLANCA, STATUSES, CategoryFactory, make_center, make_row_of_centers

pytestmark = pytest.mark.django_db

URL = "/api/v1/centers/"
# More than a page (100) can hold.
IN_RABAT_REGION = 130


@pytest.fixture
def region_04():
    """Centers of every status in the Rabat-Salé-Kénitra region (04), one in
    Casablanca-Settat; the women's ones are sensitive."""
    disability = CategoryFactory(code="disability")
    women = CategoryFactory(code="women", sensitive=True)
    centers = make_row_of_centers(
        IN_RABAT_REGION, categories=[women, *[disability] * 9], address_fr="3 rue secrète"
    )
    elsewhere = make_center(at=CASABLANCA, category=disability, name_fr="Centre Anfa")
    return {"centers": centers, "elsewhere": elsewhere}


def rename(center: Center, name_fr: str) -> None:
    position = position_resolve(
        latitude=center.location.y, longitude=center.location.x, precision=center.location_precision
    )
    center_update(user=None, center=center, fields={"name_fr": name_fr}, position=position)


def export(api_client, **params):
    response = api_client.get(URL, params)
    assert response.status_code == 200, response.content
    return response


def features(response) -> list[dict]:
    return json.loads(response.getvalue())["features"]


def csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.getvalue().decode("utf-8-sig"))))


def test_a_regions_whole_export_holds_every_center_of_every_status_asked_for(api_client, region_04):
    expected = {center.slug for center in region_04["centers"]}

    geojson = export(api_client, region="04", status="all", format="geojson")
    as_csv = export(api_client, region="04", status="all", format="csv")

    assert geojson.streaming and as_csv.streaming
    collection = json.loads(geojson.getvalue())
    assert {feature["properties"]["slug"] for feature in collection["features"]} == expected
    assert collection["count"] == IN_RABAT_REGION
    assert collection["next"] is None and collection["statuses"] == STATUSES
    assert {row["slug"] for row in csv_rows(as_csv)} == expected
    for response in (geojson, as_csv):
        assert response["Center-Statuses"] == ", ".join(STATUSES)


def test_the_default_statuses_are_stated_in_every_format(api_client, region_04):
    listed = {c.slug for c in region_04["centers"] if c.status in ("open", "temporarily_closed")}

    geojson = export(api_client, region="04", format="geojson")
    as_csv = export(api_client, region="04", format="csv")
    page = export(api_client, region="04")

    collection = json.loads(geojson.getvalue())
    assert {feature["properties"]["slug"] for feature in collection["features"]} == listed
    assert collection["statuses"] == ["open", "temporarily_closed"]
    assert {row["slug"] for row in csv_rows(as_csv)} == listed
    for response in (geojson, as_csv, page):
        assert response["Center-Statuses"] == "open, temporarily_closed"
    assert page.json()["statuses"] == ["open", "temporarily_closed"]


def test_an_unknown_status_is_refused_naming_status(api_client, region_04):
    response = api_client.get(URL, {"status": "every", "format": "geojson"})

    assert response.status_code == 400
    assert response.json()["parameter"] == "status"


def test_json_geojson_and_csv_give_the_same_facts_with_the_same_rounding(api_client, region_04):
    items = {}
    for offset in (0, 100):
        page = export(api_client, region="04", status="all", limit=100, offset=offset).json()
        items |= {item["slug"]: item for item in page["results"]}
    by_feature = {
        feature["properties"]["slug"]: feature
        for feature in features(export(api_client, region="04", status="all", format="geojson"))
    }
    by_row = {
        row["slug"]: row
        for row in csv_rows(export(api_client, region="04", status="all", format="csv"))
    }

    assert set(items) == set(by_feature) == set(by_row)
    for slug, item in items.items():
        feature, row = by_feature[slug], by_row[slug]
        longitude, latitude = item["location"]["coordinates"]
        assert feature["geometry"]["coordinates"] == [longitude, latitude]
        assert (row["longitude"], row["latitude"]) == (repr(longitude), repr(latitude))
        assert {key: feature["properties"][key] for key in feature["properties"]} == {
            key: item[key] for key in feature["properties"]
        }
        # Quoted as in the staff's sheets, so that a spreadsheet keeps the plus.
        assert unquote_formula(row["phones"]) == " ".join(item["phones"])
    assert any(row["phones"] for row in by_row.values())


def test_a_sensitive_centers_exact_position_is_in_no_byte_of_a_whole_export(api_client, region_04):
    sensitive = [c for c in region_04["centers"] if c.category.sensitive]
    bodies = [
        export(api_client, region="04", status="all", format=name).getvalue().decode()
        for name in ("geojson", "csv")
    ]

    # Each center of the row has a latitude of its own, written with up to 6 decimals.
    for center in sensitive:
        exact = re.compile(rf"(?<![0-9.]){re.escape(repr(round(center.location.y, 6)))}(?![0-9])")
        public = re.compile(
            rf"(?<![0-9.]){re.escape(repr(round(center.public_location.y, 6)))}(?![0-9])"
        )
        for body in bodies:
            assert not exact.search(body)
            assert public.search(body)
            assert "rue secrète" not in body
    ordinary = next(c for c in region_04["centers"] if not c.category.sensitive)
    assert repr(round(ordinary.location.y, 6)) in bodies[0]


def test_a_csv_export_is_conditional_too(api_client, region_04):
    first = export(api_client, region="04", format="csv")

    again = api_client.get(URL, {"region": "04", "format": "csv"}, HTTP_IF_NONE_MATCH=first["ETag"])
    other = api_client.get(URL, {"region": "04", "format": "csv", "status": "planned"})

    assert again.status_code == 304
    assert other["ETag"] != first["ETag"]


def _links(response) -> dict[str, str]:
    return {
        rel: url for url, rel in re.findall(r'<([^>]+)>; rel="(\w+)"', response.get("Link", ""))
    }


def test_pages_give_their_neighbours_in_the_link_header_as_in_the_body(api_client, region_04):
    first = export(api_client, region="04", status="all", limit=50)
    second = api_client.get(_links(first)["next"])
    last = api_client.get(_links(second)["next"])

    assert _links(first) == {"next": first.json()["next"]}
    assert _links(second) == {"next": second.json()["next"], "prev": second.json()["previous"]}
    assert "next" not in _links(last) and _links(last)["prev"] == last.json()["previous"]
    slugs = [item["slug"] for page in (first, second, last) for item in page.json()["results"]]
    assert sorted(slugs) == sorted(c.slug for c in region_04["centers"])


def test_geojson_and_csv_with_a_limit_come_in_pages(api_client, region_04):
    geojson = export(api_client, region="04", status="all", format="geojson", limit=100)
    as_csv = export(api_client, region="04", status="all", format="csv", limit=100, offset=100)

    assert len(features(geojson)) == 100 and "next" in _links(geojson)
    assert len(csv_rows(as_csv)) == IN_RABAT_REGION - 100
    assert "next" not in _links(as_csv) and "offset" not in _links(as_csv)["prev"]


def test_a_sync_still_comes_in_pages_whatever_the_format(api_client, region_04):
    response = export(api_client, format="geojson", modified_since="2000-01-01T00:00:00Z")

    collection = json.loads(response.getvalue())
    assert len(collection["features"]) == 20 and collection["sync_cursor"]
    assert Center.objects.count() > 20


def test_a_sync_in_csv_is_refused_naming_format(api_client, region_04):
    response = api_client.get(URL, {"format": "csv", "modified_since": "2000-01-01T00:00:00Z"})

    assert response.status_code == 400
    assert response.json()["parameter"] == "format"


def test_an_offset_without_a_limit_is_refused_in_an_export(api_client, region_04):
    for name in ("geojson", "csv"):
        response = api_client.get(URL, {"format": name, "offset": "100"})
        assert response.status_code == 400
        assert response.json()["parameter"] == "offset"
