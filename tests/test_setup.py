"""The set-up that `make run` and `make test` share, as a new user meets it: what the system
step installs on a machine that lacks PostGIS and Chromium, the one-line messages when
set-up cannot go on, the one local database URL, and a second `make run` that keeps what
staff edited."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.servers import PROJECT, connect, database_url, free_port

SERVER_PACKAGES = {"postgresql-15", "postgresql-15-postgis-3"}
BROWSER_PACKAGES = {"chromium", "chromium-driver"}
HIDDEN_COMMANDS = {"chromium", "chromedriver"}
EXTERNAL_DATABASE = "postgis://directory:secret@db.example.org:5432/directory"
LOCALDB = str(PROJECT / "scripts" / "localdb.sh")


def machine_without_postgis_or_chromium(tmp_path: Path) -> dict:
    """An environment in which the system step sees no PostGIS extension, GIS library,
    Chromium or ChromeDriver: an empty file-system root for the files it looks for, and
    a PATH holding every command of this machine but the browser's."""
    commands = tmp_path / "bin"
    commands.mkdir()
    for folder in ("/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin"):
        for program in Path(folder).iterdir():
            link = commands / program.name
            if program.name not in HIDDEN_COMMANDS and not link.exists():
                link.symlink_to(program)
    root = tmp_path / "root"
    root.mkdir()
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DATABASE_URL", "PGPORT", "SYSTEM_PURPOSE"}
    }
    environment.update(PATH=str(commands), SYSTEM_ROOT=str(root), SYSTEM_PACKAGES_DRY_RUN="1")
    return environment


