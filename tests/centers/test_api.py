"""The public centers API: ordering and distances, filters, formats, pagination, sync,
privacy, bad input, HTTP caching, quotas, keys and CORS."""

import csv
import datetime
import io
import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from centers.models import Center
from centers.services import center_archive
from partners.models import ApiKey
from partners.throttling import AnonymousRateThrottle

from .factories import RABAT_HASSAN_TOWER, make_directory

pytestmark = pytest.mark.django_db

URL = "/api/v1/centers/"
# The searcher stands in the centre of Rabat.
HERE = {"lat": "34.0209", "lon": "-6.8416"}


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def directory():
    """Centers at known places; the women's spaces are sensitive."""
    return make_directory()


def get(client, **params):
    return client.get(URL, params)


def results(response):
    return response.json()["results"]


def database_distance(center, lat, lon) -> float:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_Distance(public_location, ST_GeogFromText(%s)) "
            "FROM centers_center WHERE id = %s",
            [f"POINT({lon} {lat})", center.pk],
        )
        return cursor.fetchone()[0]


def test_point_in_rabat_finds_the_rabat_center_first_with_distances_in_metres(
    api_client, directory
):
    response = get(api_client, **HERE)

    assert response.status_code == 200
    items = results(response)
    assert [i["slug"] for i in items][:4] == [
        directory[name].slug for name in ("rabat", "sale", "casablanca", "marrakech")
    ]
    distances = [i["distance_m"] for i in items]
    assert distances == sorted(distances)
    for item in items:
        expected = database_distance(Center.objects.get(slug=item["slug"]), 34.0209, -6.8416)
        assert abs(item["distance_m"] - expected) <= 1


def test_default_status_hides_planned_and_closed_centers(api_client, directory):
    slugs = {i["slug"] for i in results(get(api_client))}
    assert directory["dakhla"].slug not in slugs

    planned = results(get(api_client, status="planned"))
    assert [i["slug"] for i in planned] == [directory["dakhla"].slug]


def test_radius_limits_the_distance(api_client, directory):
    items = results(get(api_client, radius_km="10", **HERE))

    assert {i["slug"] for i in items} == {directory["rabat"].slug, directory["sale"].slug}
    assert all(i["distance_m"] <= 10_000 and i["beyond_radius"] is False for i in items)


def test_empty_radius_is_no_dead_end(api_client, directory):
    # In the Atlantic off Essaouira: nothing within 5 km.
    response = get(api_client, lat="31.5", lon="-10.0", radius_km="5", limit="2")

    body = response.json()
    assert body["beyond_radius"] is True
    assert body["count"] == 0
    assert "5 km" in body["detail"]
    assert len(body["results"]) == 2
    assert all(item["beyond_radius"] for item in body["results"])
    assert results(response)[0]["slug"] == directory["marrakech"].slug


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"category": "women"}, {"sale", "marrakech"}),
        ({"category": "women,disability"}, {"rabat", "sale", "casablanca", "marrakech"}),
        ({"service": "legal-aid"}, {"sale"}),
        ({"accessibility": "step-free-access"}, {"casablanca"}),
        ({"region": "04"}, {"rabat", "sale"}),
        ({"province": "04.441"}, {"sale"}),
        ({"commune": "07.351.01.0"}, {"marrakech"}),
        ({"region": "06,07"}, {"casablanca", "marrakech"}),
        ({"bbox": "-7.0,33.9,-6.7,34.1"}, {"rabat", "sale"}),
        ({"q": "hassan"}, {"rabat"}),
        ({"q": "مراكش"}, {"marrakech"}),  # by name, and by commune
        ({"q": "anfa"}, {"casablanca"}),
        ({"q": "Dakhla", "status": "planned"}, {"dakhla"}),
    ],
)
def test_each_filter_keeps_the_matching_centers(api_client, directory, params, expected):
    slugs = {i["slug"] for i in results(get(api_client, **params))}

    assert slugs == {directory[name].slug for name in expected}


def test_text_search_is_ranked_and_tolerates_a_typo(api_client, directory):
    items = results(get(api_client, q="hasan"))

    assert items[0]["slug"] == directory["rabat"].slug


