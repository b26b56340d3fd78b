"""Distances stored by the refresh, and every indicator computed from them, against
figures computed independently (tests/planning/expected.py)."""

import math

import pytest
from django.db import connection
from django.utils import translation

from centers.models import Center
from planning.indicators import (
    INDICATORS,
    Level,
    coverage_by_area,
    directory_holdings,
    national_coverage,
    region_summary,
)
from planning.models import CommuneAccess
from planning.services import coverage_refresh
from regions.models import Commune, Region
from tests.centers.factories import make_center

from .conftest import (
    BOUKRAA,
    COMMUNES,
    DCHEIRA,
    ES_SEMARA,
    LAAYOUNE,
    LAAYOUNE_PROVINCE,
    LAAYOUNE_REGION,
    NORTH_OF_BOUKRAA,
    TARFAYA,
    reference,
)
from .expected import (
    WGS84_A,
    WGS84_F,
    communes_of,
    figures,
    meridian_arc,
    nearest_distances,
    sphere_arc,
)

pytestmark = pytest.mark.django_db


def access(code: str, category) -> CommuneAccess:
    return CommuneAccess.objects.get(commune__code=code, category=category)


def by_code(level: Level, category) -> dict[str, dict]:
    return {
        row["code"]: row for row in coverage_by_area(level, category).values("code", *INDICATORS)
    }


def assert_figures(actual: dict, expected: dict) -> None:
    for name in INDICATORS:
        if expected[name] is None:
            assert actual[name] is None, name
        else:
            assert actual[name] == pytest.approx(expected[name], rel=1e-9, abs=1e-6), name


@pytest.fixture
def refreshed(scene):
    coverage_refresh()
    return scene


def test_a_center_on_the_reference_point_is_at_distance_zero(refreshed, categories):
    row = access(LAAYOUNE, categories["disability"])

    assert row.distance_m == 0
    assert row.nearest_center == refreshed["laayoune"]
    assert row.centers_count == 1


def test_distances_are_geodesic_metres_on_the_wgs84_spheroid(refreshed, categories):
    latitude, _longitude = reference(BOUKRAA)
    arc = meridian_arc(latitude, latitude + NORTH_OF_BOUKRAA)
    row = access(BOUKRAA, categories["disability"])

    assert row.nearest_center == refreshed["north_of_boukraa"]
    assert row.distance_m == pytest.approx(arc, abs=0.05)
    # On a sphere the arc would be tens of metres off: the test tells them apart.
    assert abs(sphere_arc(latitude, latitude + NORTH_OF_BOUKRAA) - arc) > 50


def test_every_commune_gets_its_nearest_open_center(refreshed, categories):
    disability = categories["disability"]
    expected = nearest_distances(disability)
    rows = CommuneAccess.objects.filter(category=disability).values_list(
        "commune__code", "distance_m"
    )

    assert len(rows) == COMMUNES
    for code, distance in rows:
        assert distance == pytest.approx(expected[code][1], abs=1e-6), code


def test_archived_and_planned_centers_are_not_help(refreshed, categories):
    disability = categories["disability"]

    for code in (TARFAYA, ES_SEMARA):
        row = access(code, disability)
        assert row.distance_m > 50_000
        assert row.nearest_center not in (
            refreshed["tarfaya_archived"],
            refreshed["semara_planned"],
        )
        assert row.centers_count == 0


def test_a_category_without_open_centers_has_no_distance(refreshed, categories):
    rows = CommuneAccess.objects.filter(category=categories["parenting"])

    assert rows.count() == COMMUNES
    assert not rows.filter(distance_m__isnull=False).exists()
    assert not rows.filter(nearest_center__isnull=False).exists()
    assert not rows.exclude(centers_count=0).exists()


def test_sensitive_center_distances_use_its_public_position(refreshed, categories):
    women = categories["women"]
    center = refreshed["women_boukraa"]
    assert center.location != center.public_location

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_Distance(m.reference_point::geography, %s::geography), "
            "ST_Distance(m.reference_point::geography, %s::geography) "
            "FROM regions_commune m WHERE m.code = %s",
            [center.public_location.ewkt, center.location.ewkt, DCHEIRA],
        )
        to_public, to_exact = cursor.fetchone()

    assert access(BOUKRAA, women).distance_m == 0
    assert access(DCHEIRA, women).distance_m == pytest.approx(to_public, abs=1e-6)
    assert abs(to_public - to_exact) > 1000


