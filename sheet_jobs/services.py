"""Sheet jobs: checking and importing a sheet, exporting centers, each done by the job
worker from a queue kept in PostgreSQL (Procrastinate), so that a web request only
stores the sheet and answers at once, whatever its size.

A job is written with its queue entry in one transaction: there is never a job without
its entry, or an entry without its job. An import writes all its rows in one transaction
(centers/imports.py), so a worker killed in the middle leaves nothing half-written; the
entry of a job whose worker stopped answering is put back in the queue (`stalled_retry`)
and the job runs again from the start.
"""

import dataclasses
import datetime
import time
from collections.abc import Iterable
from typing import cast

from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from centers import sheets
from centers.imports import ImportReport, RowOutcome, centers_import
from centers.models import Center

from . import files
from .models import SheetJob

# A job's uploaded sheet or finished export is kept this long, then deleted.
FILE_RETENTION = datetime.timedelta(days=1)
# A job whose worker sent no heartbeat for this long is run again.
STALLED_AFTER_SECONDS = 30
# Progress is written at most this often (rows): often enough for the page, not a write
# per row.
PROGRESS_EVERY = 500
EXPORT_BATCH = 2000


class JobRefused(Exception):
    """The job cannot be started as asked; the message says why, in the staff's words."""


def check_start(*, user, data: bytes, file_name: str, reason: str) -> SheetJob:
    """Keeps the sheet and queues its check (a dry run with a report per row)."""
    stored = files.new_name(".xlsx" if file_name.lower().endswith(".xlsx") else ".csv")
    files.write(stored, [data])
    return _queued(
        SheetJob(
            kind=SheetJob.Kind.CHECK,
            user=user,
            file_name=file_name,
            stored_file=stored,
            reason=reason,
        )
    )


@transaction.atomic
def import_start(*, user, check: SheetJob, create_lines: Iterable[int] = ()) -> SheetJob:
    """Queues the import of a checked sheet: it applies what the check showed. The check
    is locked meanwhile, so that two clicks on "Import now" queue one import."""
    check = SheetJob.objects.select_for_update().get(pk=check.pk)
    if not user.has_perm("centers.add_center"):
        raise JobRefused(_("You may no longer import centers."))
    if check.kind != SheetJob.Kind.CHECK or check.user_id != user.pk:
        raise JobRefused(_("Only the staff member who checked a sheet may import it."))
    if check.status != SheetJob.Status.DONE or check.report.get("errors"):
        raise JobRefused(_("Only a sheet whose check found no error can be imported."))
    if not check.stored_file:
        raise JobRefused(
            _("This sheet was deleted a day after its check, or already imported: upload it again.")
        )
    if check.imports.filter(status__in=[SheetJob.Status.QUEUED, SheetJob.Status.RUNNING]).exists():
        raise JobRefused(_("This sheet is already being imported."))
    return _queued(
        SheetJob(
            kind=SheetJob.Kind.IMPORT,
            user=user,
            file_name=check.file_name,
            stored_file=check.stored_file,
            reason=check.reason,
            checked_by=check,
            create_lines=sorted(set(create_lines)),
        )
    )


def export_start(*, user, center_ids: list[int], export_format: str) -> SheetJob:
    """Queues the export of these centers, in this order, as CSV or XLSX."""
    return _queued(
        SheetJob(
            kind=SheetJob.Kind.EXPORT,
            user=user,
            file_name=f"centers.{export_format}",
            center_ids=center_ids,
            export_format=export_format,
            total_count=len(center_ids),
        )
    )


@transaction.atomic
def retry(job: SheetJob) -> SheetJob:
    """Queues a failed job again, from the start (once, however many clicks)."""
    job = SheetJob.objects.select_for_update().get(pk=job.pk)
    if job.status != SheetJob.Status.FAILED:
        raise JobRefused(_("Only a failed job can be started again."))
    job.status, job.failure, job.done_count, job.stage = SheetJob.Status.QUEUED, "", 0, ""
    return _queued(job)


@transaction.atomic
def _queued(job: SheetJob) -> SheetJob:
    from .tasks import run_sheet_job  # the tasks module imports this one

    job.language = translation.get_language() or job.language
    job.save()
    job.queue_job_id = run_sheet_job.defer(sheet_job_id=job.pk)
    job.save(update_fields=["queue_job_id"])
    return job


def sheet_job_run(job_id: int) -> None:
    """Runs a queued job (in the worker), in the language of whoever asked for it."""
    job = SheetJob.objects.select_related("user", "checked_by").get(pk=job_id)
    if job.finished:
        return  # a queue entry run twice does the job once
    SheetJob.objects.filter(pk=job.pk).update(
        status=SheetJob.Status.RUNNING, started_at=timezone.now(), done_count=0
    )
    run = {
        SheetJob.Kind.CHECK: _check,
        SheetJob.Kind.IMPORT: _import,
        SheetJob.Kind.EXPORT: _export,
    }[job.kind]
    try:
        with translation.override(job.language):
            run(job)
    except Exception as error:
        # A database that stopped answering closed the connection: the next one records
        # the failure.
        connection.close_if_unusable_or_obsolete()
        job.status, job.failure = SheetJob.Status.FAILED, f"{type(error).__name__}: {error}"
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "failure", "finished_at"])
        raise
    job.status, job.finished_at = SheetJob.Status.DONE, timezone.now()
    job.save(update_fields=["status", "report", "stored_file", "finished_at"])


