"""Import and export benchmark (`make bench-imports`): sheets of synthetic centers through
the command's path and the admin's page, and a whole export.

It builds a separate database (`<name>_bench_imports` on the same server; never the demo
one), with the administrative areas and the reference data, and measures:

  - a 5,000-row sheet: its dry run and its import by the command's path (read the file,
    then the import service), and importing the unchanged sheet again;
  - a 50,000-row sheet by the command's path, then another by the admin's import page:
    how long the upload's page takes to answer, and how long the job worker takes to
    check the sheet, then to import it once confirmed;
  - exporting 55,000 centers from the admin (CSV and XLSX): the page's answer, and the
    job that writes the sheet.

Rows are synthetic ("Centre synthétique d'import N", references `synthetic-import-N`) at
random points inside the communes (ST_GeneratePoints with a fixed seed).

    .venv/bin/python benchmarks/imports.py [--rows 5000] [--large 50000]
"""

import argparse
import csv
import hashlib
import io
import os
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
os.chdir(PROJECT)


from benchmarks.databases import fresh_bench_database, use_bench_database

# Everything below runs against the bench database, never the demo one.
use_bench_database("bench_imports")

import django

django.setup()

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import setup_test_environment

from centers import sheets
from centers.imports import centers_import
from centers.management.commands.import_centers import COMMAND_MAX_BYTES, COMMAND_MAX_ROWS
from centers.models import Center
from sheet_jobs.models import SheetJob
from sheet_jobs.services import run_queued_jobs

COLUMNS = ["external_ref", "name_fr", "category", "services", "latitude", "longitude"]


def synthetic_name(n: int) -> str:
    """A name of its own for each row, so that rows are not taken for each other."""
    letters = hashlib.sha256(str(n).encode()).hexdigest()[:12]
    return f"Centre synthétique {letters.translate(str.maketrans('0123456789', 'ghijklmnop'))}"


def synthetic_sheet(count: int, *, first: int = 0, seed: int = 7) -> bytes:
    """A CSV of `count` synthetic centers at random points inside the communes."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_Y(p.geom), ST_X(p.geom) FROM ("
            "SELECT (ST_Dump(ST_GeneratePoints(geom, %(per)s, %(seed)s))).geom "
            "FROM regions_commune) p LIMIT %(count)s",
            {"per": count // 1400 + 1, "count": count, "seed": seed},
        )
        points = cursor.fetchall()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for n, (latitude, longitude) in enumerate(points, start=first):
        writer.writerow(
            [
                f"synthetic-import-{n}",
                synthetic_name(n),
                "disability",
                "orientation",
                f"{latitude:.6f}",
                f"{longitude:.6f}",
            ]
        )
    return out.getvalue().encode()


def timed(label: str, work):
    start = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - start
    print(f"{label:<52} {seconds:7.1f} s")
    return result


def command_path(data: bytes, *, dry_run: bool):
    """As `manage.py import_centers`, creating the possible duplicates too (so that every
    row is written; how many were flagged is printed)."""
    rows, errors = sheets.read_sheet(
        data, "sheet.csv", max_rows=COMMAND_MAX_ROWS, max_bytes=COMMAND_MAX_BYTES
    )
    report = centers_import(
        user=None,
        rows=rows,
        errors=errors,
        dry_run=dry_run,
        reason="bench",
        create_duplicates=[row.line for row in rows],
    )
    if report.errors:
        raise SystemExit(f"The synthetic sheet was refused: {report.errors[:5]}")
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--large", type=int, default=50000)
    options = parser.parse_args()

    fresh_bench_database()
    setup_test_environment()
    admin = get_user_model().objects.create_superuser("bench", password="x" * 20)
    client = Client()
    client.force_login(admin)

    sheet = synthetic_sheet(options.rows)
    print(f"{options.rows} rows ({len(sheet) // 1024} KB), command:")
    timed("  dry run", lambda: command_path(sheet, dry_run=True))
    timed("  import", lambda: command_path(sheet, dry_run=False))
    report = timed("  import again, unchanged", lambda: command_path(sheet, dry_run=False))
    print(f"  unchanged: {report.count_unchanged}; centers now: {Center.objects.count()}")

    large = synthetic_sheet(options.large, first=options.rows, seed=11)
    print(f"{options.large} rows ({len(large) // 1024} KB), command:")
    checked = timed("  dry run", lambda: command_path(large, dry_run=True))
    flagged = sum(1 for outcome in checked.outcomes if outcome.duplicates)
    print(f"  possible duplicates flagged (created anyway here): {flagged}")
    timed("  import", lambda: command_path(large, dry_run=False))
    print(f"  centers now: {Center.objects.count()}")

    admin_sheet = synthetic_sheet(options.large, first=options.rows + options.large, seed=13)
    print(f"{options.large} rows ({len(admin_sheet) // 1024} KB), admin page and job worker:")
    timed(
        "  upload, page answers",
        lambda: client.post(
            "/en/admin/centers/center/import/",
            {"sheet": SimpleUploadedFile("sheet.csv", admin_sheet), "reason": "bench"},
        ),
    )
    timed("  check (job)", run_queued_jobs)
    check = SheetJob.objects.latest("created_at")
    duplicates = sum(1 for o in check.report["outcomes"] if o["action"] == "duplicate")
    print(
        f"  check: {check.status}, {len(check.report['errors'])} errors, "
        f"{duplicates} possible duplicates (left out, as nobody ticks them here)"
    )
    timed(
        "  confirm, page answers",
        lambda: client.post(f"/en/admin/sheet_jobs/sheetjob/{check.pk}/change/", {"confirm": "1"}),
    )
    timed("  import (job)", run_queued_jobs)
    job = SheetJob.objects.latest("created_at")
    print(f"  import: {job.status}, applied: {job.report['applied']}")
    print(f"  centers now: {Center.objects.count()}")

    one = Center.objects.values_list("pk", flat=True).first()
    for action in ("export_csv", "export_xlsx"):
        # "Select all" across the list's pages: every center.
        timed(
            f"  export {Center.objects.count()} centers ({action.removeprefix('export_')}), "
            "page answers",
            lambda action=action: client.post(
                "/en/admin/centers/center/",
                {"action": action, "select_across": "1", "_selected_action": [one], "index": 0},
            ),
        )
        timed("  export (job)", run_queued_jobs)
        job = SheetJob.objects.latest("created_at")
        size = (Path(settings.SHEET_JOB_DIR) / job.stored_file).stat().st_size
        print(f"    {job.status}, {size // 1024} KB")


if __name__ == "__main__":
    main()