def test_province_figures(refreshed, categories):
    disability = categories["disability"]
    codes = communes_of(province__code=LAAYOUNE_PROVINCE)
    assert len(codes) == 5
    expected = figures(nearest_distances(disability), codes, centers_count=2)

    actual = by_code(Level.PROVINCE, disability)[LAAYOUNE_PROVINCE]

    assert actual["population"] == 295_555  # HCP, RGPH 2024
    assert actual["centers_count"] == 2
    assert actual["centers_per_100k"] == pytest.approx(2 * 100_000 / 295_555)
    assert_figures(actual, expected)


def test_region_figures(refreshed, categories):
    disability = categories["disability"]
    codes = communes_of(province__region__code=LAAYOUNE_REGION)
    assert len(codes) == 20
    expected = figures(nearest_distances(disability), codes, centers_count=2)

    actual = by_code(Level.REGION, disability)[LAAYOUNE_REGION]

    assert actual["population"] == 451_028  # HCP, RGPH 2024
    assert actual["centers_count"] == 2
    assert_figures(actual, expected)


def test_commune_figures(refreshed, categories):
    disability = categories["disability"]
    latitude, _longitude = reference(BOUKRAA)
    arc = meridian_arc(latitude, latitude + NORTH_OF_BOUKRAA)
    boukraa = coverage_by_area(Level.COMMUNE, disability).get(code=BOUKRAA)

    assert boukraa.population == 1171
    assert boukraa.centers_count == 1
    assert boukraa.centers_per_100k == pytest.approx(100_000 / 1171)
    assert boukraa.distance_m == boukraa.mean_distance_m == pytest.approx(arc, abs=0.05)
    # About 27.7 km: beyond 20 km, within 50 km.
    assert (boukraa.share_beyond_20km, boukraa.share_beyond_50km) == (1.0, 0.0)
    assert (boukraa.population_beyond_20km, boukraa.population_beyond_50km) == (1171, 0)
    assert boukraa.nearest_center_slug == refreshed["north_of_boukraa"].slug
    assert boukraa.province_code == LAAYOUNE_PROVINCE


def test_national_figures(refreshed, categories):
    disability = categories["disability"]
    expected = figures(nearest_distances(disability), communes_of(), centers_count=3)

    actual = national_coverage(disability)

    assert actual["population"] == 36_828_330  # HCP, RGPH 2024
    assert actual["refreshed_at"] is not None
    assert_figures(actual, expected)


def test_without_any_center_everyone_is_beyond_reach(refreshed, categories):
    national = national_coverage(categories["parenting"])

    assert national["centers_count"] == 0
    assert national["mean_distance_m"] is None
    assert national["share_beyond_20km"] == national["share_beyond_50km"] == 1.0


def test_figures_are_unknown_until_computed(scene, categories):
    region = by_code(Level.REGION, categories["disability"])[LAAYOUNE_REGION]
    national = national_coverage(categories["disability"])

    assert region["population"] == 451_028
    for name in INDICATORS[1:]:
        assert region[name] is None, name
        assert national[name] is None, name
    assert national["refreshed_at"] is None


@pytest.mark.parametrize("level", list(Level))
def test_most_underserved_come_first(refreshed, categories, level):
    rows = list(
        coverage_by_area(level, categories["disability"]).values(
            "population_beyond_50km", "mean_distance_m"
        )
    )
    keys = [(row["population_beyond_50km"], row["mean_distance_m"]) for row in rows]

    assert keys == sorted(keys, reverse=True)
    assert len(rows) == {"region": 12, "province": 75, "commune": COMMUNES}[level]


