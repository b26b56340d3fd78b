"""GET /api/v1/coverage/: levels, figures, pagination, honesty block, errors, queries
and the OpenAPI schema."""

import pytest
from django.core.cache import cache

from planning.services import coverage_refresh

from .conftest import BOUKRAA, LAAYOUNE_PROVINCE, LAAYOUNE_REGION, NORTH_OF_BOUKRAA, reference
from .expected import meridian_arc

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.planning.urls")]

URL = "/api/v1/coverage/"


@pytest.fixture(autouse=True)
def empty_cache():
    """The anonymous quota counts requests in the cache."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def refreshed(scene):
    coverage_refresh()
    return scene


def get(client, **params):
    return client.get(URL, params, HTTP_ACCEPT_LANGUAGE="en")


def test_region_level_lists_the_twelve_regions_with_their_figures(api_client, refreshed):
    body = get(api_client, category="disability", level="region").json()

    assert body["level"] == "region"
    assert body["count"] == 12
    assert body["next"] is None
    laayoune = next(row for row in body["results"] if row["code"] == LAAYOUNE_REGION)
    assert laayoune["population"] == 451_028
    assert laayoune["centers_count"] == 2
    assert laayoune["centers_per_100k"] == round(2 * 100_000 / 451_028, 3)
    assert set(laayoune) == {
        "code",
        "name_ar",
        "name_fr",
        "name_en",
        "population",
        "centers_count",
        "centers_per_100k",
        "mean_distance_km",
        "population_beyond_20km",
        "population_beyond_50km",
        "share_beyond_20km",
        "share_beyond_50km",
    }


def test_province_level_rounds_distances_to_a_tenth_of_a_kilometre(api_client, refreshed):
    body = get(api_client, category="disability", level="province").json()

    assert body["count"] == 75
    province = next(row for row in body["results"] if row["code"] == LAAYOUNE_PROVINCE)
    assert province["centers_count"] == 2
    assert isinstance(province["mean_distance_km"], float)
    assert province["mean_distance_km"] == round(province["mean_distance_km"], 1)
    assert 0 <= province["share_beyond_50km"] <= province["share_beyond_20km"] <= 1


def test_commune_level_is_paginated_and_gives_each_communes_distance(api_client, refreshed):
    body = get(api_client, category="disability", level="commune", limit=500).json()
    latitude, _longitude = reference(BOUKRAA)

    assert body["count"] == 1503
    assert len(body["results"]) == 500
    assert "offset=500" in body["next"]
    too_many = get(api_client, category="disability", level="commune", limit=1000)
    assert too_many.status_code == 400 and too_many.json()["parameter"] == "limit"
    pages = [
        get(api_client, category="disability", level="commune", limit=500, offset=offset).json()
        for offset in (0, 500, 1000, 1500)
    ]
    rows = [row for page in pages for row in page["results"]]
    assert len({row["code"] for row in rows}) == 1503
    boukraa = next(row for row in rows if row["code"] == BOUKRAA)
    arc_km = meridian_arc(latitude, latitude + NORTH_OF_BOUKRAA) / 1000
    assert boukraa["distance_km"] == round(arc_km, 1) == boukraa["mean_distance_km"]
    assert boukraa["province"] == LAAYOUNE_PROVINCE
    assert boukraa["nearest_center"] == refreshed["north_of_boukraa"].slug
    assert (boukraa["share_beyond_20km"], boukraa["share_beyond_50km"]) == (1.0, 0.0)


def test_rows_come_most_underserved_first(api_client, refreshed):
    rows = get(api_client, category="disability", level="commune", limit=500).json()["results"]
    beyond = [row["population_beyond_50km"] for row in rows]

    assert beyond == sorted(beyond, reverse=True)


def test_response_carries_national_figures_and_what_the_directory_holds(api_client, refreshed):
    body = get(api_client, category="disability", level="region").json()

    assert body["national"]["population"] == 36_828_330
    assert body["national"]["centers_count"] == 3
    assert body["refreshed_at"]
    directory = body["directory"]
    assert directory["code"] == "disability"
    assert directory["listed"] == 3
    assert directory["national_total"]["count"] == 86
    assert directory["national_total"]["as_of"] == "2024-07"
    assert directory["note"].startswith("The directory holds 3 of the 86 known nationally")


def test_a_category_without_centers_has_no_mean_distance(api_client, refreshed):
    body = get(api_client, category="parenting", level="region").json()

    assert body["national"]["mean_distance_km"] is None
    assert body["national"]["share_beyond_50km"] == 1.0
    assert all(row["mean_distance_km"] is None for row in body["results"])
    assert body["directory"]["national_total"]["count"] == 38


def test_before_any_refresh_the_figures_are_null(api_client, scene):
    body = get(api_client, category="disability", level="region").json()

    assert body["refreshed_at"] is None
    assert body["national"]["population"] == 36_828_330
    assert body["national"]["share_beyond_20km"] is None
    assert all(row["centers_count"] is None for row in body["results"])


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"level": "region"}, "category"),
        ({"category": "unknown", "level": "region"}, "category"),
        ({"category": "disability"}, "level"),
        ({"category": "disability", "level": "country"}, "level"),
    ],
)
def test_bad_or_missing_parameters_are_400_problems_naming_them(
    api_client, categories, params, parameter
):
    response = get(api_client, **params)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == "/api/v1/problems/invalid-parameter"
    assert problem["parameter"] == parameter
    assert problem["detail"]


def test_every_refused_parameter_is_listed(api_client, categories):
    problem = get(api_client).json()

    assert [error["parameter"] for error in problem["errors"]] == ["category", "level"]


@pytest.mark.parametrize("level", ["region", "province", "commune"])
def test_query_count(api_client, refreshed, django_assert_num_queries, level):
    # The category with its holdings, the national figures, the count, the page.
    with django_assert_num_queries(4):
        response = get(api_client, category="women", level=level)

    assert response.status_code == 200


def test_schema_documents_the_endpoint_and_its_parameters(api_client):
    schema = api_client.get("/api/v1/schema/", {"format": "json"}).json()

    operation = schema["paths"]["/api/v1/coverage/"]["get"]
    parameters = {parameter["name"]: parameter for parameter in operation["parameters"]}
    for name in ("category", "level", "limit", "offset"):
        assert parameters[name]["description"], name
        assert parameters[name]["examples"], name
    assert parameters["category"]["required"] is True
    assert set(parameters["level"]["schema"]["enum"]) == {"region", "province", "commune"}
    assert "400" in operation["responses"]
    page = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    page_schema = schema["components"]["schemas"][page.rsplit("/", 1)[1]]
    assert {"directory", "national", "results", "refreshed_at"} <= set(page_schema["properties"])


def test_rows_match_their_documented_schema(api_client, refreshed):
    schema = api_client.get("/api/v1/schema/", {"format": "json"}).json()
    documented = schema["components"]["schemas"]["CommuneCoverage"]
    commune = get(api_client, category="women", level="commune", limit=1).json()["results"][0]
    region = get(api_client, category="women", level="region", limit=1).json()["results"][0]

    assert set(commune) == set(documented["properties"])
    # Region and province rows have every required field, and only those.
    assert set(region) == set(documented["required"])
