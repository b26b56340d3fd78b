"""GIS clients read the API as it is served: Debian's GDAL (`ogrinfo`, `ogr2ogr`, what QGIS
reads through) opens the live GeoJSON and CSV and writes a GeoPackage from them."""

import os
import subprocess

import pytest
from django.db import connection

from tests.centers.factories import CategoryFactory, make_directory, make_row_of_centers
from tests.servers import database_url, free_port, gunicorn

pytestmark = [pytest.mark.usefixtures("committed"), pytest.mark.slow]

EXTRA = 130
# The row takes the four statuses in turn; open and temporarily closed are listed.
EXTRA_LISTED = len(range(0, EXTRA, 4)) + len(range(1, EXTRA, 4))


@pytest.fixture
def served():
    """Four listed centers (one planned is not listed) and, in region 04, 130 more than a
    page holds, of every status, served by gunicorn."""
    make_directory()
    make_row_of_centers(EXTRA, categories=[CategoryFactory(code="child-protection")])
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "geo_directory.settings.test",
        "DATABASE_URL": database_url(connection.settings_dict["NAME"]),
        "API_ANONYMOUS_RATE": "100000/minute",
    }
    with gunicorn(environment, free_port(), workers=1) as base:
        yield base


def ogr(*arguments: str) -> str:
    done = subprocess.run(arguments, capture_output=True, text=True, check=False, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def feature_count(summary: str) -> int:
    [line] = [line for line in summary.splitlines() if line.startswith("Feature Count:")]
    return int(line.split(":")[1])


def test_ogrinfo_reads_every_feature_of_the_geojson(served):
    summary = ogr("ogrinfo", "-ro", "-so", "-al", f"{served}/api/v1/centers/?format=geojson")
    every_status = ogr(
        "ogrinfo", "-ro", "-so", "-al", f"{served}/api/v1/centers/?format=geojson&status=all"
    )

    assert feature_count(summary) == 4 + EXTRA_LISTED
    assert feature_count(every_status) == 5 + EXTRA
    assert "name_fr: String" in summary and "distance_m" not in summary


def test_ogrinfo_reads_the_csv_with_its_positions(served):
    source = f"CSV:/vsicurl_streaming/{served}/api/v1/centers/?format=csv"
    described = ogr(
        "ogrinfo",
        "-ro",
        "-al",
        "-oo",
        "X_POSSIBLE_NAMES=longitude",
        "-oo",
        "Y_POSSIBLE_NAMES=latitude",
        source,
    )

    assert feature_count(described) == 4 + EXTRA_LISTED
    assert described.count("POINT (") == 4 + EXTRA_LISTED


def test_ogr2ogr_writes_a_geopackage_from_the_geojson(served, tmp_path):
    package = tmp_path / "centers.gpkg"
    region = f"{served}/api/v1/centers/?format=geojson&region=04&status=all"
    ogr("ogr2ogr", "-f", "GPKG", str(package), region)

    summary = ogr("ogrinfo", "-ro", "-so", "-al", str(package))
    # The region's 130, and the directory's centers in Rabat and Salé.
    assert feature_count(summary) == EXTRA + 2
    assert "Geometry: Point" in summary
