from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("API partners")

    def ready(self):
        # Registers the API key scheme with the OpenAPI schema generator.
        from . import schema  # noqa: F401
