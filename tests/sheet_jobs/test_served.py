"""`make run` serves the site with its job worker (scripts/serve.sh): a sheet queued for
the served site is checked by that worker, a worker killed is started again, and stopping
the server stops the worker."""

import os
import signal
import subprocess

import pytest
from django.db import connection

from sheet_jobs import services
from sheet_jobs.models import SheetJob
from tests.centers.factories import RABAT_HASSAN_TOWER, CategoryFactory, make_staff
from tests.servers import PROJECT, _answers, database_url, free_port, wait_until

pytestmark = [pytest.mark.usefixtures("committed"), pytest.mark.slow]


def processes_of(session: int) -> list[str]:
    found = subprocess.run(
        ["ps", "-o", "args=", "-s", str(session)], capture_output=True, text=True, check=False
    )
    return found.stdout.splitlines()


def workers_of(session: int) -> list[int]:
    found = subprocess.run(
        ["ps", "-o", "pid=,args=", "-s", str(session)], capture_output=True, text=True, check=False
    )
    return [
        int(line.split()[0]) for line in found.stdout.splitlines() if "procrastinate worker" in line
    ]


def test_the_served_site_runs_its_job_worker(sheet_job_dir):
    CategoryFactory(code="disability")
    user = make_staff("national", role="National administrators")
    port = free_port()
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "geo_directory.settings.test",
        "DATABASE_URL": database_url(connection.settings_dict["NAME"]),
        "SHEET_JOB_DIR": str(sheet_job_dir),
    }
    server = subprocess.Popen(
        [str(PROJECT / "scripts" / "serve.sh"), str(PROJECT / ".venv"), str(port)],
        cwd=PROJECT,
        env=environment,
        start_new_session=True,
    )
    try:
        wait_until(lambda: _answers(f"http://127.0.0.1:{port}/healthz"))
        latitude, longitude = RABAT_HASSAN_TOWER
        sheet = (
            "external_ref,name_fr,category,latitude,longitude\n"
            f"r-1,Centre,disability,{latitude},{longitude}\n"
        )
        job = services.check_start(user=user, data=sheet.encode(), file_name="c.csv", reason="")
        wait_until(lambda: SheetJob.objects.get(pk=job.pk).status == "done", seconds=60)
        [worker] = workers_of(server.pid)
        os.kill(worker, signal.SIGKILL)
        wait_until(lambda: workers_of(server.pid) not in ([], [worker]), seconds=30)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=40)
    wait_until(lambda: not processes_of(server.pid), seconds=40)
