"""The benchmarks' own databases, on the same server as DATABASE_URL, never the demo one.

Each script calls `use_bench_database(suffix)` before Django is set up, then
`recreate_bench_database()` to start from an empty database.
"""

import os
import urllib.parse

# The database's name ends with one of these; nothing else is ever dropped.
_SUFFIXES: list[str] = []


def use_bench_database(suffix: str) -> None:
    """Points DATABASE_URL at `<name>_<suffix>` on the same server (and the base settings,
    those `make run` serves with)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "geo_directory.settings.base")
    if "DATABASE_URL" not in os.environ:
        raise SystemExit("DATABASE_URL is not set: run the benchmark through make.")
    parts = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
    head, name = parts.path.rsplit("/", 1)
    os.environ["DATABASE_URL"] = urllib.parse.urlunsplit(
        parts._replace(path=f"{head}/{name}_{suffix}")
    )
    _SUFFIXES.append(f"_{suffix}")


def recreate_bench_database() -> None:
    """Drops and creates the bench database, through the server's maintenance database."""
    from django.db import connection

    name = connection.settings_dict["NAME"]
    if not _SUFFIXES or not name.endswith(_SUFFIXES[-1]):
        raise SystemExit(f"Refusing to recreate {name!r}: not a bench database.")
    connection.close()
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