def test_sensitive_center_is_at_its_communes_reference_point_in_every_format(api_client, directory):
    sale = directory["sale"]
    reference = sale.commune.reference_point

    item = next(i for i in results(get(api_client, **HERE)) if i["slug"] == sale.slug)
    assert item["location"]["coordinates"] == pytest.approx([reference.x, reference.y], abs=1e-6)
    assert item["location_precision"] == "commune"

    collection = json.loads(get(api_client, format="geojson").getvalue())
    feature = next(f for f in collection["features"] if f["properties"]["slug"] == sale.slug)
    assert feature["geometry"]["coordinates"] == pytest.approx([reference.x, reference.y], abs=1e-6)

    rows = list(csv.DictReader(io.StringIO(get(api_client, format="csv").getvalue().decode())))
    row = next(r for r in rows if r["\ufeffslug" if "\ufeffslug" in r else "slug"] == sale.slug)
    assert float(row["latitude"]) == pytest.approx(reference.y, abs=1e-6)

    detail = api_client.get(f"{URL}{sale.slug}/").json()
    assert detail["location"]["coordinates"] == pytest.approx([reference.x, reference.y], abs=1e-6)
    assert detail["address_fr"] == "" and "secrète" not in json.dumps(detail)
    exact = [round(sale.location.x, 6), round(sale.location.y, 6)]
    for body in (get(api_client).content, get(api_client, format="geojson").getvalue()):
        assert json.dumps(exact)[1:-1] not in body.decode()
    assert not results(get(api_client, q="secrète"))


def test_ordinary_center_shows_its_exact_position_and_address(api_client, directory):
    detail = api_client.get(f"{URL}{directory['rabat'].slug}/").json()

    assert detail["location"]["coordinates"] == pytest.approx(
        [RABAT_HASSAN_TOWER[1], RABAT_HASSAN_TOWER[0]], abs=1e-6
    )
    assert detail["location_precision"] == "exact"
    assert detail["address_fr"] == "Tour Hassan"
    assert detail["category"]["code"] == "disability"
    assert detail["commune"]["code"] == "04.421.01.0"


def test_geojson_is_an_rfc7946_feature_collection(api_client, directory):
    response = get(api_client, format="geojson", **HERE)

    assert response["Content-Type"].startswith("application/geo+json")
    collection = json.loads(response.getvalue())
    assert collection["type"] == "FeatureCollection"
    feature = collection["features"][0]
    assert feature["type"] == "Feature"
    assert isinstance(feature["id"], int)
    assert feature["geometry"]["type"] == "Point"
    lon, lat = feature["geometry"]["coordinates"]
    assert (lat, lon) == pytest.approx(RABAT_HASSAN_TOWER, abs=1e-6)
    assert set(feature["properties"]) >= {
        "slug",
        "name_ar",
        "name_fr",
        "category",
        "location_precision",
        "region",
        "province",
        "commune",
        "updated_at",
        "distance_m",
    }


def test_csv_is_streamed_with_a_header(api_client, directory):
    response = get(api_client, format="csv", **HERE, limit="3")

    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    assert rows[0][:4] == ["id", "latitude", "longitude", "slug"]
    assert rows[0][-1] == "distance_m"
    assert len(rows) == 4
    assert rows[1][0] == str(directory["rabat"].pk) and rows[1][3] == directory["rabat"].slug


def test_pagination_gives_count_next_and_previous(api_client, directory):
    first = get(api_client, limit="2").json()
    assert first["count"] == 4 and len(first["results"]) == 2
    assert first["previous"] is None

    second = api_client.get(first["next"]).json()
    assert len(second["results"]) == 2 and second["next"] is None
    assert second["previous"] is not None
    slugs = [i["slug"] for i in first["results"] + second["results"]]
    assert len(set(slugs)) == 4


def test_nearest_without_radius_pages_without_counting(api_client, directory):
    body = get(api_client, limit="2", **HERE).json()

    assert body["count"] is None
    assert body["next"] is not None


