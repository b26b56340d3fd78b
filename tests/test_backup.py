"""`manage.py backup` and `manage.py restore` against real databases of their own, prepared
as `make run` prepares one: a round trip keeps every center, its history, the
administrative areas and the nearest-centers answer; a restore that fails changes nothing."""

import csv
import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from psycopg import sql

from tests.servers import connect, database_url

pytestmark = pytest.mark.slow

PROJECT = Path(__file__).resolve().parents[1]
CHANGED_CENTER = "seed-child-protection-agadir-1"
CHANGED_STATUS_NOTE = "Closed for repairs until further notice (backup test)."

# The ten centers nearest central Rabat as the API lists them (centers/selectors.py: the
# same function, filter and index order), with the id to order centers at equal distance.
NEAREST = """
    SELECT center_list_item(c, round(ST_Distance(c.public_location, p.here))::int, false)
    FROM centers_center c
    CROSS JOIN (SELECT ST_SetSRID(ST_MakePoint(-6.84, 34.02), 4326)::geography AS here) p
    WHERE NOT c.archived AND c.status IN ('open', 'temporarily_closed')
    ORDER BY c.public_location <-> p.here, c.id
    LIMIT 10
"""

PREPARE = """
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
call_command("load_admin_areas", verbosity=0)
call_command("loaddata", "fixtures/categories.json", "fixtures/services.json", verbosity=0)
call_command("import_centers", "fixtures/centers.csv")
call_command("import_centers", {changed_sheet!r}, reason="Backup test")
"""

# What a round trip must keep, each as one text per row, in a stable order.
ROWS = {
    "centers": "SELECT c::text FROM centers_center c ORDER BY id",
    "center services": "SELECT s::text FROM centers_center_services s ORDER BY id",
    "history": "SELECT h::text FROM centers_historicalcenter h ORDER BY history_id",
    "history services": (
        "SELECT s::text FROM centers_historicalcenter_services s ORDER BY m2m_history_id"
    ),
    "categories": "SELECT k::text FROM centers_category k ORDER BY id",
}
AREAS = ("regions_region", "regions_province", "regions_commune")
# Of each level of areas: how many, how many with a boundary, a checksum of the boundaries
# (their EWKB), and one of the other fields that every level has.
AREA_STATE = """
    SELECT count(*), count(geom),
        md5(string_agg(code || ' ' || md5(ST_AsEWKB(geom)), ',' ORDER BY code)),
        md5(string_agg(concat_ws(' ', code, name_ar, name_fr, name_en, population_2024,
            households_2024, md5(ST_AsEWKB(geom_simplified)), ST_AsEWKB(reference_point)),
            ',' ORDER BY code))
    FROM {table}
"""
GEOMETRY_TYPES = "SELECT 'geometry'::regtype::oid, 'geography'::regtype::oid"
# The counts that `restore` prints for the source database.
SOURCE_COUNTS = "47 centers, 48 history records, 12 regions, 75 provinces, 1,503 communes"


def manage(database_url: str, *arguments: str, check: bool = True):
    """Runs manage.py as an operator would, against the database at `database_url`."""
    result = subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=PROJECT,
        env={
            **os.environ,
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "geo_directory.settings.test",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    if check and result.returncode != 0:
        pytest.fail(f"manage.py {' '.join(arguments)} failed:\n{result.stdout}{result.stderr}")
    return result


def snapshot(name: str) -> dict:
    """Every row that matters of the database `name`, and a checksum of each boundary."""
    with connect(name) as database:
        state = {
            label: [row for (row,) in database.execute(query).fetchall()]
            for label, query in ROWS.items()
        }
        for table in AREAS:
            query = sql.SQL(AREA_STATE).format(table=sql.Identifier(table))
            state[table] = database.execute(query).fetchone()
    return state


def nearest(name: str) -> list[dict]:
    with connect(name) as database:
        return [json.loads(item) for (item,) in database.execute(NEAREST).fetchall()]


def create_database(name: str, django_db_blocker) -> str:
    with django_db_blocker.unblock(), connection._nodb_cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    return database_url(name)


@pytest.fixture(scope="module")
def databases(django_db_blocker):
    """Names of the databases the tests create, all dropped at the end whatever happens."""
    prefix = settings.DATABASES["default"]["NAME"]
    names = {
        "source": f"{prefix}_backup_src",
        "destination": f"{prefix}_backup_dst",
        "empty": f"{prefix}_backup_empty",
    }

    def drop_all():
        with django_db_blocker.unblock(), connection._nodb_cursor() as cursor:
            for name in names.values():
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    drop_all()
    try:
        yield names
    finally:
        drop_all()


@pytest.fixture(scope="module")
def source(databases, django_db_blocker, tmp_path_factory):
    """The source database's URL: the real areas, taxonomies and demo centers, one of
    which was changed by a second import after its creation."""
    url = create_database(databases["source"], django_db_blocker)
    with (PROJECT / "fixtures" / "centers.csv").open(encoding="utf-8", newline="") as sheet:
        changed = next(
            row for row in csv.DictReader(sheet) if row["external_ref"] == CHANGED_CENTER
        )
    changed["status_note"] = CHANGED_STATUS_NOTE
    changed_sheet = tmp_path_factory.mktemp("sheets") / "changed.csv"
    with changed_sheet.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(changed))
        writer.writeheader()
        writer.writerow(changed)
    # `make run`'s steps, then the change, in one process: each start of Django costs a
    # second or more.
    manage(url, "shell", "-v", "0", "-c", PREPARE.format(changed_sheet=str(changed_sheet)))
    return url


