"""The database is a real PostGIS: geodesic measures come from it, not from Python."""

import pytest
from django.contrib.gis.geos import Point
from django.db import connection

pytestmark = pytest.mark.django_db

# (lon, lat) of the centres of Rabat and Casablanca.
RABAT = Point(-6.841650, 34.020882, srid=4326)
CASABLANCA = Point(-7.589843, 33.573110, srid=4326)
# Geodesic distance on the WGS84 ellipsoid (Vincenty's inverse formula), in metres.
RABAT_CASABLANCA_M = 85_248


def test_database_is_postgis_with_the_extensions_the_project_needs():
    with connection.cursor() as cursor:
        cursor.execute("SELECT extname FROM pg_extension")
        extensions = {row[0] for row in cursor.fetchall()}
    assert {"postgis", "pg_trgm", "unaccent"} <= extensions


def test_geodesic_distance_rabat_casablanca_is_within_one_percent():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_Distance(ST_GeogFromText(%s), ST_GeogFromText(%s))",
            [RABAT.wkt, CASABLANCA.wkt],
        )
        (distance_m,) = cursor.fetchone()
    assert distance_m == pytest.approx(RABAT_CASABLANCA_M, rel=0.01)


def test_database_session_time_zone_is_utc_and_django_uses_casablanca(settings):
    assert settings.TIME_ZONE == "Africa/Casablanca"
    with connection.cursor() as cursor:
        cursor.execute("SHOW TIME ZONE")
        assert cursor.fetchone()[0] == "UTC"