def packages_installed_by(purpose: str, environment: dict) -> set[str]:
    """What the Makefile's system step would install for `make <purpose>`."""
    result = subprocess.run(
        ["make", "-s", "--no-print-directory", "system-packages", f"SYSTEM_PURPOSE={purpose}"],
        cwd=PROJECT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    (line,) = [line for line in result.stdout.splitlines() if line.startswith("would install:")]
    return set(line.removeprefix("would install:").split())


@pytest.mark.parametrize("purpose", ["run", "test"])
def test_project_cluster_brings_the_server_and_postgis(tmp_path, purpose):
    environment = machine_without_postgis_or_chromium(tmp_path)

    packages = packages_installed_by(purpose, environment)

    assert packages >= SERVER_PACKAGES | {"gdal-bin", "libgeos-c1v5", "libproj25"}
    if purpose == "test":
        assert packages >= BROWSER_PACKAGES
    else:
        assert not packages & BROWSER_PACKAGES


@pytest.mark.parametrize("purpose", ["run", "test"])
def test_users_own_database_brings_client_and_gis_libraries_only(tmp_path, purpose):
    environment = machine_without_postgis_or_chromium(tmp_path)
    environment["DATABASE_URL"] = EXTERNAL_DATABASE

    packages = packages_installed_by(purpose, environment)

    assert not packages & SERVER_PACKAGES
    assert packages >= {"gdal-bin", "libgeos-c1v5", "libproj25"}
    assert (packages >= BROWSER_PACKAGES) is (purpose == "test")


@pytest.mark.parametrize("goal", ["run", "test"])
def test_each_goal_runs_the_system_step_for_its_own_purpose(goal):
    environment = {name: value for name, value in os.environ.items() if name != "DATABASE_URL"}

    planned = subprocess.run(
        ["make", "-n", goal], cwd=PROJECT, env=environment, capture_output=True, text=True
    ).stdout

    assert f"scripts/system-packages.sh {goal} local" in planned


def start_cluster(environment: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [LOCALDB, "start"], env=environment, capture_output=True, text=True, check=False
    )


def test_missing_postgis_is_named_with_the_command_that_installs_it(tmp_path):
    # A PostgreSQL 15 whose extension folder holds no PostGIS.
    server = tmp_path / "postgresql" / "bin"
    server.mkdir(parents=True)
    (server / "postgres").symlink_to("/usr/lib/postgresql/15/bin/postgres")
    (server / "pg_config").write_text(f"#!/bin/sh\necho {tmp_path / 'share'}\n")
    (server / "pg_config").chmod(0o755)
    environment = {
        **os.environ,
        "LOCALDB_DIR": str(tmp_path / "db"),
        "PG_BIN_DIR": str(server),
        "PGPORT": str(free_port()),
    }

    result = start_cluster(environment)

    assert result.returncode == 1
    (message,) = result.stderr.strip().splitlines()
    assert "PostGIS for PostgreSQL 15 is missing" in message
    assert "apt-get install postgresql-15-postgis-3" in message


@pytest.fixture
def taken_port():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield listener.getsockname()[1]


def test_a_taken_database_port_is_named_with_how_to_choose_another(tmp_path, taken_port):
    environment = {**os.environ, "LOCALDB_DIR": str(tmp_path / "db"), "PGPORT": str(taken_port)}

    result = start_cluster(environment)

    assert result.returncode == 1
    (message,) = result.stderr.strip().splitlines()
    assert f"Port {taken_port}" in message and f"PGPORT={taken_port + 1} make run" in message


def test_a_taken_web_port_stops_make_run_at_once(taken_port):
    result = subprocess.run(
        ["make", "-s", "run", f"PORT={taken_port}"],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode != 0
    assert f"Port {taken_port}, wanted for the web server, is already taken" in result.stderr
    assert f"PORT={taken_port + 1} make run" in result.stderr
    assert "Installing" not in result.stdout  # nothing of the set-up ran before


@pytest.mark.slow
def test_manage_py_reaches_the_cluster_on_whatever_port_it_was_started(tmp_path):
    port = free_port()
    environment = {
        name: value for name, value in os.environ.items() if name not in {"DATABASE_URL"}
    }
    environment.update(LOCALDB_DIR=str(tmp_path / "db"), PGPORT=str(port))
    assert start_cluster(environment).returncode == 0
    try:
        # As the README's commands run: no PGPORT, no DATABASE_URL.
        del environment["PGPORT"]
        result = subprocess.run(
            [
                sys.executable,
                "manage.py",
                "shell",
                "-c",
                "from django.db import connection; connection.ensure_connection(); "
                "print(connection.settings_dict['PORT'])",
            ],
            cwd=PROJECT,
            env=environment,
            capture_output=True,
            text=True,
            check=True,
        )
        assert result.stdout.strip().splitlines()[-1] == str(port)
    finally:
        subprocess.run([LOCALDB, "stop"], env={**environment, "PGPORT": str(port)}, check=True)


# A national administrator edits a category and a service through the admin, as staff do.
EDIT_THROUGH_THE_ADMIN = """
from django.contrib.auth import get_user_model
from django.test import Client
from django.test.utils import setup_test_environment
from centers.models import Category, Service

setup_test_environment()  # the forms of the pages, in the responses' context
admin = get_user_model().objects.create_superuser("setup-test", password="x" * 20)
client = Client()
client.force_login(admin)
category = Category.objects.get(code="disability")
form = client.get(f"/en/admin/centers/category/{category.pk}/change/").context["adminform"].form
data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
data.update(name_fr="Centres pour personnes handicapées (nom choisi par le ministère)",
            sensitive="on", change_reason="Official name; centers at risk")
assert client.post(f"/en/admin/centers/category/{category.pk}/change/", data).status_code == 302
service = Service.objects.order_by("code").first()
form = client.get(f"/en/admin/centers/service/{service.pk}/change/").context["adminform"].form
data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
data.update(name_ar="اسم عدّله الموظفون")
assert client.post(f"/en/admin/centers/service/{service.pk}/change/", data).status_code == 302
"""

STAFF_DATA = {
    "categories": "SELECT k::text FROM centers_category k ORDER BY id",
    "services": "SELECT s::text FROM centers_service s ORDER BY id",
    "accessibility": "SELECT a::text FROM centers_accessibilityfeature a ORDER BY id",
    "helplines": "SELECT h::text FROM centers_helpline h ORDER BY id",
    "national totals": "SELECT t::text FROM planning_nationaltotal t ORDER BY id",
    "centers": "SELECT c::text FROM centers_center c ORDER BY id",
}


@pytest.fixture
def fresh_database(django_db_blocker):
    name = f"{settings.DATABASES['default']['NAME']}_setup"
    with django_db_blocker.unblock(), connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with django_db_blocker.unblock(), connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


def staff_data(name: str) -> dict:
    with connect(name) as database:
        return {
            label: [row for (row,) in database.execute(query).fetchall()]
            for label, query in STAFF_DATA.items()
        }


@pytest.mark.slow
def test_a_second_make_run_changes_nothing_staff_edited(fresh_database):
    environment = {
        **os.environ,
        "DATABASE_URL": database_url(fresh_database),
        "DJANGO_SETTINGS_MODULE": "geo_directory.settings.test",
    }

    def make_data():
        # The data step of `make run` and `make test`, exactly.
        subprocess.run(
            ["make", "-s", "data"],
            cwd=PROJECT,
            env=environment,
            check=True,
            capture_output=True,
        )

    make_data()
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", EDIT_THROUGH_THE_ADMIN],
        cwd=PROJECT,
        env=environment,
        check=True,
    )
    edited = staff_data(fresh_database)

    make_data()

    assert staff_data(fresh_database) == edited
    assert any("nom choisi par le ministère" in row for row in edited["categories"])
    assert any(",disability," in row and ",t)" in row for row in edited["categories"])
    assert any("اسم عدّله الموظفون" in row for row in edited["services"])
    assert len(edited["helplines"]) == 5 and len(edited["centers"]) == 47
