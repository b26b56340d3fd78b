"""The site served for real by gunicorn, for tests that need a browser or a server of
their own (browser tests, database faults)."""

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def gunicorn(environment: dict, port: int, *, workers: int = 2, threads: int | None = None):
    """Serves the project on 127.0.0.1:port as `make run` does (gunicorn.conf.py), with
    `workers` processes and, unless given, the configuration's threads, until the block
    ends; yields its address."""
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "--config",
        str(PROJECT / "gunicorn.conf.py"),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
    ]
    if threads is not None:
        command += ["--threads", str(threads)]
    server = subprocess.Popen(command, cwd=PROJECT, env=environment)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: _answers(f"{base}/healthz"))
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def wait_until(condition, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"Not done within {seconds} s")


def _answers(url: str) -> bool:
    with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (our own server)
        return response.status == 200


def database_url(name: str) -> str:
    """The URL of another database `name` on the test database's server."""
    from django.conf import settings

    parts = urllib.parse.urlsplit(os.environ.get("DATABASE_URL", settings.LOCAL_DATABASE_URL))
    head, _old = parts.path.rsplit("/", 1)
    return urllib.parse.urlunsplit(parts._replace(path=f"{head}/{name}"))


def connect(name: str):
    """A psycopg connection to the database `name` on the test database's server."""
    import psycopg
    from django.conf import settings

    default = settings.DATABASES["default"]
    return psycopg.connect(
        dbname=name,
        host=default["HOST"] or None,
        port=default["PORT"] or None,
        user=default["USER"] or None,
        password=default["PASSWORD"] or None,
    )
