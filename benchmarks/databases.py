"""The benchmarks' own databases, on the same server as DATABASE_URL, never the demo one.

Each script calls `use_bench_database(suffix)` before Django is set up, then
`fresh_bench_database()` (or `recreate_bench_database()`) to start from an empty
database, and `grow_synthetic_centers` to fill it.
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


def fresh_bench_database() -> None:
    """An empty bench database with the schema, the administrative areas and the reference
    data (categories, services, accessibility features, helplines): no center."""
    import io

    from django.core.management import call_command

    recreate_bench_database()
    call_command("migrate", no_input=True, verbosity=0)
    call_command("load_admin_areas", verbosity=0, stdout=io.StringIO())
    call_command("load_reference_data", verbosity=0)


def grow_synthetic_centers(total: int, present: int) -> float:
    """Adds synthetic centers up to `total` (`present` there already), analyses the table,
    and returns the seconds it took."""
    import io
    import time

    from django.core.management import call_command
    from django.db import connection

    started = time.monotonic()
    call_command("generate_synthetic_centers", count=total - present, stdout=io.StringIO())
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE centers_center")
    connection.close()
    return time.monotonic() - started
