from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    name = "planning"
    verbose_name = _("Planning: coverage of the territory")

    def ready(self):
        from centers.signals import centers_changed

        from .services import coverage_follow_centers

        centers_changed.connect(coverage_follow_centers, dispatch_uid="planning.coverage")
