"""Backups of the configured database with PostgreSQL's own client tools: pg_dump's
custom format (compressed; holds the schema, the data, the database functions and the
history) and pg_restore in one transaction, so that a restore that fails changes nothing.

The database's extensions (PostGIS, pg_trgm, unaccent) are created when missing but never
dropped: dropping PostGIS would give its types new OIDs, which every running process of
the site has cached."""

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from psycopg import sql

from centers.models import Center
from regions.models import Commune, Province, Region

CLIENT_PACKAGE = "postgresql-client-15"

# What a restore reports, and what a refused restore says would be lost.
COUNTED = (
    ("centers", Center),
    ("history records", Center.history.model),
    ("regions", Region),
    ("provinces", Province),
    ("communes", Commune),
)

# libpq options that django-environ takes from the URL's query string into OPTIONS,
# handed to the client tools as the environment variables libpq reads.
_OPTION_VARIABLES = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
}

# Lines of `pg_restore --list`: "<id>; <catalog oid> <oid> <kind> <schema> <name> <owner>".
_EXTENSION = re.compile(r"^\d+; \d+ \d+ EXTENSION - ")
_EXTENSION_COMMENT = re.compile(r"^\d+; \d+ \d+ COMMENT - EXTENSION ")

# Tables of the database's own schemas, leaving out those that belong to an extension
# (PostGIS's spatial_ref_sys): a database holding none of them is empty.
_USER_TABLES = """
    SELECT n.nspname || '.' || c.relname
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p')
      AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
      AND NOT EXISTS (
          SELECT FROM pg_depend d
          WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e'
      )
    ORDER BY 1
"""


class BackupError(Exception):
    """A backup or restore that did not happen; the message says why."""


@dataclass(frozen=True)
class Backup:
    path: Path
    size: int  # bytes


@dataclass(frozen=True)
class Restore:
    path: Path
    database: str
    entries: int
    counts: dict[str, int]


def database_backup(*, output: Path | None = None) -> Backup:
    """Writes a pg_dump custom-format archive of the database to `output`, by default
    BACKUP_DIR/<database>-<UTC time>.dump. The archive appears under its name only once
    complete: pg_dump writes a hidden file beside it, which is then renamed."""
    command, environment = _client("pg_dump")
    name = settings.DATABASES[DEFAULT_DB_ALIAS]["NAME"]
    if output is None:
        folder = Path(getattr(settings, "BACKUP_DIR", settings.BASE_DIR / ".data" / "backups"))
        output = folder / f"{name}-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.dump"
    output = output.absolute()
    if output.is_dir():
        raise BackupError(f"{output} is a directory; give the path of the file to write.")
    # The archive holds staff accounts: only its owner may read it (mkstemp's mode 0600).
    output.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor, partial = tempfile.mkstemp(
        dir=output.parent, prefix=f".{output.name}.", suffix=".partial"
    )
    try:
        with os.fdopen(descriptor, "wb") as archive:
            result = subprocess.run(  # noqa: S603 (fixed program, arguments from settings)
                [*command, "--format=custom", f"--dbname={name}"],
                stdout=archive,
                stderr=subprocess.PIPE,
                env=environment,
                check=False,
            )
            if result.returncode != 0:
                raise BackupError(
                    f"pg_dump failed (exit status {result.returncode}); nothing was written. "
                    + _text(result.stderr)
                )
            os.fsync(archive.fileno())
        os.replace(partial, output)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return Backup(path=output, size=output.stat().st_size)


