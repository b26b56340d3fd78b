"""Imports find the centers a row may repeat, and an export imports back unchanged, even
for centers that staff created through the form without a reference."""

import pytest

from centers import sheets
from centers.imports import centers_import
from centers.models import Center

from .factories import RABAT_HASSAN_TOWER, SALE, CategoryFactory, make_center

pytestmark = pytest.mark.django_db

# 110 m north-east of the Hassan Tower, Rabat.
NEAR_THE_TOWER = (34.0248, -6.8217)


def run(text: str, **options):
    rows, errors = sheets.read_sheet(text.encode(), "centers.csv")
    return centers_import(user=None, rows=rows, errors=errors, reason="test", **options)


@pytest.fixture
def tower_center():
    return make_center(
        at=RABAT_HASSAN_TOWER, category=CategoryFactory(code="disability"), name_fr="Centre Hassan"
    )


def row(reference: str, name: str, at: tuple[float, float], category: str = "disability"):
    return (
        "external_ref,name_fr,category,latitude,longitude\n"
        f"{reference},{name},{category},{at[0]},{at[1]}\n"
    )


def test_a_new_center_near_one_of_its_category_is_a_duplicate_to_confirm(tower_center):
    sheet = row("new-1", "Centre de la Tour", NEAR_THE_TOWER)

    checked = run(sheet, dry_run=True)
    (outcome,) = checked.outcomes
    assert outcome.action == "duplicate"
    assert outcome.duplicates == [f"Centre Hassan ({tower_center.external_ref})"]

    left_out = run(sheet, dry_run=False)
    assert left_out.applied and not Center.objects.filter(external_ref="new-1").exists()

    confirmed = run(sheet, dry_run=False, create_duplicates=[outcome.line])
    assert confirmed.count_create == 1 and Center.objects.filter(external_ref="new-1").exists()


def test_a_close_name_in_the_same_commune_is_a_duplicate(tower_center):
    CategoryFactory(code="women", sensitive=True)
    # 2.5 km away, another category, but nearly the same name in Rabat.
    sheet = row("new-2", "Centre Hasan", (34.0000, -6.8500), category="women")

    (outcome,) = run(sheet, dry_run=True).outcomes

    assert outcome.action == "duplicate" and "Centre Hassan" in outcome.duplicates[0]


def test_a_new_center_elsewhere_is_simply_created(tower_center):
    (outcome,) = run(row("new-3", "Espace de Salé", SALE), dry_run=True).outcomes

    assert outcome.action == "create" and outcome.duplicates == []


def test_an_unchanged_export_imports_back_as_unchanged(tower_center):
    # Created as staff do through the form: no reference given.
    from_the_form = make_center(at=SALE, category=tower_center.category, name_fr="Centre de Salé")
    assert from_the_form.external_ref.startswith("ref-")
    export = sheets.write_csv(
        sheets.center_row(center)
        for center in Center.objects.select_related("category", "commune").prefetch_related(
            "services", "accessibility"
        )
    )

    report = centers_import(
        user=None,
        rows=(parsed := sheets.read_sheet(export, "centers.csv"))[0],
        errors=parsed[1],
        dry_run=False,
        reason="round trip",
    )

    assert report.errors == []
    assert {outcome.action for outcome in report.outcomes} == {"unchanged"}
    assert Center.objects.count() == 2
