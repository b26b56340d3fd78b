"""Synthetic centers for benchmarks: inside the communes, labelled, never beside real ones."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from centers.models import Center
from centers.synthetic import centers_per_commune

from .factories import CategoryFactory, make_center

pytestmark = pytest.mark.django_db


def test_centers_are_split_in_proportion_to_population_with_one_per_commune():
    plan = centers_per_commune({1: 1000, 2: 3000, 3: 0}, 10)

    assert sum(plan.values()) == 10
    assert plan[3] == 1
    assert plan[2] > plan[1] >= 1


def test_generated_centers_lie_inside_their_commune_and_are_labelled_synthetic():
    CategoryFactory(code="disability")
    CategoryFactory(code="women", sensitive=True)

    call_command("generate_synthetic_centers", "--count", "2000", stdout=io.StringIO())

    assert Center.objects.filter(is_synthetic=True).count() == 2000
    assert not Center.objects.filter(is_synthetic=False).exists()
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT count(*) FROM centers_center c JOIN regions_commune m ON m.id = c.commune_id
                WHERE NOT ST_Covers(m.geom, c.location::geometry)"""
        )
        assert cursor.fetchone()[0] == 0
        cursor.execute(
            """SELECT count(*) FROM centers_center c JOIN centers_category k ON k.id = c.category_id
                JOIN regions_commune m ON m.id = c.commune_id
                WHERE k.sensitive
                  AND NOT ST_Equals(c.public_location::geometry, m.reference_point)"""
        )
        assert cursor.fetchone()[0] == 0
    assert Center.objects.filter(name_fr__startswith="Centre synthétique").count() == 2000


def test_generator_refuses_a_database_with_real_centers():
    make_center()

    with pytest.raises(CommandError, match="holds real centers"):
        call_command("generate_synthetic_centers", "--count", "10", stdout=io.StringIO())
