"""The national numbers a person in danger can call now: shown at the top of every result
and page of a sensitive category, and on the page shown while the database cannot be
reached (from the last copy read, else as shipped in fixtures/helplines.json)."""

import json

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver

from .models import Helpline

# The numbers in service as last read from the database, for when it cannot be reached.
OFFLINE_COPY_KEY = "helplines:in-service"
OFFLINE_COPY_SECONDS = 24 * 3600
# The fields a number is shown with.
SHOWN_FIELDS = [
    "number",
    "name_ar",
    "name_fr",
    "name_en",
    "for_whom_ar",
    "for_whom_fr",
    "for_whom_en",
    "hours_ar",
    "hours_fr",
    "hours_en",
    "last_confirmed_year",
]


def helplines_for(categories) -> list[Helpline]:
    """The numbers to show beside centers of these categories: none unless one of them is
    sensitive; else those meant for it and those meant for every sensitive category."""
    sensitive = [category for category in categories if category.sensitive]
    if not sensitive:
        return []
    if cache.get(OFFLINE_COPY_KEY) is None:
        _keep_offline_copy()
    return list(Helpline.objects.in_service().for_categories(sensitive))


def helplines_when_offline() -> list[Helpline]:
    """Every number in service, without the database: the last copy read, else the
    shipped reference data."""
    rows = cache.get(OFFLINE_COPY_KEY)
    if rows is None:
        with open(settings.BASE_DIR / "fixtures" / "helplines.json", encoding="utf-8") as fixture:
            rows = [entry["fields"] for entry in json.load(fixture)]
    return [Helpline(**{name: row[name] for name in SHOWN_FIELDS}) for row in rows]


def _keep_offline_copy() -> None:
    rows = list(Helpline.objects.in_service().order_by("position", "number").values(*SHOWN_FIELDS))
    cache.set(OFFLINE_COPY_KEY, rows, OFFLINE_COPY_SECONDS)


@receiver(post_save, sender=Helpline)
@receiver(m2m_changed, sender=Helpline.categories.through)
def _forget_offline_copy(**kwargs) -> None:
    cache.delete(OFFLINE_COPY_KEY)