def _progress(job: SheetJob):
    def report(stage: str, done: int, total: int) -> None:
        SheetJob.objects.filter(pk=job.pk).update(stage=stage, done_count=done, total_count=total)

    return report


def _read(job: SheetJob):
    _progress(job)(SheetJob.Stage.READING, 0, 0)
    return sheets.read_sheet(files.read(job.stored_file), job.file_name)


def _check(job: SheetJob) -> None:
    rows, errors = _read(job)
    report = centers_import(
        user=job.user,
        rows=rows,
        errors=errors,
        dry_run=True,
        reason=job.reason,
        progress=_progress(job),
    )
    job.report = report_to_json(report)


def _import(job: SheetJob) -> None:
    rows, errors = _read(job)

    def record_applied(report: ImportReport) -> None:
        # In the import's own transaction: a worker that dies after the commit leaves a
        # job marked done, never one that would run again and find its own changes.
        job.report = report_to_json(report)
        job.status, job.finished_at, job.stored_file = SheetJob.Status.DONE, timezone.now(), ""
        job.save(update_fields=["status", "report", "stored_file", "finished_at"])
        SheetJob.objects.filter(pk=job.checked_by_id).update(stored_file="")
        transaction.on_commit(lambda: files.delete(stored))

    stored = job.stored_file
    report = centers_import(
        user=job.user,
        rows=rows,
        errors=errors,
        dry_run=False,
        reason=job.reason or _("Import of %(name)s") % {"name": job.file_name},
        create_duplicates=job.create_lines,
        preview=report_from_json(job.checked_by.report).outcomes,
        progress=_progress(job),
        on_write=record_applied,
    )
    # Refused: the report says why; the sheet is kept for another check or confirm.
    job.report = report_to_json(report)


def _export(job: SheetJob) -> None:
    report = _progress(job)
    rows = _counted(center_rows(job.center_ids), job, report)
    name = files.new_name(f".{job.export_format}")
    if job.export_format == "xlsx":
        files.write(name, [sheets.write_xlsx(rows)])
    else:
        files.write(name, sheets.csv_lines(rows))
    job.stored_file = name
    job.report = None


def _counted(rows, job: SheetJob, report):
    total = len(job.center_ids)
    for done, row in enumerate(rows, start=1):
        if done % PROGRESS_EVERY == 0:
            report(SheetJob.Stage.EXPORTING, done, total)
        yield row
    report(SheetJob.Stage.EXPORTING, total, total)


def center_rows(ids: list[int]):
    """The sheet rows of these centers, in this order, read in batches by id (a whole
    export is tens of thousands; a cursor kept open over the list's ordered join is
    planned for its first rows and reads the rest slowly), without the communes'
    boundaries."""
    centers = Center.objects.for_sheets()
    for start in range(0, len(ids), EXPORT_BATCH):
        batch = ids[start : start + EXPORT_BATCH]
        found = centers.in_bulk(batch)
        yield from (sheets.center_row(found[pk]) for pk in batch if pk in found)


def report_to_json(report: ImportReport) -> dict:
    return {
        "applied": report.applied,
        "outcomes": [dataclasses.asdict(outcome) for outcome in report.outcomes],
        "errors": [dataclasses.asdict(error) for error in report.errors],
    }


def report_from_json(data: dict) -> ImportReport:
    return ImportReport(
        outcomes=[RowOutcome(**outcome) for outcome in data["outcomes"]],
        errors=[sheets.SheetError(**error) for error in data["errors"]],
        applied=data["applied"],
    )


def run_queued_jobs() -> None:
    """Runs a worker until no sheet job is left in the queue, then returns (tests,
    benchmarks, or an operator emptying the queue by hand), with the worker's own
    connections, as `manage.py procrastinate worker` does."""
    from django.db import connections
    from procrastinate.contrib.django import app
    from procrastinate.contrib.django.django_connector import DjangoConnector

    # The Django app's connector (procrastinate types it as any connector).
    connector = cast(DjangoConnector, app.connector)
    with app.replace_connector(connector.get_worker_connector()) as worker_app:
        worker_app.run_worker(
            queues=["sheets"], wait=False, install_signal_handlers=False, listen_notify=False
        )
    # The tasks' connections were opened in the worker's threads, now gone.
    connections.close_all()


async def stalled_retry(seconds_since_heartbeat: float = STALLED_AFTER_SECONDS) -> int:
    """Puts back in the queue the jobs whose worker stopped sending heartbeats (killed,
    or its machine lost): they run again from the start. Returns how many."""
    from procrastinate.contrib.django import app

    stalled = list(
        await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=seconds_since_heartbeat)
    )
    for entry in stalled:
        await app.job_manager.retry_job(entry)
    return len(stalled)


def sheet_files_clean(now: float | None = None) -> int:
    """Deletes the sheets kept for more than a day: uploads never imported, exports not
    downloaded in time. Returns how many files were deleted."""
    now = time.time() if now is None else now
    names = files.older_than(FILE_RETENTION.total_seconds(), now)
    for name in names:
        files.delete(name)
    SheetJob.objects.filter(stored_file__in=names).update(stored_file="")
    return len(names)
