from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CentersConfig(AppConfig):
    name = "centers"
    verbose_name = _("Social centers")

    def ready(self):
        # The offline copy of the helplines is forgotten whenever one changes.
        from . import helplines  # noqa: F401
