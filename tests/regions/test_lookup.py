"""Which commune, province and region a point lies in."""

import pytest
from django.db import connection

from regions.models import Commune, Province, Region

from .places import (
    ATLANTIC_OFF_CASABLANCA,
    DAKHLA,
    HASSAN_TOWER_RABAT,
    JEMAA_EL_FNA_MARRAKECH,
    MADRID,
    OUJDA,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("place", "commune", "province", "region"),
    [
        (HASSAN_TOWER_RABAT, "Rabat", "04.421", "04"),
        (JEMAA_EL_FNA_MARRAKECH, "Marrakech", "07.351", "07"),
        (DAKHLA, "Dakhla", "12.391", "12"),
        (OUJDA, "Oujda", "02.411", "02"),
    ],
)
def test_known_places_are_in_their_commune_province_and_region(place, commune, province, region):
    assert Commune.objects.containing(place).first().name_fr == commune
    assert Province.objects.containing(place).first().code == province
    assert Region.objects.containing(place).first().code == region

    located = Commune.objects.at(place)
    assert located.name_fr == commune
    assert located.province.code == province
    assert located.province.region.code == region


@pytest.mark.parametrize("place", [MADRID, ATLANTIC_OFF_CASABLANCA])
def test_points_outside_morocco_are_in_no_unit(place):
    assert not Commune.objects.containing(place).exists()
    assert not Province.objects.containing(place).exists()
    assert not Region.objects.containing(place).exists()
    assert Commune.objects.at(place) is None


def test_point_in_a_gap_between_communes_belongs_to_the_nearest_commune_of_its_province():
    # Khénifra's communes leave part of the province uncovered (about 400 km²).
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT ST_AsText(ST_PointOnSurface(ST_Difference(p.geom, ST_Union(c.geom))))
              FROM regions_province p JOIN regions_commune c ON c.province_id = p.id
             WHERE p.name_fr = 'Khénifra' GROUP BY p.geom
            """
        )
        (gap_wkt,) = cursor.fetchone()
    from django.contrib.gis.geos import GEOSGeometry

    gap = GEOSGeometry(gap_wkt, srid=4326)
    assert not Commune.objects.containing(gap).exists()

    commune = Commune.objects.at(gap)

    assert commune.province.name_fr == "Khénifra"
    nearest = min(
        Commune.objects.filter(province=commune.province), key=lambda c: c.geom.distance(gap)
    )
    assert commune == nearest
