"""Writes of the coverage tables: the distance from every commune to the nearest open
center of each category, computed by the database.

Every write through centers' services refreshes the categories it touched once it is
committed (centers announce them with `centers_changed`, received here). Call
`coverage_refresh()` after anything else that changes where open centers are, or to
compute every category afresh (`make run` does); it takes seconds for the whole country.
"""

import datetime
import time
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from centers.models import Category, Center

from .indicators import FAR_M
from .models import CommuneAccess

# For each commune, the nearest open center of one category and its distance, and the
# open centers of that category inside the commune; one statement for all communes.
#
# `<->` between geographies is the distance on a sphere, which the spatial index on
# public_location answers nearest first without reading the table. The true distance
# (ST_Distance on the WGS84 spheroid, in metres) differs from it by a few tenths of a
# per cent, depending on direction, which can swap two nearly equidistant centers: the
# few nearest by `<->` are taken, and the nearest of those by true distance is kept.
REFRESH_STATEMENT = """
INSERT INTO planning_communeaccess
    (commune_id, category_id, nearest_center_id, distance_m, centers_count, refreshed_at)
SELECT m.id, %(category)s, nearest.id, nearest.distance_m,
       coalesce(inside.centers_count, 0), %(now)s
  FROM regions_commune m
  LEFT JOIN LATERAL (
        SELECT candidate.id, candidate.distance_m
          FROM (SELECT c.id, ST_Distance(c.public_location, m.reference_point::geography)
                       AS distance_m
                  FROM centers_center c
                 WHERE c.category_id = %(category)s AND c.status = %(open)s
                   AND NOT c.archived AND m.reference_point IS NOT NULL
                 ORDER BY c.public_location <-> m.reference_point::geography
                 LIMIT %(candidates)s) AS candidate
         ORDER BY candidate.distance_m, candidate.id
         LIMIT 1
       ) AS nearest ON TRUE
  LEFT JOIN (
        SELECT c.commune_id, count(*) AS centers_count
          FROM centers_center c
         WHERE c.category_id = %(category)s AND c.status = %(open)s AND NOT c.archived
         GROUP BY c.commune_id
       ) AS inside ON inside.commune_id = m.id
"""
# Candidates compared by true distance: see REFRESH_STATEMENT.
NEAREST_CANDIDATES = 4


@dataclass(frozen=True)
class CategoryRefresh:
    """What a refresh wrote for one category."""

    code: str
    open_centers: int
    communes: int
    communes_beyond_50km: int


@dataclass(frozen=True)
class RefreshReport:
    """What `coverage_refresh` did, and how long it took."""

    categories: list[CategoryRefresh]
    refreshed_at: datetime.datetime
    seconds: float


def coverage_refresh(*, categories: Iterable[Category] | None = None) -> RefreshReport:
    """Recomputes the communes' access to the given categories (all by default), in one
    transaction: readers see the previous figures until it commits, and a failure
    leaves them untouched."""
    started = time.perf_counter()
    chosen = list(Category.objects.all() if categories is None else categories)
    refreshed_at = timezone.now()
    results = []
    with transaction.atomic():
        with connection.cursor() as cursor:
            # Two refreshes at once would insert the same rows: the second waits for the
            # first. Readers are not blocked.
            cursor.execute("LOCK TABLE planning_communeaccess IN EXCLUSIVE MODE")
        for category in chosen:
            results.append(_category_refresh(category, refreshed_at))
    return RefreshReport(
        categories=results, refreshed_at=refreshed_at, seconds=time.perf_counter() - started
    )


def coverage_follow_centers(sender, *, categories, **kwargs) -> None:
    """Receiver of `centers.signals.centers_changed`: the planners' distances follow the
    directory, category by category."""
    coverage_refresh(categories=categories)


def _category_refresh(category: Category, refreshed_at: datetime.datetime) -> CategoryRefresh:
    CommuneAccess.objects.filter(category=category).delete()
    with connection.cursor() as cursor:
        cursor.execute(
            REFRESH_STATEMENT,
            {
                "category": category.pk,
                "open": Center.Status.OPEN,
                "now": refreshed_at,
                "candidates": NEAREST_CANDIDATES,
            },
        )
    written = CommuneAccess.objects.filter(category=category).aggregate(
        open_centers=Sum("centers_count", default=0),
        communes=Count("pk"),
        communes_beyond_50km=Count(
            "pk", filter=Q(distance_m__gt=FAR_M) | Q(distance_m__isnull=True)
        ),
    )
    return CategoryRefresh(code=category.code, **written)
