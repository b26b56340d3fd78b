"""`manage.py refresh_coverage` and `coverage_refresh`: complete, idempotent, atomic."""

import io

import pytest
from django.core.management import CommandError, call_command

from planning import services
from planning.models import CommuneAccess
from planning.services import coverage_refresh
from tests.centers.factories import make_center

from .conftest import BOUKRAA, COMMUNES, reference

pytestmark = pytest.mark.django_db


def snapshot() -> set[tuple]:
    return set(
        CommuneAccess.objects.values_list(
            "commune_id", "category_id", "nearest_center_id", "distance_m", "centers_count"
        )
    )


def refresh(*args) -> str:
    out = io.StringIO()
    call_command("refresh_coverage", *args, stdout=out)
    return out.getvalue()


def test_command_reports_each_category_and_the_time_taken(scene):
    output = refresh()

    assert "disability: 3 open centers, 1503 communes" in output
    assert "parenting: 0 open centers, 1503 communes, 1503 of them" in output
    assert "Coverage of disability, women, child-protection, parenting refreshed in " in output
    assert output.rstrip().endswith(" s.")


def test_refresh_is_idempotent(scene):
    refresh()
    first = snapshot()
    refresh()

    assert snapshot() == first
    assert len(first) == COMMUNES * 4


def test_refresh_follows_the_centers(scene, categories):
    refresh()
    make_center(at=reference(BOUKRAA), category=categories["disability"], name_fr="Nouveau")
    refresh()

    row = CommuneAccess.objects.get(commune__code=BOUKRAA, category=categories["disability"])
    assert row.distance_m == 0
    assert row.centers_count == 2


def test_refresh_is_all_or_nothing(scene, categories, monkeypatch):
    coverage_refresh()
    before = snapshot()
    refreshed_at = set(CommuneAccess.objects.values_list("refreshed_at", flat=True))
    make_center(at=reference(BOUKRAA), category=categories["disability"], name_fr="Nouveau")
    original = services._category_refresh
    done = []

    def fail_on_the_second_category(category, at):
        if done:
            raise RuntimeError("interrupted")
        done.append(category.code)
        return original(category, at)

    monkeypatch.setattr(services, "_category_refresh", fail_on_the_second_category)

    with pytest.raises(RuntimeError):
        coverage_refresh()

    assert done == ["disability"]
    assert snapshot() == before
    assert set(CommuneAccess.objects.values_list("refreshed_at", flat=True)) == refreshed_at


def test_one_category_can_be_refreshed_alone(scene, categories):
    coverage_refresh()
    others = set(
        CommuneAccess.objects.exclude(category=categories["women"]).values_list(
            "id", "refreshed_at"
        )
    )

    output = refresh("--category", "women")

    assert "Coverage of women refreshed in " in output
    assert "women: 1 open centers" in output
    assert (
        set(
            CommuneAccess.objects.exclude(category=categories["women"]).values_list(
                "id", "refreshed_at"
            )
        )
        == others
    )


def test_unknown_category_is_refused_and_nothing_is_written(scene):
    with pytest.raises(CommandError, match="Unknown categories: nope"):
        refresh("--category", "nope", "--category", "women")

    assert not CommuneAccess.objects.exists()


def test_report_says_what_was_done(scene, categories):
    report = coverage_refresh(categories=[categories["disability"]])

    assert [category.code for category in report.categories] == ["disability"]
    disability = report.categories[0]
    assert disability.open_centers == 3
    assert disability.communes == COMMUNES
    assert 0 < disability.communes_beyond_50km < COMMUNES
    assert report.seconds > 0
