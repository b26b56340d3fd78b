from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    name = "regions"
    verbose_name = _("Administrative areas")

    def ready(self):
        from django.db.models.signals import post_migrate

        from .place_names import place_names_create

        post_migrate.connect(place_names_create, sender=self)
