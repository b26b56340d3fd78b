"""Each staff member's imports and exports: their progress, their report, the import of
a checked sheet, the download of an export, and starting a failed job again."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from procrastinate.contrib.django.models import ProcrastinateJob

from . import files, services
from .models import SheetJob

# Staff follow their jobs here, in their language; the queue's own table (every task's
# arguments, in English) is for operators, through `manage.py procrastinate shell`.
admin.site.unregister(ProcrastinateJob)

# How many lines of a report the page lists: a sheet may have 50,000.
REPORT_LINES_SHOWN = 1000
# While a job runs, its page reloads itself this often (seconds).
REFRESH_SECONDS = 2


def job_url(job: SheetJob) -> str:
    return reverse("admin:sheet_jobs_sheetjob_change", args=[job.pk])


@admin.register(SheetJob)
class SheetJobAdmin(admin.ModelAdmin):
    list_display = ["__str__", "status", "progress", "user", "created_at", "finished_at"]
    list_filter = ["kind", "status"]
    list_select_related = ["user"]

    # Each staff member sees the jobs they asked for; a superuser sees every job.

    def get_queryset(self, request):
        jobs = super().get_queryset(request)
        return jobs if request.user.is_superuser else jobs.filter(user=request.user)

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request) and (
            obj is None or request.user.is_superuser or obj.user_id == request.user.pk
        )

    # Jobs are asked for from the centers' import page and export actions.

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("progress"))
    def progress(self, job):
        return f"{job.done_count} / {job.total_count}" if job.total_count else "-"

    def get_urls(self):
        return [
            path(
                "<int:job_id>/download/",
                self.admin_site.admin_view(self.download_view),
                name="sheet_jobs_sheetjob_download",
            ),
            *super().get_urls(),
        ]

    def _job(self, request, job_id) -> SheetJob:
        if not str(job_id).isdigit():
            raise Http404
        job = get_object_or_404(SheetJob.objects.select_related("user", "checked_by"), pk=job_id)
        if not self.has_view_permission(request, job):
            raise PermissionDenied
        return job

    def change_view(self, request, object_id, form_url="", extra_context=None):
        job = self._job(request, object_id)
        if request.method == "POST":
            return self._act(request, job)
        report = services.report_from_json(job.report) if job.report else None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": str(job),
            "job": job,
            "refresh_seconds": REFRESH_SECONDS,
            "is_import": job.kind == SheetJob.Kind.IMPORT,
            "can_confirm": job.user_id == request.user.pk
            and job.kind == SheetJob.Kind.CHECK
            and job.status == SheetJob.Status.DONE
            and bool(job.stored_file)
            and report is not None
            and not report.errors
            and not job.imports.exclude(status=SheetJob.Status.FAILED).exists(),
            "download_url": (
                reverse("admin:sheet_jobs_sheetjob_download", args=[job.pk])
                if job.kind == SheetJob.Kind.EXPORT and job.stored_file
                else ""
            ),
            **_report_context(report),
        }
        return TemplateResponse(request, "admin/sheet_jobs/job.html", context)

    def _act(self, request, job: SheetJob):
        try:
            if "confirm" in request.POST:
                lines = [
                    int(line) for line in request.POST.getlist("create_line") if line.isdigit()
                ]
                if "create_all_duplicates" in request.POST and job.report:
                    # Beyond the lines the page lists, ticking one by one is not possible.
                    lines += [
                        outcome["line"]
                        for outcome in job.report["outcomes"]
                        if outcome["action"] == "duplicate"
                    ]
                job = services.import_start(user=request.user, check=job, create_lines=lines)
            elif "retry" in request.POST:
                if job.user_id != request.user.pk and not request.user.is_superuser:
                    raise PermissionDenied
                job = services.retry(job)
        except services.JobRefused as refused:
            self.message_user(request, str(refused), messages.ERROR)
        return redirect(job_url(job))

    def download_view(self, request, job_id):
        job = self._job(request, job_id)
        if job.kind != SheetJob.Kind.EXPORT or not job.stored_file:
            raise Http404
        try:
            handle = files.path(job.stored_file).open("rb")
        except FileNotFoundError:
            raise Http404 from None
        return FileResponse(handle, as_attachment=True, filename=job.file_name)


def _report_context(report) -> dict:
    if report is None:
        return {"report": None}
    # The first lines of each list; the counts above them cover all.
    return {
        "report": report,
        "duplicate_count": report.count("duplicate"),
        "shown_errors": report.errors[:REPORT_LINES_SHOWN],
        "shown_outcomes": report.outcomes[:REPORT_LINES_SHOWN],
        "rows_not_shown": max(0, len(report.outcomes) - REPORT_LINES_SHOWN)
        + max(0, len(report.errors) - REPORT_LINES_SHOWN),
    }