@pytest.fixture(scope="module")
def source_state(databases, source):
    return snapshot(databases["source"])


@pytest.fixture(scope="module")
def backup(source, tmp_path_factory):
    """The path of a backup of the source database, and what the command printed."""
    path = tmp_path_factory.mktemp("backups") / "x.dump"
    result = manage(source, "backup", "--output", str(path))
    return path, result.stdout


@pytest.fixture(scope="module")
def destination(databases, backup, django_db_blocker):
    """The URL of a database created empty, into which the backup was restored (an empty
    database needs no --yes)."""
    url = create_database(databases["destination"], django_db_blocker)
    result = manage(url, "restore", str(backup[0]))
    assert f"into {databases['destination']}: {SOURCE_COUNTS}." in result.stdout
    return url


def test_backup_writes_a_custom_format_archive_and_prints_its_path_and_size(backup):
    path, printed = backup
    assert path.read_bytes()[:5] == b"PGDMP"
    assert f"{path} (" in printed
    assert f"{path.stat().st_size:,} bytes" in printed
    assert path.stat().st_mode & 0o077 == 0, "the archive holds staff accounts: owner only"
    assert [entry.name for entry in path.parent.iterdir()] == ["x.dump"]


def test_the_source_has_history_beyond_creation(databases, source_state):
    with connect(databases["source"]) as database:
        records = database.execute(
            "SELECT history_type, history_change_reason, status_note"
            " FROM centers_historicalcenter WHERE external_ref = %s ORDER BY history_id",
            [CHANGED_CENTER],
        ).fetchall()
    assert [(kind, note) for kind, _reason, note in records] == [
        ("+", ""),
        ("~", CHANGED_STATUS_NOTE),
    ]
    assert records[1][1] == "Backup test"
    assert len(source_state["history"]) == 48


def test_round_trip_keeps_centers_history_and_administrative_areas(
    databases, source_state, destination
):
    assert len(source_state["centers"]) == 47
    assert len(source_state["center services"]) > 47
    assert source_state["regions_region"][:2] == (12, 12)
    assert source_state["regions_province"][:2] == (75, 75)
    assert source_state["regions_commune"][:2] == (1503, 1503)
    restored = snapshot(databases["destination"])
    for label, rows in source_state.items():
        assert restored[label] == rows, label


def test_round_trip_keeps_the_nearest_centers_answer(databases, source, destination):
    answer = nearest(databases["source"])
    assert len(answer) == 10
    distances = [center["distance_m"] for center in answer]
    assert distances == sorted(distances)
    assert nearest(databases["destination"]) == answer


def test_restore_refuses_a_database_with_tables_without_yes(databases, backup, destination):
    before = snapshot(databases["destination"])

    result = manage(destination, "restore", str(backup[0]), check=False)

    assert result.returncode == 1
    assert f"The database {databases['destination']} already holds" in result.stderr
    assert f"({SOURCE_COUNTS})" in result.stderr
    assert "--yes" in result.stderr
    assert snapshot(databases["destination"]) == before


