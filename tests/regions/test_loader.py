"""load_admin_areas: the whole country, idempotent, and honest about what it skipped."""

import io

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from regions.loader import admin_areas_load
from regions.models import Commune, District, Province, Region
from regions.sources import read_sources

pytestmark = pytest.mark.django_db


def test_every_unit_of_the_country_is_loaded_with_attributes_and_boundary():
    assert Region.objects.count() == 12
    assert Province.objects.count() == 75
    assert Commune.objects.count() == 1503
    for model in (Region, Province, Commune):
        assert not model.objects.filter(geom__isnull=True).exists()
        assert not model.objects.filter(geom_simplified__isnull=True).exists()
        assert not model.objects.filter(name_ar="").exists()
    assert Region.objects.get(code="04").name_fr == "Rabat-Salé-Kénitra"
    rabat = Commune.objects.get(code="04.421.01.0")
    assert (rabat.name_ar, rabat.kind, rabat.province.kind) == ("الرباط", "urban", "prefecture")
    assert rabat.population_2024 == 509916


def test_reference_points_lie_inside_their_unit():
    with connection.cursor() as cursor:
        for table in ("regions_region", "regions_province", "regions_commune", "regions_district"):
            cursor.execute(
                f"SELECT count(*) FROM {table} WHERE NOT ST_Covers(geom, reference_point)"  # noqa: S608
            )
            assert cursor.fetchone()[0] == 0, table


# The communes divided into districts, with how many each has.
CITIES = {
    "Tanger": 4,
    "Fès": 6,
    "Rabat": 5,
    "Salé": 5,
    "Casablanca": 16,
    "Marrakech": 5,
}


def test_the_six_largest_cities_are_divided_into_their_41_districts_with_boundaries():
    districts = District.objects.select_related("commune")

    assert districts.count() == 41
    assert not districts.filter(geom__isnull=True).exists()
    assert not districts.filter(geom_simplified__isnull=True).exists()
    by_city = {}
    for district in districts:
        by_city.setdefault(district.commune.name_fr, []).append(district)
    assert {city: len(found) for city, found in by_city.items()} == CITIES
    maarif = districts.get(code="06.141.01.03")
    assert (maarif.name_fr, maarif.name_ar, maarif.commune.code) == (
        "Maârif",
        "المعاريف",
        "06.141.01.0",
    )
    assert maarif.population_2024 == 139669
    for city, found in by_city.items():
        assert sum(d.population_2024 for d in found) == found[0].commune.population_2024, city


def test_a_district_lies_in_its_commune_and_a_divided_commune_is_the_union_of_its_districts():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT d.code FROM regions_district d JOIN regions_commune c ON c.id = d.commune_id "
            "WHERE NOT ST_Covers(c.geom, d.reference_point) "
            "OR ST_Area(ST_Difference(d.geom, c.geom)) > 1e-9"
        )
        assert cursor.fetchall() == []
        cursor.execute(
            "SELECT c.name_fr, ST_Area(c.geom), ST_Area(ST_Union(d.geom)) "
            "FROM regions_district d JOIN regions_commune c ON c.id = d.commune_id "
            "GROUP BY c.id"
        )
        areas = cursor.fetchall()
    assert len(areas) == 6
    for city, commune_area, districts_area in areas:
        assert districts_area == pytest.approx(commune_area, rel=1e-6), city


def test_region_populations_add_up_to_their_communes():
    for region in Region.objects.all():
        communes = Commune.objects.filter(province__region=region)
        assert sum(c.population_2024 for c in communes) == region.population_2024


def test_second_run_changes_nothing_and_says_what_it_could_not_match():
    output = io.StringIO()

    call_command("load_admin_areas", stdout=output)

    report = output.getvalue()
    assert "No changes" in report
    assert "communes   created     0  updated     0  unchanged  1503" in report
    assert "districts  created     0  updated     0  unchanged    41  without boundary 0" in report
    assert "01.573.00.00 Sebta (not an HCP commune)" in report
    assert "02.381.00.00 Melilia (not an HCP commune)" in report
    assert "06.141.01.00 Casablanca-Anfa" in report


@pytest.mark.slow
def test_changed_source_unit_is_rewritten_and_counted():
    Commune.objects.filter(code="04.421.01.0").update(name_fr="Rabbat", source_digest="stale")
    output = io.StringIO()

    call_command("load_admin_areas", stdout=output)

    assert "communes   created     0  updated     1  unchanged  1502" in output.getvalue()
    assert Commune.objects.get(code="04.421.01.0").name_fr == "Rabat"


@pytest.mark.slow
def test_a_district_missing_from_the_database_is_created_again_in_its_commune():
    District.objects.filter(code="06.141.01.03").delete()
    output = io.StringIO()

    call_command("load_admin_areas", stdout=output)

    assert "districts  created     1  updated     0  unchanged    40" in output.getvalue()
    maarif = District.objects.get(code="06.141.01.03")
    assert maarif.commune.name_fr == "Casablanca"
    assert maarif.geom.covers(maarif.reference_point)


@pytest.mark.slow
def test_a_district_without_a_ring_is_reported_without_boundary():
    sources = read_sources()
    maarif = next(unit for unit in sources.units["district"] if unit.code == "06.141.01.03")
    maarif.rings.clear()

    report = admin_areas_load(sources=sources)

    assert report.levels["district"].without_boundary == ["06.141.01.03 Maârif"]
    assert report.levels["district"].updated == 1
    assert District.objects.get(code="06.141.01.03").geom is None


def test_database_refuses_an_invalid_boundary():
    bow_tie = "MULTIPOLYGON(((0 0, 1 1, 1 0, 0 1, 0 0)))"
    with pytest.raises(IntegrityError, match="geom_valid"), transaction.atomic():
        Region.objects.filter(code="04").update(geom=bow_tie)


def test_a_seat_set_by_hand_outlives_a_reload_and_one_outside_its_area_is_replaced():
    figuig, khouribga = Province.objects.get(code="02.251"), Province.objects.get(code="05.311")
    figuig_town = Commune.objects.get(code="02.251.01.03")
    oujda = Commune.objects.get(name_fr="Oujda")
    Province.objects.filter(pk=figuig.pk).update(seat=figuig_town)
    Province.objects.filter(pk=khouribga.pk).update(seat=oujda)
    output = io.StringIO()

    call_command("load_admin_areas", stdout=output)

    figuig.refresh_from_db()
    khouribga.refresh_from_db()
    assert figuig.seat == figuig_town
    assert khouribga.seat.name_fr == "Khouribga"
    assert "seats of provinces and regions assigned: 1" in output.getvalue()
