"""Nothing lost between two writers: a staff form, an import preview and a command-line
import each carry the version of the center they read, and a write based on an older one
is refused with what the other person changed, never applied over it."""

import re

import pytest
from django.core.management import call_command
from django.test import Client

from centers import imports, sheets
from centers.imports import centers_import
from centers.models import Center
from centers.positions import position_resolve
from centers.services import CenterChanged, center_update

from .factories import RABAT_HASSAN_TOWER, CategoryFactory, make_center, make_staff
from .test_admin import change_url, form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def center():
    category = CategoryFactory(code="disability")
    return make_center(
        at=RABAT_HASSAN_TOWER, category=category, name_fr="Centre de Rabat", external_ref="r-1"
    )


@pytest.fixture
def editors():
    return (
        make_staff("amina", role="National administrators"),
        make_staff("youssef", role="Regional editors", regions=["04"]),
    )


def opened_version(client, center) -> int:
    """The version a staff member's change page carries, as their browser posts it."""
    page = client.get(change_url(center)).content.decode()
    return int(re.search(r'name="read_version" value="(\d+)"', page).group(1))


def test_the_second_of_two_staff_saves_is_refused_and_shows_the_first(center, editors):
    amina, youssef = Client(), Client()
    amina.force_login(editors[0])
    youssef.force_login(editors[1])
    amina_version = opened_version(amina, center)
    youssef_version = opened_version(youssef, center)

    first = amina.post(
        change_url(center),
        form_data(center, read_version=amina_version, status_note="Fermé le vendredi"),
    )
    second = youssef.post(
        change_url(center),
        form_data(center, read_version=youssef_version, email="contact@example.org"),
    )

    assert first.status_code == 302
    assert second.status_code == 200
    page = second.content.decode()
    assert "Someone else changed this center after you opened it" in page
    assert "amina" in page and "Fermé le vendredi" in page  # what the other one changed
    assert 'value="contact@example.org"' in page  # the second one's change is kept
    center.refresh_from_db()
    assert center.status_note == "Fermé le vendredi" and center.email == ""

    # Saving the page again applies the second change over the first, knowingly.
    version = int(re.search(r'name="read_version" value="(\d+)"', page).group(1))
    again = youssef.post(
        change_url(center),
        form_data(
            center,
            read_version=version,
            status_note="Fermé le vendredi",
            email="contact@example.org",
        ),
    )
    assert again.status_code == 302
    center.refresh_from_db()
    assert (center.status_note, center.email) == ("Fermé le vendredi", "contact@example.org")
    assert center.version == 3


def test_a_form_opened_before_a_command_line_import_cannot_revert_it(
    client, center, editors, tmp_path
):
    client.force_login(editors[0])
    version = opened_version(client, center)
    sheet = tmp_path / "centers.csv"
    sheet.write_text(
        "external_ref,name_fr,category,latitude,longitude,status_note\n"
        f"r-1,Centre de Rabat,disability,{RABAT_HASSAN_TOWER[0]},{RABAT_HASSAN_TOWER[1]},"
        "Ouvert le samedi\n"
    )
    call_command("import_centers", str(sheet), verbosity=0)

    response = client.post(change_url(center), form_data(center, read_version=version))

    assert response.status_code == 200
    assert "Someone else changed this center" in response.content.decode()
    center.refresh_from_db()
    assert center.status_note == "Ouvert le samedi"


def test_a_form_posted_without_the_version_it_read_is_refused(client, center, editors):
    client.force_login(editors[0])

    response = client.post(change_url(center), form_data(center, read_version=""))

    assert response.status_code == 200
    assert "Someone else changed this center" in response.content.decode()


def test_a_service_write_from_a_stale_copy_is_refused(center):
    stale = Center.objects.get(pk=center.pk)
    fresh = Center.objects.get(pk=center.pk)
    position = position_resolve(latitude=RABAT_HASSAN_TOWER[0], longitude=RABAT_HASSAN_TOWER[1])
    center_update(user=None, center=fresh, fields={"status_note": "A"}, position=position)

    with pytest.raises(CenterChanged) as refused:
        center_update(user=None, center=stale, fields={"status_note": "B"}, position=position)

    assert [record.status_note for record in refused.value.changes()] == ["A"]
    center.refresh_from_db()
    assert center.status_note == "A"


