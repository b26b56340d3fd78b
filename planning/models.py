"""Coverage of the territory for planners: how far each commune lives from the nearest
open center of each category, and the national totals the directory is measured against.

Distances are geodesic metres on the WGS84 spheroid, from a commune's reference point to
the nearest center's public position (centers/privacy.py), so that no figure derived
from them can reveal where a sensitive center really is.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from centers.models import Category, Center
from regions.models import Commune


class CommuneAccess(models.Model):
    """One commune's access to one category of center, as of the last refresh
    (`manage.py refresh_coverage`, planning/services.py)."""

    commune = models.ForeignKey(
        Commune, on_delete=models.CASCADE, related_name="access", verbose_name=_("commune")
    )
    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, related_name="+", verbose_name=_("category")
    )
    # Stale once the center is deleted, until the next refresh: centers are archived,
    # not deleted, so this only happens outside the directory's own tools.
    nearest_center = models.ForeignKey(
        Center,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("nearest open center"),
    )
    # Metres; null when the category has no open center anywhere.
    distance_m = models.FloatField(_("distance to the nearest open center (m)"), null=True)
    centers_count = models.PositiveIntegerField(_("open centers in the commune"))
    refreshed_at = models.DateTimeField(_("refreshed at"))

    class Meta:
        verbose_name = _("commune's access to a category")
        verbose_name_plural = _("communes' access to the categories")
        constraints = [
            models.UniqueConstraint(
                fields=["category", "commune"], name="one_access_per_category_and_commune"
            ),
        ]

    def __str__(self):
        return f"{self.commune_id} {self.category_id} {self.distance_m}"


class NationalTotalManager(models.Manager):
    """Fixtures name a total by its category's code, so that loading them again
    updates them."""

    def get_by_natural_key(self, category_code: str):
        return self.get(category__code=category_code)


class NationalTotal(models.Model):
    """How many centers of a category exist in Morocco according to a published
    statement, so that a gap in the directory is not read as a gap in service."""

    category = models.OneToOneField(
        Category,
        on_delete=models.CASCADE,
        related_name="national_total",
        verbose_name=_("category"),
    )
    count = models.PositiveIntegerField(_("number known nationally"))
    as_of = models.CharField(
        _("as of"), max_length=20, help_text=_("Date of the figure as published: 2024-07, 2023…")
    )
    statement_ar = models.TextField(_("what was counted (Arabic)"))
    statement_fr = models.TextField(_("what was counted (French)"))
    statement_en = models.TextField(_("what was counted (English)"))
    source_ar = models.CharField(_("source (Arabic)"), max_length=300)
    source_fr = models.CharField(_("source (French)"), max_length=300)
    source_en = models.CharField(_("source (English)"), max_length=300)

    objects = NationalTotalManager()

    class Meta:
        verbose_name = _("national total")
        verbose_name_plural = _("national totals")
        ordering = ["category__position", "category__code"]

    def __str__(self):
        return f"{self.category.code}: {self.count} ({self.as_of})"

    def natural_key(self):
        return self.category.natural_key()

    natural_key.dependencies = ["centers.category"]