def test_modified_since_returns_changes_and_archived_tombstones(api_client, directory):
    since = timezone.now() - datetime.timedelta(seconds=1)
    Center.objects.filter(pk=directory["rabat"].pk).update(
        public_updated_at=timezone.now() - datetime.timedelta(days=2)
    )
    center_archive(user=None, center=directory["casablanca"])

    items = results(get(api_client, modified_since=since.isoformat()))

    by_slug = {i["slug"]: i for i in items}
    assert directory["rabat"].slug not in by_slug
    assert by_slug[directory["casablanca"].slug]["archived"] is True
    assert directory["dakhla"].slug in by_slug  # planned centers too: a copy keeps everything
    assert len(by_slug) == len(items)
    assert directory["casablanca"].slug not in {i["slug"] for i in results(get(api_client))}


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"lat": "91", "lon": "0"}, "lat"),
        ({"lat": "-91", "lon": "0"}, "lat"),
        ({"lat": "34", "lon": "181"}, "lon"),
        ({"lat": "north", "lon": "-6"}, "lat"),
        ({"lat": "34"}, "lon"),
        ({"lat": "34", "lon": "-6", "radius_km": "0"}, "radius_km"),
        ({"lat": "34", "lon": "-6", "radius_km": "-3"}, "radius_km"),
        ({"lat": "34", "lon": "-6", "radius_km": "501"}, "radius_km"),
        ({"radius_km": "10"}, "radius_km"),
        ({"bbox": "-7,33,-6"}, "bbox"),
        ({"bbox": "-6,33,-7,34"}, "bbox"),
        ({"bbox": "a,b,c,d"}, "bbox"),
        ({"limit": "0"}, "limit"),
        ({"limit": "101"}, "limit"),
        ({"category": "unknown"}, "category"),
        ({"region": "99"}, "region"),
        ({"status": "sleeping"}, "status"),
        ({"modified_since": "last tuesday"}, "modified_since"),
        ({"q": "x"}, "q"),
    ],
)
def test_bad_input_is_a_400_problem_naming_the_parameter(api_client, directory, params, parameter):
    response = get(api_client, **params)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["parameter"] == parameter
    assert problem["type"] and problem["title"] and problem["detail"]


def test_unknown_parameters_are_ignored(api_client, directory):
    assert get(api_client, colour="blue", **HERE).status_code == 200


def test_unknown_center_is_a_404_problem(api_client, directory):
    center_archive(user=None, center=directory["rabat"])

    for slug in ("no-such-center", directory["rabat"].slug):
        response = api_client.get(f"{URL}{slug}/")
        assert response.status_code == 404
        assert response.json()["type"] == "/api/v1/problems/not-found"


