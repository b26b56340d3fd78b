from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CentersConfig(AppConfig):
    name = "centers"
    verbose_name = _("Social centers")

    def ready(self):
        from django.db.models.signals import post_migrate

        # The offline copy of the helplines is forgotten whenever one changes.
        from . import completeness, helplines  # noqa: F401
        from .changes import trigger_create
        from .public_shape import functions_create
        from .roles import apply_roles_after_migrate

        post_migrate.connect(apply_roles_after_migrate, sender=self)
        # Written from their declaration after every migrate, never copied into one; the
        # public shape's functions call the completeness ones.
        post_migrate.connect(completeness.functions_create, sender=self)
        post_migrate.connect(functions_create, sender=self)
        post_migrate.connect(trigger_create, sender=self)
