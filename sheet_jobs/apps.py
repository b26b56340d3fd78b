from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SheetJobsConfig(AppConfig):
    name = "sheet_jobs"
    verbose_name = _("Imports and exports")