def test_conditional_requests_get_304(api_client, directory):
    first = get(api_client, **HERE)
    etag, last_modified = first["ETag"], first["Last-Modified"]

    assert api_client.get(URL, HERE, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert api_client.get(URL, HERE, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    detail = api_client.get(f"{URL}{directory['rabat'].slug}/")
    assert (
        api_client.get(
            f"{URL}{directory['rabat'].slug}/", HTTP_IF_NONE_MATCH=detail["ETag"]
        ).status_code
        == 304
    )

    center_archive(user=None, center=directory["sale"])
    # HTTP dates count whole seconds: the change is a few seconds later.
    Center.objects.filter(pk=directory["sale"].pk).update(
        public_updated_at=timezone.now() + datetime.timedelta(seconds=3)
    )
    assert api_client.get(URL, HERE, HTTP_IF_NONE_MATCH=etag).status_code == 200
    assert api_client.get(URL, HERE, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 200


def test_anonymous_clients_are_throttled_with_retry_after(api_client, directory, monkeypatch):
    monkeypatch.setattr(AnonymousRateThrottle, "rate", "3/minute", raising=False)

    statuses = [get(api_client).status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    response = get(api_client)
    assert int(response["Retry-After"]) > 0
    assert response.json()["type"] == "/api/v1/problems/throttled"
    other_client = api_client.get(URL, REMOTE_ADDR="10.0.0.9")
    assert other_client.status_code == 200


def test_partner_key_has_its_own_higher_quota_and_is_stored_hashed(
    api_client, directory, monkeypatch
):
    monkeypatch.setattr(AnonymousRateThrottle, "rate", "1/minute", raising=False)
    key = ApiKey(organisation="Association Amal", rate="5/minute")
    secret = key.issue()
    key.save()

    statuses = [api_client.get(URL, HTTP_X_API_KEY=secret).status_code for _ in range(6)]

    assert statuses == [200] * 5 + [429]
    assert secret.split(".")[1] not in key.key_hash
    assert not ApiKey.objects.filter(key_hash__contains=secret).exists()


def test_unknown_or_revoked_key_is_refused(api_client, directory):
    key = ApiKey(organisation="Old partner")
    secret = key.issue()
    key.active = False
    key.save()

    for presented in ("nope.nope", secret):
        response = api_client.get(URL, HTTP_X_API_KEY=presented)
        assert response.status_code == 401
        assert response.json()["type"] == "/api/v1/problems/not-authenticated"


def test_any_origin_may_read_the_api(api_client, directory):
    response = api_client.get(URL, HTTP_ORIGIN="https://partner.example")
    assert response["Access-Control-Allow-Origin"] == "*"

    preflight = api_client.options(
        URL,
        HTTP_ORIGIN="https://partner.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="x-api-key",
    )
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert "POST" not in preflight["Access-Control-Allow-Methods"]


@pytest.mark.parametrize(
    ("params", "queries"),
    [
        (HERE, 1),  # the page, with the latest change
        ({**HERE, "radius_km": "25"}, 2),  # count within the radius, page
        ({"region": "04", "category": "women"}, 2),  # count, page
        ({"q": "centre"}, 2),
    ],
)
def test_list_query_counts(api_client, directory, django_assert_num_queries, params, queries):
    get(api_client, region="04", category="women")  # fill the code cache
    with django_assert_num_queries(queries):
        assert get(api_client, **params).status_code == 200


def test_detail_query_count(api_client, directory, django_assert_num_queries):
    with django_assert_num_queries(3):  # center with its places, services, accessibility
        api_client.get(f"{URL}{directory['rabat'].slug}/")


def test_list_items_match_their_documented_schema(api_client, directory):
    schema = api_client.get("/api/v1/schema/", {"format": "json"}).json()
    item_schema = schema["components"]["schemas"]["CenterListItem"]["properties"]

    item = results(get(api_client, **HERE))[0]

    assert set(item) == set(item_schema)


def test_every_list_parameter_is_documented_with_an_example(api_client):
    schema = api_client.get("/api/v1/schema/", {"format": "json"}).json()
    parameters = schema["paths"]["/api/v1/centers/"]["get"]["parameters"]

    documented = {p["name"]: p for p in parameters}
    for name in ("lat", "lon", "radius_km", "limit", "category", "bbox", "q", "modified_since"):
        assert documented[name]["description"], name
        assert documented[name].get("examples"), name
    assert (
        "metres" in documented["lat"]["description"]
        or "degrees" in documented["lat"]["description"]
    )
    assert "kilometres" in documented["radius_km"]["description"]


def test_count_is_left_out_beyond_the_counting_bound(api_client, directory, monkeypatch):
    monkeypatch.setattr("centers.selectors.MAX_COUNT", 2)

    body = get(api_client, limit="1").json()

    assert body["count"] is None
    assert body["next"] is not None


# What GDAL (and so QGIS) sends to any address.
GDAL_ACCEPT = "text/plain, application/json"


@pytest.mark.parametrize(
    ("response_format", "content_type"),
    [("geojson", "application/geo+json"), ("csv", "text/csv"), ("json", "application/json")],
)
@pytest.mark.parametrize("accept", [GDAL_ACCEPT, "application/json", "*/*", "text/html"])
def test_a_format_asked_for_by_name_is_given_whatever_accept_says(
    api_client, directory, response_format, content_type, accept
):
    response = api_client.get(URL, {"format": response_format}, HTTP_ACCEPT=accept)

    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)


def test_an_unknown_format_is_refused_naming_format(api_client, directory):
    response = api_client.get(URL, {"format": "xml"}, HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 400
    problem = response.json()
    assert problem["parameter"] == "format"
    assert "xml" in problem["detail"] and "geojson" in problem["detail"]


def test_the_schema_gives_integers_as_integers_and_documents_304(api_client):
    schema = api_client.get("/api/v1/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/centers/"]["get"]
    types = {p["name"]: p["schema"]["type"] for p in operation["parameters"]}

    assert (types["limit"], types["offset"]) == ("integer", "integer")
    assert (types["lat"], types["lon"], types["radius_km"]) == ("number", "number", "number")
    assert "304" in operation["responses"]


@pytest.mark.parametrize(
    ("params", "parameter"),
    [({"cursor": "not-a-cursor"}, "cursor"), ({"cursor": "MTIzNDUuNjc", "offset": "10"}, "offset")],
)
def test_a_bad_sync_cursor_is_refused_naming_it(api_client, directory, params, parameter):
    response = get(api_client, **params)

    assert response.status_code == 400 and response.json()["parameter"] == parameter


def test_a_sync_page_gives_its_cursor_and_a_next_link_that_carries_it(api_client, directory):
    body = get(api_client, modified_since="2000-01-01T00:00:00Z", limit="2").json()

    assert body["sync_cursor"] and f"cursor={body['sync_cursor']}" in body["next"]
    assert body["previous"] is None
