"""The coverage follows the directory: once a write to centers commits, centers announce the
categories it touched (`centers_changed`, once per transaction) and planning refreshes
them; a write rolled back refreshes nothing. The writes are committed (the `committed`
fixture), as they are outside the tests."""

import pytest
from django.db import transaction

from centers import sheets
from centers.imports import centers_import
from centers.positions import position_resolve
from centers.services import center_update
from centers.signals import centers_changed
from planning.models import CommuneAccess
from tests.centers.factories import (
    CASABLANCA,
    MARRAKECH_JEMAA_EL_FNA,
    RABAT_HASSAN_TOWER,
    CategoryFactory,
    make_center,
)

from .conftest import COMMUNES


class RolledBack(Exception):
    pass


@pytest.fixture
def announced():
    """The codes of the categories of each `centers_changed` sent, in order."""
    sent = []

    def receiver(sender, categories, **kwargs):
        sent.append(sorted(category.code for category in categories))

    centers_changed.connect(receiver)
    yield sent
    centers_changed.disconnect(receiver)


def refreshed() -> dict[str, int]:
    """The communes refreshed, by category code."""
    counts: dict[str, int] = {}
    for code in CommuneAccess.objects.values_list("category__code", flat=True):
        counts[code] = counts.get(code, 0) + 1
    return counts


def test_a_committed_transaction_refreshes_the_categories_it_wrote_once(committed, announced):
    disability = CategoryFactory(code="disability")
    women = CategoryFactory(code="women", sensitive=True)
    CategoryFactory(code="parenting")

    with transaction.atomic():
        make_center(at=RABAT_HASSAN_TOWER, category=disability)
        make_center(at=CASABLANCA, category=disability)
        make_center(at=MARRAKECH_JEMAA_EL_FNA, category=women)
        assert announced == [] and refreshed() == {}

    assert announced == [["disability", "women"]]
    assert refreshed() == {"disability": COMMUNES, "women": COMMUNES}
    assert (
        sum(
            CommuneAccess.objects.filter(category=disability).values_list(
                "centers_count", flat=True
            )
        )
        == 2
    )


def test_a_rolled_back_write_refreshes_nothing(committed, announced):
    disability = CategoryFactory(code="disability")

    with pytest.raises(RolledBack), transaction.atomic():
        make_center(at=RABAT_HASSAN_TOWER, category=disability)
        raise RolledBack

    assert announced == [] and refreshed() == {}


def test_a_write_after_a_rolled_back_savepoint_is_still_refreshed(committed, announced):
    disability = CategoryFactory(code="disability")
    women = CategoryFactory(code="women", sensitive=True)

    with transaction.atomic():
        with pytest.raises(RolledBack), transaction.atomic():
            make_center(at=MARRAKECH_JEMAA_EL_FNA, category=women)
            raise RolledBack
        make_center(at=RABAT_HASSAN_TOWER, category=disability)

    assert announced == [["disability"]]
    assert refreshed() == {"disability": COMMUNES}


def test_an_import_refreshes_each_category_it_wrote_once_and_a_repeat_nothing(committed, announced):
    CategoryFactory(code="disability")
    CategoryFactory(code="women", sensitive=True)
    sheet = (
        "external_ref,name_fr,category,latitude,longitude\n"
        f"r-1,Centre de Rabat,disability,{RABAT_HASSAN_TOWER[0]},{RABAT_HASSAN_TOWER[1]}\n"
        f"r-2,Centre Anfa,disability,{CASABLANCA[0]},{CASABLANCA[1]}\n"
        f"r-3,Espace de Marrakech,women,{MARRAKECH_JEMAA_EL_FNA[0]},{MARRAKECH_JEMAA_EL_FNA[1]}\n"
    ).encode()

    for _time in range(2):
        rows, errors = sheets.read_sheet(sheet, "centers.csv")
        report = centers_import(user=None, rows=rows, errors=errors, dry_run=False, reason="x")
        assert report.applied, report.errors

    assert announced == [["disability", "women"]]
    assert refreshed() == {"disability": COMMUNES, "women": COMMUNES}


def open_centers(category) -> int:
    return sum(
        CommuneAccess.objects.filter(category=category).values_list("centers_count", flat=True)
    )


def test_a_center_moved_to_another_category_refreshes_the_one_it_left(committed, announced):
    disability = CategoryFactory(code="disability")
    parenting = CategoryFactory(code="parenting")
    latitude, longitude = RABAT_HASSAN_TOWER
    center = make_center(at=RABAT_HASSAN_TOWER, category=disability)

    center_update(
        user=None,
        center=center,
        fields={"category": parenting},
        position=position_resolve(latitude=latitude, longitude=longitude),
    )

    assert announced == [["disability"], ["disability", "parenting"]]
    assert (open_centers(disability), open_centers(parenting)) == (0, 1)

    sheet = (
        "external_ref,name_fr,category,latitude,longitude\n"
        f"{center.external_ref},{center.name_fr},disability,{latitude},{longitude}\n"
    ).encode()
    rows, errors = sheets.read_sheet(sheet, "centers.csv")
    report = centers_import(user=None, rows=rows, errors=errors, dry_run=False, reason="x")

    assert report.applied, report.errors
    assert announced[2:] == [["disability", "parenting"]]
    assert (open_centers(disability), open_centers(parenting)) == (1, 0)