def test_directory_holdings_compare_listed_centers_with_national_totals(scene, categories):
    holdings = {item["code"]: item for item in directory_holdings()}

    disability = holdings["disability"]
    assert disability["listed"] == 3  # open and not archived
    assert disability["national_total"]["count"] == 86
    assert disability["national_total"]["as_of"] == "2024-07"
    assert "parliament" in disability["national_total"]["source_en"]
    assert disability["note"].startswith("The directory holds 3 of the 86 known nationally")
    assert holdings["women"]["national_total"]["count"] == 65
    assert holdings["child-protection"]["national_total"]["count"] == 43
    assert holdings["parenting"]["listed"] == 0
    assert holdings["parenting"]["national_total"]["count"] == 38
    assert list(holdings) == ["disability", "women", "child-protection", "parenting"]


def test_a_category_without_a_known_total_says_so(scene, categories):
    categories["disability"].national_total.delete()

    disability = directory_holdings()[0]

    assert disability["national_total"] is None
    assert "no national total is known" in disability["note"]


def test_region_summary_counts_the_regions_open_centers(scene, categories):
    region = Region.objects.get(code=LAAYOUNE_REGION)

    with translation.override("en"):
        summary = {item["code"]: item for item in region_summary(region)}

    disability = summary["disability"]
    assert disability["centers_count"] == 2  # Laâyoune and Boukraa; not Tarfaya, Es-Semara
    assert disability["centers_per_100k"] == pytest.approx(2 * 100_000 / 451_028)
    assert disability["listed"] == 3
    assert disability["national_total"]["count"] == 86
    assert disability["name_fr"] == categories["disability"].name_fr
    assert summary["women"]["centers_count"] == 1
    assert summary["parenting"]["centers_count"] == 0
    assert set(disability) == {
        "code",
        "name_ar",
        "name_fr",
        "name_en",
        "centers_count",
        "centers_per_100k",
        "listed",
        "national_total",
        "note",
    }


def test_region_summary_reads_centers_live(scene, categories):
    region = Region.objects.get(code=LAAYOUNE_REGION)
    Center.objects.filter(pk=scene["laayoune"].pk).update(status=Center.Status.CLOSED)

    disability = region_summary(region)[0]

    assert disability["centers_count"] == 1


def test_region_summary_is_one_query(scene, django_assert_num_queries):
    region = Region.objects.get(code=LAAYOUNE_REGION)

    with django_assert_num_queries(1):
        region_summary(region)


def test_communes_are_all_covered(refreshed, categories):
    assert CommuneAccess.objects.count() == COMMUNES * len(categories)
    assert Commune.objects.count() == COMMUNES


def test_nearest_is_decided_by_the_true_distance_not_the_sphere(categories):
    """The index orders by distance on a sphere; north-south distances are shorter on
    the WGS84 spheroid, east-west ones longer. A center due north that is truly nearer
    than one due east, but farther on the sphere, must still be the nearest."""
    disability = categories["disability"]
    latitude, longitude = reference(BOUKRAA)
    north = (latitude + 0.2, longitude)
    north_m = meridian_arc(latitude, north[0])
    # East at about 1.003 times that distance on the spheroid (radius N cos φ).
    e2 = WGS84_F * (2 - WGS84_F)
    prime_vertical = WGS84_A / math.sqrt(1 - e2 * math.sin(math.radians(latitude)) ** 2)
    east = (
        latitude,
        longitude
        + math.degrees(1.003 * north_m / (prime_vertical * math.cos(math.radians(latitude)))),
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_Distance(a, b), ST_Distance(a, b, false) FROM (SELECT "
            "ST_MakePoint(%s, %s)::geography AS a, ST_MakePoint(%s, %s)::geography AS b) p "
            "UNION ALL SELECT ST_Distance(a, b), ST_Distance(a, b, false) FROM (SELECT "
            "ST_MakePoint(%s, %s)::geography AS a, ST_MakePoint(%s, %s)::geography AS b) q",
            [longitude, latitude, north[1], north[0], longitude, latitude, east[1], east[0]],
        )
        (north_true, north_sphere), (east_true, east_sphere) = cursor.fetchall()
    assert north_true < east_true and north_sphere > east_sphere
    nearer = make_center(at=north, category=disability, name_fr="Au nord")
    make_center(at=east, category=disability, name_fr="À l'est")

    coverage_refresh(categories=[disability])

    row = access(BOUKRAA, disability)
    assert row.nearest_center == nearer
    assert row.distance_m == pytest.approx(north_true, abs=1e-6)