def test_restore_with_yes_replaces_what_changed_since_the_backup(
    databases, source_state, backup, destination
):
    with connect(databases["destination"]) as database:
        database.execute("UPDATE centers_center SET name_fr = 'Changed after the backup'")
        database.execute("DELETE FROM centers_historicalcenter_services")
        database.execute("DELETE FROM centers_historicalcenter")
        database.execute("UPDATE regions_commune SET name_fr = 'Changed after the backup'")
        postgis_types = database.execute(GEOMETRY_TYPES).fetchall()
    assert snapshot(databases["destination"]) != source_state

    manage(destination, "restore", str(backup[0]), "--yes")

    assert snapshot(databases["destination"]) == source_state
    # PostGIS was left in place: the site's running processes keep its types' OIDs.
    with connect(databases["destination"]) as database:
        assert database.execute(GEOMETRY_TYPES).fetchall() == postgis_types


def test_restore_of_a_file_that_is_not_a_backup_fails_clearly_and_changes_nothing(
    databases, destination, tmp_path
):
    garbage = tmp_path / "garbage.dump"
    garbage.write_bytes(b"SELECT 'not a pg_dump archive';\n" * 100)
    before = snapshot(databases["destination"])

    result = manage(destination, "restore", str(garbage), "--yes", check=False)

    assert result.returncode == 1
    assert f"{garbage} is not a backup made by `manage.py backup`" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(databases["destination"]) == before


def test_restore_that_fails_halfway_changes_nothing(databases, backup, destination, tmp_path):
    truncated = tmp_path / "truncated.dump"
    archive = backup[0].read_bytes()
    truncated.write_bytes(archive[: len(archive) // 2])
    before = snapshot(databases["destination"])

    result = manage(destination, "restore", str(truncated), "--yes", check=False)

    assert result.returncode == 1
    assert "pg_restore failed" in result.stderr
    assert "the database is as it was" in result.stderr
    assert snapshot(databases["destination"]) == before


def test_backup_of_an_unreachable_database_fails_clearly_and_leaves_no_file(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"postgis://geodir:not-the-password@127.0.0.1:{port}/nowhere"

    result = manage(url, "backup", "--output", str(tmp_path / "x.dump"), check=False)

    assert result.returncode == 1
    assert result.stderr.startswith("CommandError: pg_dump failed")
    assert f'connection to server at "127.0.0.1", port {port} failed' in result.stderr
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_backup_without_pg_dump_names_the_package_to_install(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))

    with pytest.raises(CommandError, match=r"pg_dump was not found.*install postgresql-client-15"):
        call_command("backup", output=tmp_path / "x.dump")

    assert list(tmp_path.iterdir()) == []


def test_backup_goes_by_default_to_backup_dir_named_after_the_database_and_utc_time(
    databases, django_db_blocker, tmp_path
):
    url = create_database(databases["empty"], django_db_blocker)
    folder = tmp_path / "nightly"
    code = (
        "from django.conf import settings; from django.core.management import call_command; "
        f"settings.BACKUP_DIR = {str(folder)!r}; call_command('backup')"
    )

    result = manage(url, "shell", "-v", "0", "-c", code)

    [written] = folder.iterdir()
    assert re.fullmatch(rf"{databases['empty']}-\d{{8}}T\d{{6}}Z\.dump", written.name)
    assert str(written) in result.stdout


def readme_commands(after: str) -> list[str]:
    """The lines of the first shell block of README.md after the sentence `after`."""
    text = (PROJECT / "README.md").read_text()
    block = re.search(r"```sh\n(.*?)```", text[text.index(after) :], re.DOTALL).group(1)
    return [line for line in block.splitlines() if line.strip()]


def test_the_readmes_check_of_a_backup_works_as_written(source, django_db_blocker):
    commands = readme_commands("To check a backup")
    assert [command.split()[2] for command in commands] == ["backup", "restore"]
    environment = {**os.environ, "DATABASE_URL": source}
    dump = PROJECT / ".data" / "backups" / "check.dump"

    def drop_check():
        with django_db_blocker.unblock(), connection._nodb_cursor() as cursor:
            cursor.execute('DROP DATABASE IF EXISTS "check" WITH (FORCE)')

    drop_check()
    try:
        for command in commands:
            subprocess.run(command, shell=True, cwd=PROJECT, env=environment, check=True)  # noqa: S602 (the README's own commands)
        assert snapshot("check") == snapshot(source.rsplit("/", 1)[1])
        with connect(source.rsplit("/", 1)[1]) as database:
            assert database.execute("SELECT count(*) FROM centers_center").fetchone()[0] > 0
    finally:
        drop_check()
        dump.unlink(missing_ok=True)
