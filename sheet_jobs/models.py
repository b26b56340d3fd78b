"""A sheet job: checking a sheet, importing it, or exporting centers, done by the job
worker (sheet_jobs/tasks.py) rather than in a web request, with its progress and its
result for the staff member who asked."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SheetJob(models.Model):
    class Kind(models.TextChoices):
        CHECK = "check", _("check of a sheet (dry run)")
        IMPORT = "import", _("import of a checked sheet")
        EXPORT = "export", _("export of centers")

    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    class Stage(models.TextChoices):
        READING = "reading", _("reading the sheet")
        CHECKING = "checking", _("checking the rows")
        WRITING = "writing", _("writing the changes")
        EXPORTING = "exporting", _("writing the sheet")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="sheet_jobs",
        verbose_name=_("staff member"),
    )
    # The sheet as uploaded (check, import) or as written (export), in the private folder
    # of sheet_jobs/files.py; emptied when the file is deleted.
    file_name = models.CharField(_("file"), max_length=200)
    stored_file = models.CharField(max_length=100, blank=True, editable=False)
    reason = models.CharField(_("reason"), max_length=100, blank=True)
    # The messages of the report are in the language of whoever asked for the job.
    language = models.CharField(max_length=8, default=settings.LANGUAGE_CODE, editable=False)
    # An import applies the outcome of the check it confirms, and the lines of possible
    # duplicates the staff member chose to create.
    checked_by = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="imports",
        verbose_name=_("check confirmed"),
    )
    create_lines = models.JSONField(default=list, blank=True)
    # An export: the centers, in the list's order, and the format.
    center_ids = models.JSONField(default=list, blank=True)
    export_format = models.CharField(max_length=4, blank=True)

    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices, blank=True)
    done_count = models.PositiveIntegerField(_("rows done"), default=0)
    total_count = models.PositiveIntegerField(_("rows in all"), default=0)
    # The import report (outcomes and errors by line), or why the job failed.
    report = models.JSONField(null=True, blank=True, editable=False)
    failure = models.TextField(_("failure"), blank=True)
    queue_job_id = models.BigIntegerField(null=True, blank=True, editable=False)

    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import or export")
        verbose_name_plural = _("imports and exports")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"], name="sheet_job_user_recent")]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.file_name}"

    @property
    def finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}