SHEET = (
    "external_ref,name_fr,category,latitude,longitude,status_note\n"
    f"r-1,Centre de Rabat,disability,{RABAT_HASSAN_TOWER[0]},{RABAT_HASSAN_TOWER[1]},"
    "Nouvelle note\n"
)


def import_sheet(text: str, **options):
    rows, errors = sheets.read_sheet(text.encode(), "centers.csv")
    return centers_import(user=None, rows=rows, errors=errors, reason="test", **options)


def test_an_import_confirmed_after_an_edit_refuses_the_edited_row(center, editors):
    preview = import_sheet(SHEET, dry_run=True)
    assert [(o.action, o.changed) for o in preview.outcomes] == [("update", ["status_note"])]
    edited = Center.objects.get(pk=center.pk)
    position = position_resolve(latitude=RABAT_HASSAN_TOWER[0], longitude=RABAT_HASSAN_TOWER[1])
    center_update(
        user=editors[0], center=edited, fields={"email": "a@example.org"}, position=position
    )

    confirmed = import_sheet(SHEET, dry_run=False, preview=preview.outcomes)

    assert not confirmed.applied
    [error] = confirmed.errors
    assert error.line == 2 and "amina" in error.message
    center.refresh_from_db()
    assert (center.email, center.status_note) == ("a@example.org", "")


def test_an_import_confirmed_unchanged_applies_exactly_the_preview(center):
    preview = import_sheet(SHEET, dry_run=True)

    confirmed = import_sheet(SHEET, dry_run=False, preview=preview.outcomes)

    assert confirmed.applied and not confirmed.errors
    center.refresh_from_db()
    assert center.status_note == "Nouvelle note" and center.version == 2


def test_an_import_refuses_a_center_changed_while_it_ran(center, monkeypatch):
    rows, errors = sheets.read_sheet(SHEET.encode(), "centers.csv")
    # Another write lands between the import's comparison and its write.
    compare = imports._import_plan

    def plan_then_someone_writes(*args, **kwargs):
        planned = compare(*args, **kwargs)
        Center.objects.filter(pk=center.pk).update(version=5, email="b@example.org")
        return planned

    monkeypatch.setattr(imports, "_import_plan", plan_then_someone_writes)
    report = centers_import(user=None, rows=rows, errors=errors, dry_run=False, reason="x")

    assert not report.applied
    assert [error.line for error in report.errors] == [2]
    center.refresh_from_db()
    assert center.email == "b@example.org" and center.status_note == ""


def test_a_category_made_sensitive_during_an_import_hides_its_new_centers(center, monkeypatch):
    """The import planned the rows while the category was not sensitive; it was made
    sensitive before the import wrote them: the new center is placed by the new rule."""
    from centers.services import category_update

    sheet = (
        "external_ref,name_fr,category,latitude,longitude\n"
        f"r-2,Centre exact,disability,{RABAT_HASSAN_TOWER[0] + 0.002},{RABAT_HASSAN_TOWER[1]}\n"
    )
    rows, errors = sheets.read_sheet(sheet.encode(), "centers.csv")
    plan = imports._import_plan

    def plan_then_the_category_becomes_sensitive(*args, **kwargs):
        planned = plan(*args, **kwargs)
        category_update(
            user=None, category=center.category, fields={"sensitive": True}, reason="test"
        )
        return planned

    monkeypatch.setattr(imports, "_import_plan", plan_then_the_category_becomes_sensitive)
    report = centers_import(
        user=None, rows=rows, errors=errors, dry_run=False, reason="x", create_duplicates=[2]
    )

    assert report.applied, report.errors
    created = Center.objects.get(external_ref="r-2")
    assert created.public_location == created.commune.reference_point
    assert created.public_location_precision == "commune"
