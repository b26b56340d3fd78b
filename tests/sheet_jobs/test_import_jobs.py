"""Imports through the staff tools run as jobs: the upload answers at once, the worker
checks the sheet, the staff member confirms, the worker imports exactly what the check
showed, and each page says how far the job is."""

import pytest
from django.urls import reverse
from django.utils import translation

from centers.models import Center
from centers.positions import position_resolve
from centers.services import center_update
from sheet_jobs.models import SheetJob
from tests.centers.factories import (
    MARRAKECH_JEMAA_EL_FNA,
    RABAT_HASSAN_TOWER,
    CategoryFactory,
    make_center,
    make_staff,
)

pytestmark = pytest.mark.usefixtures("committed")

HEADER = "external_ref,name_fr,category,latitude,longitude,status_note\n"


def url(name: str, *args) -> str:
    with translation.override("en"):
        return reverse(f"admin:{name}", args=args)


def row(reference: str, at, note: str = "", name: str = "Centre") -> str:
    return f"{reference},{name} {reference},disability,{at[0]},{at[1]},{note}\n"


def upload(client, text: str, name: str = "centers.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    sheet = SimpleUploadedFile(name, text.encode(), content_type="text/csv")
    return client.post(url("centers_center_import"), {"sheet": sheet, "reason": "Délégation"})


@pytest.fixture
def category():
    return CategoryFactory(code="disability")


@pytest.fixture
def national(client):
    user = make_staff("national", role="National administrators")
    client.force_login(user)
    return user


def test_an_upload_answers_at_once_and_the_worker_checks_then_imports(
    client, national, category, run_worker
):
    response = upload(
        client,
        HEADER + row("r-1", RABAT_HASSAN_TOWER) + row("r-2", RABAT_HASSAN_TOWER, name="Autre"),
    )

    check = SheetJob.objects.get()
    assert response.status_code == 302 and response.url == url(
        "sheet_jobs_sheetjob_change", check.pk
    )
    assert check.status == "queued" and not Center.objects.exists()
    waiting = client.get(response.url).content.decode()
    assert 'http-equiv="refresh"' in waiting and "waiting" in waiting.lower()

    run_worker()

    check.refresh_from_db()
    assert check.status == "done" and (check.done_count, check.total_count) == (2, 2)
    page = client.get(response.url).content.decode()
    assert "Dry run: nothing has been written yet" in page and 'name="confirm"' in page
    assert 'http-equiv="refresh"' not in page
    assert not Center.objects.exists()

    confirmed = client.post(response.url, {"confirm": "1"})
    run_worker()

    job = SheetJob.objects.get(kind="import")
    assert confirmed.url == url("sheet_jobs_sheetjob_change", job.pk)
    assert job.status == "done" and job.report["applied"]
    assert sorted(Center.objects.values_list("external_ref", flat=True)) == ["r-1", "r-2"]
    assert Center.objects.get(external_ref="r-1").history.get().history_user == national
    # The sheet has done its work: it is deleted, and cannot be imported twice.
    assert job.stored_file == "" and SheetJob.objects.get(pk=check.pk).stored_file == ""
    again = client.post(url("sheet_jobs_sheetjob_change", check.pk), {"confirm": "1"}, follow=True)
    assert "already" in again.content.decode() or "deleted" in again.content.decode()
    assert SheetJob.objects.filter(kind="import").count() == 1


def test_the_confirm_refuses_a_center_edited_since_the_check(
    client, national, category, run_worker
):
    center = make_center(
        at=RABAT_HASSAN_TOWER, category=category, name_fr="Centre r-1", external_ref="r-1"
    )
    upload(client, HEADER + row("r-1", RABAT_HASSAN_TOWER, note="Nouvelle note"))
    run_worker()
    check = SheetJob.objects.get()
    assert check.report["outcomes"][0]["changed"] == ["status_note"]

    # Someone edits another field of the center between the check and the confirm.
    editor = make_staff("rabat-editor", role="Regional editors", regions=["04"])
    position = position_resolve(latitude=RABAT_HASSAN_TOWER[0], longitude=RABAT_HASSAN_TOWER[1])
    center_update(
        user=editor,
        center=Center.objects.get(pk=center.pk),
        fields={"email": "a@example.org"},
        position=position,
    )
    client.post(url("sheet_jobs_sheetjob_change", check.pk), {"confirm": "1"})
    run_worker()

    job = SheetJob.objects.get(kind="import")
    assert job.status == "done" and not job.report["applied"]
    [error] = job.report["errors"]
    assert error["line"] == 2 and "rabat-editor" in error["message"]
    page = client.get(url("sheet_jobs_sheetjob_change", job.pk)).content.decode()
    assert "Nothing was imported" in page and "rabat-editor" in page
    center.refresh_from_db()
    assert (center.email, center.status_note) == ("a@example.org", "")


def test_a_regional_editor_imports_in_their_region_only(client, category, run_worker):
    editor = make_staff("rabat-editor", role="Regional editors", regions=["04"])
    client.force_login(editor)

    upload(client, HEADER + row("r-1", RABAT_HASSAN_TOWER) + row("m-1", MARRAKECH_JEMAA_EL_FNA))
    run_worker()
    refused = SheetJob.objects.get()
    assert [e["line"] for e in refused.report["errors"]] == [3]
    assert (
        'name="confirm"'
        not in client.get(url("sheet_jobs_sheetjob_change", refused.pk)).content.decode()
    )

    upload(client, HEADER + row("r-1", RABAT_HASSAN_TOWER))
    run_worker()
    check = SheetJob.objects.latest("created_at")
    client.post(url("sheet_jobs_sheetjob_change", check.pk), {"confirm": "1"})
    run_worker()

    created = Center.objects.get()
    assert created.region.code == "04" and created.history.get().history_user == editor


def test_jobs_are_seen_and_confirmed_by_whoever_asked_only(client, national, category, run_worker):
    upload(client, HEADER + row("r-1", RABAT_HASSAN_TOWER))
    run_worker()
    check = SheetJob.objects.get()
    other = make_staff("other-national", role="National administrators")
    client.force_login(other)

    assert client.get(url("sheet_jobs_sheetjob_change", check.pk)).status_code == 403
    assert (
        client.post(url("sheet_jobs_sheetjob_change", check.pk), {"confirm": "1"}).status_code
        == 403
    )
    assert check.pk not in [
        j.pk for j in client.get(url("sheet_jobs_sheetjob_changelist")).context["cl"].result_list
    ]
    assert not SheetJob.objects.filter(kind="import").exists()


def test_a_viewer_cannot_start_an_import(client, category):
    viewer = make_staff("viewer", role="Read-only viewers")
    client.force_login(viewer)

    assert upload(client, HEADER + row("r-1", RABAT_HASSAN_TOWER)).status_code == 403
    assert not SheetJob.objects.exists()


def test_the_report_speaks_the_language_of_whoever_asked(client, national, category, run_worker):
    with translation.override("fr"):
        address = reverse("admin:centers_center_import")
    from django.core.files.uploadedfile import SimpleUploadedFile

    sheet = SimpleUploadedFile("c.csv", (HEADER + "r-1,Centre,disability,40,-6.8,\n").encode())
    client.post(address, {"sheet": sheet})
    run_worker()

    [error] = SheetJob.objects.get().report["errors"]
    assert "hors du Maroc" in error["message"]


def test_a_second_confirm_queues_no_second_import(client, national, category, run_worker):
    upload(client, HEADER + row("r-1", RABAT_HASSAN_TOWER))
    run_worker()
    check = SheetJob.objects.get()

    client.post(url("sheet_jobs_sheetjob_change", check.pk), {"confirm": "1"})
    again = client.post(url("sheet_jobs_sheetjob_change", check.pk), {"confirm": "1"}, follow=True)

    assert "already being imported" in again.content.decode()
    assert SheetJob.objects.filter(kind="import").count() == 1


def test_a_refused_import_can_be_confirmed_again_once_the_sheet_is_checked_anew(
    client, national, category, run_worker
):
    center = make_center(
        at=RABAT_HASSAN_TOWER, category=category, name_fr="Centre r-1", external_ref="r-1"
    )
    upload(client, HEADER + row("r-1", RABAT_HASSAN_TOWER, note="Note"))
    run_worker()
    check = SheetJob.objects.get()
    position = position_resolve(latitude=RABAT_HASSAN_TOWER[0], longitude=RABAT_HASSAN_TOWER[1])
    center_update(
        user=national,
        center=Center.objects.get(pk=center.pk),
        fields={"email": "a@example.org"},
        position=position,
    )
    client.post(url("sheet_jobs_sheetjob_change", check.pk), {"confirm": "1"})
    run_worker()
    assert not SheetJob.objects.get(kind="import").report["applied"]

    # The refused import kept the sheet: confirming again is allowed, and refused again
    # for the same line, since the check still shows the old version.
    client.post(url("sheet_jobs_sheetjob_change", check.pk), {"confirm": "1"})
    run_worker()

    assert SheetJob.objects.filter(kind="import").count() == 2
    center.refresh_from_db()
    assert center.status_note == ""


def test_an_applied_import_is_marked_done_in_its_own_transaction(
    client, national, category, run_worker
):
    from sheet_jobs.services import sheet_job_run

    upload(client, HEADER + row("r-1", RABAT_HASSAN_TOWER))
    run_worker()
    client.post(url("sheet_jobs_sheetjob_change", SheetJob.objects.get().pk), {"confirm": "1"})
    run_worker()
    job = SheetJob.objects.get(kind="import")

    # The queue running the job once more (a worker that died after the commit) changes
    # nothing: the job was marked done with the import's own commit.
    sheet_job_run(job.pk)

    job.refresh_from_db()
    assert job.status == "done" and job.report["applied"]
    assert Center.objects.count() == 1


def test_a_job_address_that_is_not_a_number_is_not_found(client, national):
    assert client.get("/en/admin/sheet_jobs/sheetjob/abc/change/").status_code == 404
