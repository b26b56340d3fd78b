"""The job worker as it is served: a separate process. Killed in the middle of an
import's write, it leaves nothing half-written, and the job runs again and completes once
its heartbeat has stopped. A 50,000-row import through the staff page answers at once and
shows its progress."""

import os
import signal
import subprocess
import sys
import time

import pytest
from asgiref.sync import async_to_sync
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from centers.models import Center
from regions.models import Commune
from sheet_jobs import services
from sheet_jobs.models import SheetJob
from tests.centers.factories import CategoryFactory, make_staff
from tests.servers import PROJECT, database_url, wait_until

from .test_import_jobs import url

pytestmark = [pytest.mark.usefixtures("committed"), pytest.mark.slow]


def sheet_of(count: int) -> bytes:
    """`count` new centers, each placed at a commune's reference point by its code."""
    codes = list(Commune.objects.order_by("code").values_list("code", flat=True))
    lines = ["external_ref,name_fr,category,commune_code"]
    lines += [
        f"synthetic-job-{n},Centre synthétique de test {n},disability,{codes[n % len(codes)]}"
        for n in range(count)
    ]
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def national():
    CategoryFactory(code="disability")
    return make_staff("national", role="National administrators")


def checked(user, data: bytes, run_worker) -> SheetJob:
    check = services.check_start(user=user, data=data, file_name="sheet.csv", reason="test")
    run_worker()
    check.refresh_from_db()
    assert check.status == "done" and not check.report["errors"]
    return check


def worker_process(sheet_job_dir) -> subprocess.Popen:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "geo_directory.settings.test",
        "DATABASE_URL": database_url(connection.settings_dict["NAME"]),
        "SHEET_JOB_DIR": str(sheet_job_dir),
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "procrastinate", "worker", "--queues", "sheets"],
        cwd=PROJECT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def writing_centers_uncommitted() -> bool:
    """Whether another session of the database is writing centers, not yet committed.
    Asked of the centers table's locks: the worker's own bookkeeping (taking the queue
    entry, marking the job running, its heartbeat) opens short write transactions too."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE relation = %s::regclass "
            "AND mode = 'RowExclusiveLock' AND pid <> pg_backend_pid()",
            [Center._meta.db_table],
        )
        return cursor.fetchone()[0] > 0


def test_a_worker_killed_mid_import_leaves_nothing_and_the_job_runs_again(
    national, run_worker, sheet_job_dir
):
    check = checked(national, sheet_of(15000), run_worker)
    job = services.import_start(user=national, check=check)
    worker = worker_process(sheet_job_dir)
    try:
        wait_until(writing_centers_uncommitted, seconds=120)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        worker.kill()

    job.refresh_from_db()
    assert job.status == "running" and job.stage == "writing"
    assert not Center.objects.exists() and not Center.history.exists()

    # Once the dead worker's heartbeat is old enough, its job goes back in the queue.
    deadline = time.monotonic() + 60
    while not async_to_sync(services.stalled_retry)(seconds_since_heartbeat=2):
        assert time.monotonic() < deadline, "the killed worker's job was never seen stalled"
        time.sleep(0.5)
    run_worker()

    job.refresh_from_db()
    assert job.status == "done" and job.report["applied"]
    assert Center.objects.count() == 15000
    assert Center.history.count() == 15000


def test_a_50000_row_import_through_the_staff_page_is_a_job_with_progress(
    client, national, run_worker
):
    client.force_login(national)
    data = sheet_of(50000)

    response = client.post(
        url("centers_center_import"), {"sheet": SimpleUploadedFile("big.csv", data)}
    )

    check = SheetJob.objects.get()
    assert response.status_code == 302 and check.status == "queued"
    run_worker()
    check.refresh_from_db()
    assert (check.status, check.done_count, check.total_count) == ("done", 50000, 50000)
    page = client.get(response.url).content.decode()
    assert "50000 of 50000 rows" in page and 'name="confirm"' in page
    assert "more lines are not listed here" in page  # the page lists the first 1,000

    client.post(response.url, {"confirm": "1"})
    run_worker()

    job = SheetJob.objects.get(kind="import")
    assert job.status == "done" and job.report["applied"]
    assert (job.stage, job.done_count, job.total_count) == ("writing", 50000, 50000)
    assert Center.objects.count() == 50000
