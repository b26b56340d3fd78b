"""The sheets of jobs on disk: readable by their owner only, deleted after a day; large
exports are jobs whose sheet only their owner downloads."""

import os
import stat
import time

import pytest

from centers.models import Center
from sheet_jobs import services
from sheet_jobs.models import SheetJob
from tests.centers.factories import RABAT_HASSAN_TOWER, CategoryFactory, make_center, make_staff

from .test_import_jobs import HEADER, row, upload, url

pytestmark = pytest.mark.usefixtures("committed")


@pytest.fixture
def national(client):
    CategoryFactory(code="disability")
    user = make_staff("national", role="National administrators")
    client.force_login(user)
    return user


def test_an_uploaded_sheet_is_readable_by_its_owner_only(client, national, sheet_job_dir):
    upload(client, HEADER + row("r-1", RABAT_HASSAN_TOWER))

    job = SheetJob.objects.get()
    stored = sheet_job_dir / job.stored_file
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert stat.S_IMODE(sheet_job_dir.stat().st_mode) == 0o700


def test_a_sheet_never_imported_is_deleted_after_a_day(client, national, run_worker, sheet_job_dir):
    upload(client, HEADER + row("r-1", RABAT_HASSAN_TOWER))
    run_worker()
    check = SheetJob.objects.get()
    stored = sheet_job_dir / check.stored_file
    a_day_ago = time.time() - 25 * 3600
    os.utime(stored, (a_day_ago, a_day_ago))

    assert services.sheet_files_clean() == 1

    check.refresh_from_db()
    assert not stored.exists() and check.stored_file == ""
    page = client.post(url("sheet_jobs_sheetjob_change", check.pk), {"confirm": "1"}, follow=True)
    assert "upload it again" in page.content.decode()
    assert not SheetJob.objects.filter(kind="import").exists()


def test_a_recent_sheet_is_kept(client, national, sheet_job_dir):
    upload(client, HEADER + row("r-1", RABAT_HASSAN_TOWER))

    assert services.sheet_files_clean() == 0
    assert (sheet_job_dir / SheetJob.objects.get().stored_file).exists()


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_a_large_export_is_a_job_downloaded_by_its_owner_only(
    client, national, run_worker, monkeypatch, export_format
):
    from centers import admin_sheets

    monkeypatch.setattr(admin_sheets, "EXPORT_IN_REQUEST_MAX", 1)
    category = CategoryFactory(code="disability")
    for n in range(3):
        make_center(
            at=(RABAT_HASSAN_TOWER[0] + n * 0.01, RABAT_HASSAN_TOWER[1]),
            category=category,
            name_fr=f"Centre {n}",
        )
    ids = list(Center.objects.values_list("pk", flat=True))

    response = client.post(
        url("centers_center_changelist"),
        {"action": f"export_{export_format}", "_selected_action": ids, "index": 0},
    )

    job = SheetJob.objects.get(kind="export")
    assert response.status_code == 302 and job.status == "queued"
    run_worker()
    job.refresh_from_db()
    assert job.status == "done" and (job.done_count, job.total_count) == (3, 3)
    download = client.get(url("sheet_jobs_sheetjob_download", job.pk))
    body = b"".join(download.streaming_content)
    assert download.status_code == 200
    if export_format == "csv":
        assert body.decode("utf-8-sig").count("Centre ") == 3
    else:
        assert body[:2] == b"PK"
    client.force_login(make_staff("other", role="National administrators"))
    assert client.get(url("sheet_jobs_sheetjob_download", job.pk)).status_code == 403
