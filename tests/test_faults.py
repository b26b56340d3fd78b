"""When the database stops under a running app: a clear 503 (JSON for the API, a page in
the visitor's language for the site), /healthz says why, and service resumes by itself
when the database is back, without restarting the app.

The test runs its own PostGIS cluster (scripts/localdb.sh with LOCALDB_DIR), which it
stops and starts; the suite's database is not touched."""

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from tests.servers import PROJECT, free_port, gunicorn, wait_until

LOCALDB = str(PROJECT / "scripts" / "localdb.sh")


def get(url: str) -> tuple[int, dict, str]:
    request = urllib.request.Request(url, headers={"Accept-Language": "fr"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (local)
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


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
def app(cluster):
    environment, localdb = cluster
    environment = {**environment, "DJANGO_SETTINGS_MODULE": "geo_directory.settings.test"}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
        cwd=PROJECT,
        env=environment,
        check=True,
    )
    with gunicorn(environment, free_port(), workers=1) as base:
        yield base, localdb


def test_database_outage_is_a_clear_503_and_service_resumes_by_itself(app):
    base, localdb = app
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
