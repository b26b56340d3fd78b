"""'Verified today': staff record that they checked centers' facts, with a note kept as
the history's reason, on Morocco's local date, through centers/services.py; each role
reaches exactly the centers it may change."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from centers.models import Center
from centers.services import center_verify

from .factories import (
    MARRAKECH_JEMAA_EL_FNA,
    RABAT_AGDAL,
    RABAT_HASSAN_TOWER,
    CategoryFactory,
    make_center,
    make_staff,
)
from .test_admin import CHANGELIST

pytestmark = pytest.mark.django_db

NOTE = "Called the center: phone and hours confirmed"
# 23:30 in UTC is already the next day in Morocco (UTC+1 outside Ramadan).
LATE_EVENING_UTC = datetime.datetime(2026, 6, 10, 23, 30, tzinfo=datetime.UTC)
MOROCCAN_DAY = datetime.date(2026, 6, 11)


@pytest.fixture
def centers():
    category = CategoryFactory(code="disability")
    return {
        "rabat": make_center(at=RABAT_HASSAN_TOWER, category=category, name_fr="Centre de Rabat"),
        "agdal": make_center(at=RABAT_AGDAL, category=category, name_fr="Centre Agdal"),
        "marrakech": make_center(
            at=MARRAKECH_JEMAA_EL_FNA, category=category, name_fr="Centre de Marrakech"
        ),
    }


@pytest.fixture
def late_evening(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: LATE_EVENING_UTC)


def verify(client, *centers, note=NOTE):
    return client.post(
        CHANGELIST,
        {
            "action": "verified_today",
            "_selected_action": [center.pk for center in centers],
            "index": 0,
            "apply": "1",
            "reason": note,
        },
    )


def verified_on(center) -> datetime.date | None:
    return Center.objects.values_list("last_verified_on", flat=True).get(pk=center.pk)


def history_of(center):
    return list(Center.history.filter(id=center.pk).order_by("history_id"))


def test_a_national_administrator_verifies_centers_of_every_region_with_a_note(
    client, centers, late_evening
):
    admin = make_staff("national", role="National administrators")
    client.force_login(admin)
    before = {name: len(history_of(center)) for name, center in centers.items()}

    response = verify(client, centers["rabat"], centers["marrakech"])

    assert response.status_code == 302
    for name in ("rabat", "marrakech"):
        assert verified_on(centers[name]) == MOROCCAN_DAY
        records = history_of(centers[name])
        assert len(records) == before[name] + 1
        assert records[-1].history_type == "~"
        assert records[-1].history_change_reason == NOTE
        assert records[-1].history_user == admin
        assert records[-1].last_verified_on == MOROCCAN_DAY
    assert verified_on(centers["agdal"]) is None
    assert len(history_of(centers["agdal"])) == before["agdal"]


def test_verification_is_a_public_change_and_shown_by_the_api(client, centers, late_evening):
    before = Center.objects.get(pk=centers["rabat"].pk)

    assert center_verify(user=None, center=centers["rabat"], reason=NOTE)

    after = Center.objects.get(pk=centers["rabat"].pk)
    # The clock stands at LATE_EVENING_UTC: what matters is that it moved.
    assert after.public_updated_at == LATE_EVENING_UTC != before.public_updated_at
    assert after.version == before.version + 1
    detail = client.get(f"/api/v1/centers/{after.slug}/").json()
    assert detail["last_verified_on"] == "2026-06-11"


def test_verifying_again_the_same_day_writes_nothing(centers):
    assert center_verify(user=None, center=centers["rabat"], reason=NOTE)
    records = len(history_of(centers["rabat"]))

    assert not center_verify(user=None, center=centers["rabat"], reason="Again")

    assert len(history_of(centers["rabat"])) == records


def test_a_regional_editor_verifies_only_the_centers_of_their_regions(client, centers):
    editor = make_staff("rabat", role="Regional editors", regions=["04"])
    client.force_login(editor)

    verify(client, centers["rabat"], centers["agdal"], centers["marrakech"])

    today = timezone.localdate()
    assert verified_on(centers["rabat"]) == verified_on(centers["agdal"]) == today
    assert verified_on(centers["marrakech"]) is None
    assert history_of(centers["rabat"])[-1].history_change_reason == NOTE


def test_a_regional_editor_of_another_region_cannot_verify(client, centers):
    editor = make_staff("marrakech", role="Regional editors", regions=["07"])
    client.force_login(editor)

    verify(client, centers["rabat"])

    assert verified_on(centers["rabat"]) is None
    with pytest.raises(PermissionDenied):
        center_verify(user=editor, center=centers["rabat"], reason=NOTE)
    assert verified_on(centers["rabat"]) is None


def test_a_read_only_viewer_is_not_offered_the_action_and_cannot_verify(client, centers):
    viewer = make_staff("viewer", role="Read-only viewers")
    client.force_login(viewer)

    page = client.get(CHANGELIST).content.decode()
    verify(client, centers["rabat"])

    assert 'value="verified_today"' not in page
    assert verified_on(centers["rabat"]) is None
    with pytest.raises(PermissionDenied):
        center_verify(user=viewer, center=centers["rabat"], reason=NOTE)
    assert verified_on(centers["rabat"]) is None


def test_the_action_asks_for_a_note_before_writing(client, centers):
    client.force_login(make_staff("national", role="National administrators"))

    asked = client.post(
        CHANGELIST,
        {"action": "verified_today", "_selected_action": [centers["rabat"].pk], "index": 0},
    )
    without_a_note = verify(client, centers["rabat"], note="")

    assert asked.status_code == 200
    assert "What was checked, and how" in asked.content.decode()
    assert without_a_note.status_code == 200
    assert verified_on(centers["rabat"]) is None
