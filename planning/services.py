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

from centers import selectors
from centers.models import Category, Center
from geo_directory.sql import column, table
from regions.models import Commune

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
def _refresh_statement() -> str:
    """The statement, with the names of tables and columns read from the models and the
    rule of which centers count (`centers.selectors.OPEN_CENTER`) as named parameters."""
    center, commune, access = Center, Commune, CommuneAccess
    position = f"c.{column(center, 'public_location')}"
    reference = f"m.{column(commune, 'reference_point')}::geography"
    counted = " AND ".join(
        [f"c.{column(center, 'category')} = %(category)s"]
        + [f"c.{column(center, name)} = %(open_{name})s" for name in selectors.OPEN_CENTER]
    )
    written = ", ".join(
        column(access, name)
        for name in [
            "commune",
            "category",
            "nearest_center",
            "distance_m",
            "centers_count",
            "refreshed_at",
        ]
    )
    return f"""
INSERT INTO {table(access)} ({written})
SELECT m.id, %(category)s, nearest.id, nearest.distance_m,
       coalesce(inside.centers_count, 0), %(now)s
  FROM {table(commune)} m
  LEFT JOIN LATERAL (
        SELECT candidate.id, candidate.distance_m
          FROM (SELECT c.id, ST_Distance({position}, {reference}) AS distance_m
                  FROM {table(center)} c
                 WHERE {counted} AND {reference} IS NOT NULL
                 ORDER BY {position} <-> {reference}
                 LIMIT %(candidates)s) AS candidate
         ORDER BY candidate.distance_m, candidate.id
         LIMIT 1
       ) AS nearest ON TRUE
  LEFT JOIN (
        SELECT c.{column(center, "commune")} AS commune_id, count(*) AS centers_count
          FROM {table(center)} c
         WHERE {counted}
         GROUP BY c.{column(center, "commune")}
       ) AS inside ON inside.commune_id = m.id
"""


REFRESH_STATEMENT = _refresh_statement()
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


def refresh_parameters(category: Category, refreshed_at) -> dict:
    """The values REFRESH_STATEMENT binds for one category."""
    return {
        "category": category.pk,
        **{f"open_{name}": value for name, value in selectors.OPEN_CENTER.items()},
        "now": refreshed_at,
        "candidates": NEAREST_CANDIDATES,
    }


def _category_refresh(category: Category, refreshed_at: datetime.datetime) -> CategoryRefresh:
    CommuneAccess.objects.filter(category=category).delete()
    with connection.cursor() as cursor:
        cursor.execute(REFRESH_STATEMENT, refresh_parameters(category, refreshed_at))
    written = CommuneAccess.objects.filter(category=category).aggregate(
        open_centers=Sum("centers_count", default=0),
        communes=Count("pk"),
        communes_beyond_50km=Count(
            "pk", filter=Q(distance_m__gt=FAR_M) | Q(distance_m__isnull=True)
        ),
    )
    return CategoryRefresh(code=category.code, **written)
