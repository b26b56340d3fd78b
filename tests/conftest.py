import io

import pytest
from django.core.management import call_command
from django.db import connection

from geo_directory.database import timeouts


@pytest.fixture(scope="session")
def django_db_setup(request, django_test_environment, django_db_blocker):
    """The test database, made by migrating, with Morocco's real administrative areas
    loaded once. It is made for every run, whatever the tests chosen: pytest-django's own
    fixture makes it only for tests marked `django_db`, and the `committed` tests are not
    (they must not run in a transaction)."""
    from django.test.utils import setup_databases, teardown_databases

    verbosity = request.config.option.verbose
    with django_db_blocker.unblock():
        databases = setup_databases(verbosity=verbosity, interactive=False, aliases={"default"})
        call_command("load_admin_areas", stdout=io.StringIO())
    yield
    # The suite's last in-process request may have left its caller set (a WSGI response
    # that was never closed sends no request_finished): the removal is background work,
    # not bound by a public request's one-second statements.
    timeouts.end()
    with django_db_blocker.unblock():
        # Sessions still open on it (the job worker's threads keep theirs) would stop
        # its removal.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        teardown_databases(databases, verbosity=verbosity)


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture(autouse=True)
def sheet_job_dir(tmp_path, settings):
    """Each test keeps the sheets of its jobs in a folder of its own."""
    settings.SHEET_JOB_DIR = str(tmp_path / "sheet-jobs")
    return tmp_path / "sheet-jobs"


@pytest.fixture(autouse=True)
def english_outside_requests():
    """Code called outside a request speaks the active language, Arabic by default: tests
    read its messages in English. Requests still follow their own address's language."""
    from django.utils import translation

    with translation.override("en"):
        yield


# Tests whose data another connection must see (the job worker, a concurrent writer)
# commit it, and empty after each one the tables they wrote: the tables the suite's
# set-up filled (administrative areas, roles, permissions) are kept, so that the tests
# after them find the same database.
_kept_tables: list[str] = []


def _tables_with_rows() -> set[str]:
    with connection.cursor() as cursor:
        names = connection.introspection.table_names()
        found = set()
        for name in names:
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {connection.ops.quote_name(name)})")  # noqa: S608 (table names from the models)
            if cursor.fetchone()[0]:
                found.add(name)
        return found


@pytest.fixture
def committed(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        assert connection.settings_dict["NAME"].startswith("test_"), "not the test database"
        if not _kept_tables:
            _kept_tables.extend(sorted(_tables_with_rows()) or ["-"])
        try:
            yield
        finally:
            written = set(connection.introspection.table_names()) - set(_kept_tables)
            with connection.cursor() as cursor:
                cursor.execute(
                    "TRUNCATE "
                    + ", ".join(connection.ops.quote_name(name) for name in sorted(written))
                    + " CASCADE"
                )
