"""On a table large enough for the planner to choose, the public searches use indexes:
the nearest, radius, bounding-box and region queries never read the whole table."""

import io

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from centers.filters import CenterSearchParameters
from centers.selectors import CenterSearch

from .factories import CategoryFactory

pytestmark = pytest.mark.django_db

RABAT = {"lat": "34.0209", "lon": "-6.8416"}


@pytest.fixture(scope="module")
def many_centers(django_db_setup, django_db_blocker):
    """40,000 synthetic centers for the module's tests, rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        CategoryFactory(code="disability")
        CategoryFactory(code="women", sensitive=True)
        call_command("generate_synthetic_centers", "--count", "40000", stdout=io.StringIO())
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE centers_center")
        yield
        transaction.set_rollback(True)


def plan(**params) -> str:
    """The plan of the statement that answers GET /api/v1/centers/?<params>."""
    parameters = CenterSearchParameters(data=params)
    parameters.is_valid(raise_exception=True)
    return CenterSearch(parameters.validated_data).explain()


def assert_uses_index(query_plan: str, index: str) -> None:
    assert index in query_plan, query_plan
    assert "Seq Scan on centers_center" not in query_plan, query_plan


def test_nearest_uses_the_spatial_index_in_distance_order(many_centers):
    query_plan = plan(limit="10", **RABAT)

    assert_uses_index(query_plan, "centers_center_public_location")
    assert "Order By: (public_location <->" in query_plan


def test_radius_search_uses_the_spatial_index(many_centers):
    assert_uses_index(plan(radius_km="25", limit="10", **RABAT), "centers_center_public_location")


def test_bounding_box_search_uses_the_geometry_index(many_centers):
    assert_uses_index(plan(bbox="-6.9,33.95,-6.75,34.1"), "center_public_location_geometry")


def test_region_search_uses_the_region_index(many_centers):
    assert_uses_index(plan(region="11"), "centers_center_region_id")
