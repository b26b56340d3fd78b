"""When the database is slow, stops or hangs under a running app: a clear 503 (JSON for the
API, a page in the visitor's language for the site) within 2 s for public requests,
/healthz says why, and service resumes by itself when the database is back, without
restarting the app. Each kind of caller (public request, staff request, background work)
runs under its own database time limits.

The tests that stop the database run their own PostGIS cluster (scripts/localdb.sh with
LOCALDB_DIR), which they stop and start, or freeze with SIGSTOP (the server then accepts
on its socket and answers nothing); the suite's database is not touched."""

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import unquote, urlsplit

import psycopg
import pytest
from django.conf import settings
from django.db import OperationalError, connection, transaction

from geo_directory.database import timeouts
from tests.servers import PROJECT, free_port, gunicorn, wait_until

pytestmark = pytest.mark.slow

LOCALDB = str(PROJECT / "scripts" / "localdb.sh")
API = "/api/v1/centers/?lat=34.02&lon=-6.84"
# Seconds within which a public request must answer while the database hangs.
HUNG_DATABASE_ANSWER = 2.0


def get(url: str, *, timeout: float = 30) -> tuple[int, dict, str]:
    request = urllib.request.Request(url, headers={"Accept-Language": "fr"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (local)
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def timed_get(url: str) -> tuple[int, dict, str, float]:
    started = time.monotonic()
    status, headers, body = get(url, timeout=10)
    return status, headers, body, time.monotonic() - started


@pytest.fixture
def cluster(tmp_path):
    environment = {**os.environ, "LOCALDB_DIR": str(tmp_path / "db"), "PGPORT": str(free_port())}

    def localdb(action: str) -> str:
        return subprocess.run(
            [LOCALDB, action], env=environment, check=True, capture_output=True, text=True
        ).stdout.strip()

    localdb("start")
    environment["DATABASE_URL"] = localdb("url")
    try:
        yield environment, localdb
    finally:
        localdb("stop")


@pytest.fixture
def database(cluster):
    """The cluster's database, migrated, and the environment that reaches it."""
    environment, localdb = cluster
    environment = {**environment, "DJANGO_SETTINGS_MODULE": "geo_directory.settings.test"}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
        cwd=PROJECT,
        env=environment,
        check=True,
    )
    return environment, localdb


@pytest.fixture
def app(database):
    """One worker with one thread: each request reuses the connection the one before kept,
    and starts only once the one before is finished (Django's end-of-request connection
    check included)."""
    environment, localdb = database
    with gunicorn(environment, free_port(), workers=1, threads=1) as base:
        yield base, environment, localdb


def postmaster(environment: dict) -> int:
    data = Path(environment["LOCALDB_DIR"]) / "postgres" / "postmaster.pid"
    return int(data.read_text().split()[0])


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid`, from /proc/<pid>/stat (parent is the 2nd field
    after the command name)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


@contextlib.contextmanager
def frozen(environment: dict, *, whole_cluster: bool):
    """The cluster's postmaster, and with `whole_cluster` every process it started (the
    backends of open connections too), stopped by SIGSTOP until the block ends."""
    stopped = []
    try:
        stopped.append(postmaster(environment))
        os.kill(stopped[0], signal.SIGSTOP)
        if whole_cluster:
            # Listed once the postmaster is stopped: it starts no other meanwhile.
            for pid in children(stopped[0]):
                os.kill(pid, signal.SIGSTOP)
                stopped.append(pid)
        yield
    finally:
        for pid in reversed(stopped):
            os.kill(pid, signal.SIGCONT)


def app_connections(environment: dict) -> int:
    """Connections the app holds open to the cluster's database."""
    url = urlsplit(environment["DATABASE_URL"])
    socket_folder, name = (unquote(part) for part in url.path.lstrip("/").split("/"))
    with psycopg.connect(
        host=socket_folder, port=url.port, user=url.username, dbname=name, autocommit=True
    ) as observer:
        (count,) = observer.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = %(name)s AND backend_type = 'client backend'"
            " AND pid <> pg_backend_pid()",
            {"name": name},
        ).fetchone()
    return count


def test_database_outage_is_a_clear_503_and_service_resumes_by_itself(app):
    base, _environment, localdb = app
    for path in ("/api/v1/centers/", "/fr/"):
        status, _headers, body = get(base + path)
        assert status == 200, body[:500]

    localdb("stop")

    status, headers, body = get(base + "/api/v1/centers/")
    assert status == 503, body
    assert headers["Content-Type"] == "application/problem+json"
    assert json.loads(body)["type"] == "/api/v1/problems/service-unavailable"
    assert int(headers["Retry-After"]) > 0

    status, headers, body = get(base + "/fr/regions/")
    assert status == 503, body
    assert '<html lang="fr" dir="ltr">' in body
    assert "indisponible" in body.lower() or "unavailable" in body.lower()

    status, _headers, body = get(base + "/healthz")
    assert status == 503, body
    assert json.loads(body)["database"] == "unreachable"

    localdb("start")

    wait_until(lambda: get(base + "/healthz")[0] == 200)
    for path in ("/api/v1/centers/", "/fr/regions/"):
        status, _headers, body = get(base + path)
        assert status == 200, body[:500]


def test_hung_database_gets_public_requests_a_503_within_2_s_and_resumes_by_itself(app):
    base, environment, _localdb = app
    for path in (API, "/healthz"):
        status, _headers, body = get(base + path)
        assert status == 200, body[:500]
    assert app_connections(environment) == 1

    with frozen(environment, whole_cluster=True):
        # The kept connection first (its health check gets no answer), then new ones.
        status, headers, body, seconds = timed_get(base + API)
        assert status == 503, body
        assert seconds < HUNG_DATABASE_ANSWER, seconds
        assert headers["Content-Type"] == "application/problem+json"
        assert json.loads(body)["type"] == "/api/v1/problems/service-unavailable"

        status, _headers, body, seconds = timed_get(base + "/healthz")
        assert status == 503, body
        assert seconds < HUNG_DATABASE_ANSWER, seconds
        assert json.loads(body)["database"] == "unreachable"

        for path in (API, "/fr/regions/"):
            status, _headers, body, seconds = timed_get(base + path)
            assert status == 503, (path, body)
            assert seconds < HUNG_DATABASE_ANSWER, (path, seconds)

    for path in (API, "/healthz", "/fr/regions/"):
        status, _headers, body = get(base + path, timeout=10)
        assert status == 200, (path, body[:500])


def test_stopped_postmaster_gets_a_request_needing_a_connection_a_503_within_2_s(database):
    environment, _localdb = database
    # Every request opens its own connection; the configuration's threads serve them.
    environment = {**environment, "DATABASE_CONN_MAX_AGE": "0"}
    with gunicorn(environment, free_port(), workers=1) as base:
        with frozen(environment, whole_cluster=False):
            for path in (API, "/healthz"):
                status, _headers, body, seconds = timed_get(base + path)
                assert status == 503, (path, body)
                assert seconds < HUNG_DATABASE_ANSWER, (path, seconds)

        for path in (API, "/healthz"):
            status, _headers, body = get(base + path, timeout=10)
            assert status == 200, (path, body[:500])


def test_two_servers_of_the_project_share_no_control_socket_in_the_home_folder(cluster, tmp_path):
    environment, _localdb = cluster
    home = tmp_path / "home"
    home.mkdir()
    # gunicorn's default control socket: $XDG_RUNTIME_DIR/gunicorn.ctl, else in $HOME.
    environment = {
        **{key: value for key, value in environment.items() if key != "XDG_RUNTIME_DIR"},
        "HOME": str(home),
    }
    with (
        gunicorn(environment, free_port(), workers=1) as first,
        gunicorn(environment, free_port(), workers=1) as second,
    ):
        assert get(first + "/healthz")[0] == 200
        assert get(second + "/healthz")[0] == 200
        assert list(home.iterdir()) == []


# The session's statement_timeout, in seconds.
STATEMENT_TIMEOUT = "SELECT extract(epoch FROM current_setting('statement_timeout')::interval)"


def limit(kind: str) -> float:
    return settings.DATABASE_TIMEOUTS[kind]["statement"]


def statement_timeout() -> float:
    with connection.cursor() as cursor:
        cursor.execute(STATEMENT_TIMEOUT)
        return float(cursor.fetchone()[0])


@pytest.mark.django_db
def test_a_kept_connection_runs_each_request_under_its_own_limits_and_jobs_under_theirs(
    admin_client,
):
    seen = []

    def record(execute, sql, params, many, context):
        (seconds,) = context["connection"].connection.execute(STATEMENT_TIMEOUT).fetchone()
        seen.append(float(seconds))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        for path, kind in ((API, "public"), ("/fr/admin/", "staff"), (API, "public")):
            seen.clear()
            assert admin_client.get(path).status_code == 200
            assert seen, path
            assert set(seen) == {limit(kind)}, path

    assert statement_timeout() == limit("background")
    assert limit("public") < limit("staff") < limit("background")


@pytest.mark.django_db
def test_a_public_statement_is_cancelled_by_the_server_at_its_limit():
    timeouts.begin(timeouts.PUBLIC)
    started = time.monotonic()
    try:
        with (
            pytest.raises(OperationalError, match="statement timeout"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute("SELECT pg_sleep(5)")
    finally:
        timeouts.end()
    assert (
        limit("public") <= time.monotonic() - started < settings.DATABASE_TIMEOUTS["public"]["wait"]
    )
    assert statement_timeout() == limit("background")
