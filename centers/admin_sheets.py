"""The centers' sheets in the staff tools: the export actions of the centers list, the
import's upload and templates, and the provinces' onboarding sheets. A sheet within the
limits is handed to the job worker (sheet_jobs), whose page follows it."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from regions.models import Province
from sheet_jobs import services as sheet_jobs
from sheet_jobs.admin import job_url

from . import onboarding, sheets
from .forms import ImportForm, OnboardingSheetForm
from .imports import ImportReport

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Larger exports are written by the job worker rather than in the request.
EXPORT_IN_REQUEST_MAX = 5000


class CenterSheetsAdmin(admin.ModelAdmin):
    """Exports and imports of centers, for the centers' admin: its actions `export_csv`
    and `export_xlsx` work on the changelist's (already scoped) queryset."""

    @admin.action(description=_("Export the selected centers (CSV)"), permissions=["view"])
    def export_csv(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        if len(ids) > EXPORT_IN_REQUEST_MAX:
            return self._export_job(request, ids, "csv")
        # Streamed: the first rows leave while the others are read.
        response = StreamingHttpResponse(
            sheets.csv_lines(sheet_jobs.center_rows(ids)), content_type="text/csv"
        )
        response["Content-Disposition"] = 'attachment; filename="centers.csv"'
        return response

    @admin.action(description=_("Export the selected centers (XLSX)"), permissions=["view"])
    def export_xlsx(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        if len(ids) > EXPORT_IN_REQUEST_MAX:
            return self._export_job(request, ids, "xlsx")
        content = sheets.write_xlsx(sheet_jobs.center_rows(ids))
        return _download(content, "centers.xlsx", XLSX_TYPE)

    def _export_job(self, request, ids: list[int], export_format: str):
        """A large export is written by the job worker; its page offers the download."""
        job = sheet_jobs.export_start(
            user=request.user, center_ids=ids, export_format=export_format
        )
        self.message_user(
            request,
            _("%(count)s centers are being exported; the sheet will be ready on this page.")
            % {"count": len(ids)},
        )
        return redirect(job_url(job))

    # Import: upload, dry run with a per-row report, then confirm.

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="centers_center_import",
            ),
            path(
                "import/template.<str:extension>",
                self.admin_site.admin_view(self.template_view),
                name="centers_center_import_template",
            ),
            path(
                "onboarding/",
                self.admin_site.admin_view(self.onboarding_view),
                name="centers_center_onboarding",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """The upload: a sheet within the limits is kept and checked by the job worker,
        whose page shows the progress, then the report and the button to import."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        context = {**self.admin_site.each_context(request), "opts": self.model._meta}
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["sheet"]
            data = upload.read()
            refusals = sheets.inspect_sheet(data, upload.name)
            if not refusals:
                job = sheet_jobs.check_start(
                    user=request.user,
                    data=data,
                    file_name=upload.name,
                    reason=form.cleaned_data["reason"],
                )
                return redirect(job_url(job))
            context.update(report=ImportReport([], refusals, applied=False), shown_errors=refusals)
        context.update(form=form, title=_("Import centers"))
        return TemplateResponse(request, "admin/centers/center/import.html", context)

    def template_view(self, request, extension):
        example = [sheets.example_row()]
        if extension == "csv":
            return _download(sheets.write_csv(example), "centers-template.csv", "text/csv")
        if extension == "xlsx":
            content = sheets.write_xlsx(example, with_column_help=True)
            return _download(content, "centers-template.xlsx", XLSX_TYPE)
        raise Http404

    def onboarding_view(self, request):
        """The choice of a province among those whose centers the staff member sees, then
        its onboarding sheet. A province outside them is refused, whatever the address
        asks for."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        provinces = onboarding.provinces_of(request.user)
        form = OnboardingSheetForm(request.GET or None, provinces=provinces)
        if form.is_valid():
            province = form.cleaned_data["province"]
            return _download(
                onboarding.onboarding_sheet(province), onboarding.file_name(province), XLSX_TYPE
            )
        if form.is_bound and Province.objects.filter(code=request.GET.get("province")).exists():
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "title": _("Onboarding sheet for a province"),
        }
        return TemplateResponse(request, "admin/centers/center/onboarding.html", context)


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
