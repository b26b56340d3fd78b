"""With tens of thousands of centers, the refresh still finds each commune's nearest
center through the spatial index, in seconds, and finds the right one."""

import io
import time

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from centers.models import Category
from planning.models import CommuneAccess
from planning.services import REFRESH_STATEMENT, coverage_refresh, refresh_parameters
from tests.centers.factories import CategoryFactory

from .conftest import LAAYOUNE_REGION
from .expected import communes_of, nearest_distances

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

SYNTHETIC_CENTERS = 40_000
# Seconds; about 1 s is usual on two cores. A loop over the communes in Python, or a
# nearest search without the index, takes far longer.
TIME_LIMIT = 20


@pytest.fixture(scope="module")
def many_centers(django_db_setup, django_db_blocker):
    """40,000 synthetic centers in two categories, rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        CategoryFactory(code="disability")
        CategoryFactory(code="women", sensitive=True)
        call_command(
            "generate_synthetic_centers", "--count", str(SYNTHETIC_CENTERS), stdout=io.StringIO()
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE centers_center")
        yield
        transaction.set_rollback(True)


def test_nearest_center_is_found_through_the_spatial_index(many_centers):
    category = Category.objects.get(code="disability")
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN " + REFRESH_STATEMENT,
            refresh_parameters(category, "2026-01-01"),
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "Index Scan using centers_center_public_location" in plan, plan
    assert "Order By: (public_location <-> (m.reference_point)::geography)" in plan, plan


def test_refresh_takes_seconds_and_finds_the_nearest(many_centers):
    started = time.perf_counter()
    report = coverage_refresh()
    elapsed = time.perf_counter() - started

    assert elapsed < TIME_LIMIT
    assert sum(category.open_centers for category in report.categories) == SYNTHETIC_CENTERS
    communes = communes_of(province__region__code=LAAYOUNE_REGION)
    for code in ("disability", "women"):
        category = Category.objects.get(code=code)
        expected = nearest_distances(category, communes)
        stored = dict(
            CommuneAccess.objects.filter(category=category, commune__code__in=communes).values_list(
                "commune__code", "distance_m"
            )
        )
        assert set(stored) == set(communes)
        for commune, distance in stored.items():
            assert distance == pytest.approx(expected[commune][1], abs=1e-6), commune
