"""The demo data: the real taxonomy, the 47 real centers and associations, loaded as
`make run` does."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from centers.models import Category, Center

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def load_demo_data():
    call_command(
        "loaddata",
        *(FIXTURES / name for name in ("categories.json", "services.json", "accessibility.json")),
        verbosity=0,
    )
    output = io.StringIO()
    call_command("import_centers", FIXTURES / "centers.csv", "--only-new", stdout=output)
    return output.getvalue()


def test_the_47_real_centers_load_each_in_a_commune_with_its_sources():
    report = load_demo_data()

    assert "47 created" in report
    centers = Center.objects.select_related("commune", "region")
    assert centers.count() == 47
    for center in centers:
        assert center.commune is not None and center.region is not None
        assert center.source_urls, center
        assert all(url.startswith("http") for url in center.source_urls)
        assert center.location_precision == "commune"
        assert center.location == center.commune.reference_point
        assert not center.phones and not center.opening_hours
    assert {c.code for c in Category.objects.all()} == {
        "disability",
        "women",
        "child-protection",
        "parenting",
    }


def test_loading_the_demo_data_again_changes_nothing():
    load_demo_data()
    history = Center.history.count()

    report = load_demo_data()

    assert "0 created, 0 updated, 47 unchanged" in report
    assert Center.history.count() == history


def test_sensitive_categories_of_the_demo_data_are_public_only_at_commune_level():
    load_demo_data()

    assert set(Category.objects.filter(sensitive=True).values_list("code", flat=True)) == {
        "women",
        "child-protection",
    }
    for center in Center.objects.filter(category__sensitive=True):
        assert center.public_location == center.commune.reference_point
        assert center.public_location_precision == "commune"


def test_taxonomy_names_exist_in_the_three_languages():
    load_demo_data()

    for category in Category.objects.all():
        assert category.name_ar and category.name_fr and category.name_en
        assert category.description_ar and category.description_fr and category.description_en
        assert (FIXTURES.parent / "static" / "icons" / f"{category.icon}.svg").exists()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM centers_service "
            "WHERE name_ar = '' OR name_fr = '' OR name_en = ''"
        )
        assert cursor.fetchone()[0] == 0