def archive_entries(path: Path) -> list[str]:
    """The table of contents of a pg_dump custom-format archive, one line per entry;
    BackupError when the file is not such an archive."""
    pg_restore = _executable("pg_restore")
    if not path.is_file():
        raise BackupError(f"No such file: {path}")
    result = subprocess.run(  # noqa: S603 (fixed program, a file name)
        [pg_restore, "--list", str(path)], capture_output=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(
            f"{path} is not a backup made by `manage.py backup` (a pg_dump custom-format "
            f"archive); nothing was restored. {_text(result.stderr)}"
        )
    lines = result.stdout.decode("utf-8", "surrogateescape").splitlines()
    return [line for line in lines if line and not line.startswith(";")]


def database_switch_to_new(name: str) -> None:
    """Creates the database `name` on the configured server, and makes it the one this
    process works on (to check a backup beside the site's own database)."""
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except DatabaseError as error:
        raise BackupError(f"The database {name} cannot be created: {_first_line(error)}") from error
    connections[DEFAULT_DB_ALIAS].close()
    settings.DATABASES[DEFAULT_DB_ALIAS]["NAME"] = name
    connections[DEFAULT_DB_ALIAS].settings_dict["NAME"] = name


def database_restore(*, path: Path, replace: bool) -> Restore:
    """Restores an archive made by `database_backup` into the database, in one transaction.

    A database that already holds tables is refused unless `replace`: the tables, views
    and functions of the archive are then dropped and created again from it. Missing
    extensions are created first, in a transaction of their own: a restore that fails
    leaves at most those behind."""
    entries = archive_entries(path)
    name = settings.DATABASES[DEFAULT_DB_ALIAS]["NAME"]
    tables = database_tables()
    if tables and not replace:
        held = ", ".join(f"{count:,} {label}" for label, count in database_counts().items())
        raise BackupError(
            f"The database {name} already holds {len(tables)} tables"
            + (f" ({held})" if held else "")
            + ". Restoring replaces them with the backup's content: every row written since "
            "the backup was made would be lost. Run again with --yes to restore anyway."
        )
    extensions = [line for line in entries if _EXTENSION.match(line)]
    content = [
        line for line in entries if not (_EXTENSION.match(line) or _EXTENSION_COMMENT.match(line))
    ]
    command, environment = _client("pg_restore")
    command += [f"--dbname={name}", "--no-owner", "--exit-on-error", "--single-transaction"]
    with tempfile.TemporaryDirectory() as folder:
        if extensions:
            # CREATE EXTENSION IF NOT EXISTS, in the archive's schema: a no-op when present.
            _pg_restore(
                [*command, _use_list(Path(folder, "extensions"), extensions)], path, environment
            )
        _pg_restore(
            [*command, "--clean", "--if-exists", _use_list(Path(folder, "content"), content)],
            path,
            environment,
        )
    # A connection opened before the restore may have looked up PostGIS's types before
    # the extension existed.
    connections[DEFAULT_DB_ALIAS].close()
    return Restore(path=path, database=name, entries=len(entries), counts=database_counts())


def database_tables() -> list[str]:
    """The database's own tables, as schema.name."""
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute(_USER_TABLES)
            return [table for (table,) in cursor.fetchall()]
    except DatabaseError as error:
        raise BackupError(f"Cannot read the database: {error}") from error


def database_counts() -> dict[str, int]:
    """Rows of the directory's main tables, for those that exist."""
    existing = set(connections[DEFAULT_DB_ALIAS].introspection.table_names())
    return {
        label: model._base_manager.count()
        for label, model in COUNTED
        if model._meta.db_table in existing
    }


def _pg_restore(command: list[str], path: Path, environment: dict[str, str]) -> None:
    result = subprocess.run(  # noqa: S603 (fixed program, arguments from settings)
        [*command, str(path)], capture_output=True, env=environment, check=False
    )
    if result.returncode != 0:
        raise BackupError(
            f"pg_restore failed (exit status {result.returncode}); the restore ran in a "
            f"single transaction, so the database is as it was. {_text(result.stderr)}"
        )


def _use_list(path: Path, entries: list[str]) -> str:
    path.write_text("\n".join(entries) + "\n", encoding="utf-8", errors="surrogateescape")
    return f"--use-list={path}"


def _client(program: str) -> tuple[list[str], dict[str, str]]:
    """The program with the options that reach the database, and its environment: the
    password travels in PGPASSWORD, never on a command line that `ps` shows."""
    database = settings.DATABASES[DEFAULT_DB_ALIAS]
    command = [_executable(program), "--no-password"]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if database.get(key):
            command.append(f"{option}={database[key]}")
    # Seconds to wait for an unreachable server, unless the environment says otherwise.
    environment = {"PGCONNECT_TIMEOUT": "10", **os.environ}
    if database.get("PASSWORD"):
        environment["PGPASSWORD"] = database["PASSWORD"]
    for option, variable in _OPTION_VARIABLES.items():
        if option in database.get("OPTIONS", {}):
            environment[variable] = str(database["OPTIONS"][option])
    return command, environment


def _executable(program: str) -> str:
    path = shutil.which(program)
    if path is None:
        raise BackupError(
            f"{program} was not found on the PATH. Install PostgreSQL's client tools, of the "
            f"server's major version or newer (Debian: apt-get install {CLIENT_PACKAGE})."
        )
    return path


def _text(stderr: bytes) -> str:
    return stderr.decode("utf-8", "replace").strip()


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]
