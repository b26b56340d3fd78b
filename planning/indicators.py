"""Coverage indicators, computed by the database from the stored distances
(planning.CommuneAccess, written by `coverage_refresh`).

For a region, a province, a commune or the whole country, and one category of center:

- `population`: 2024 census population (the sum of its communes');
- `centers_count`: open, not archived centers of the category in it;
- `centers_per_100k`: those centers per 100,000 inhabitants;
- `mean_distance_m`: metres from the communes' reference points to the nearest open
  center, averaged with the communes' populations as weights; at commune level, the
  commune's own distance; null when the category has no open center at all;
- `population_beyond_20km`, `population_beyond_50km`: people in communes whose nearest
  open center is further than 20 (50) km, or that have none;
- `share_beyond_20km`, `share_beyond_50km`: the same as a share of the population,
  from 0 to 1.

Everything but `population` is null for a category whose coverage was never computed.
Distances go to the centers' public positions and count listed centers only: the
national totals known (`directory_holdings`) say how far the directory is from complete.

Beside them, what the directory's records of the category in each area say of
themselves, read from the centers (`records_by_area`, `national_records`): the
RECORD_FIGURES.
"""

from typing import Any

from django.db import models
from django.db.models import (
    Avg,
    Case,
    Count,
    F,
    FilteredRelation,
    FloatField,
    Max,
    Min,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, NullIf
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from centers import selectors
from centers.completeness import CompletenessPercent
from centers.models import Category, Center, verification_cutoff
from regions.models import Commune, Province, Region

NEAR_M = 20_000
FAR_M = 50_000

INDICATORS = [
    "population",
    "centers_count",
    "centers_per_100k",
    "mean_distance_m",
    "population_beyond_20km",
    "population_beyond_50km",
    "share_beyond_20km",
    "share_beyond_50km",
]


# Of the published (not archived) centers of the category, whatever their status:
RECORD_FIGURES = [
    "records_count",
    # their mean completeness in per cent (centers/completeness.py); None without records
    "mean_completeness",
    # the share verified in the last 12 months, from 0 to 1; None without records
    "share_verified_recently",
    # how many were never verified, and the oldest verification of the others
    "never_verified_count",
    "oldest_verified_on",
]


class Level(models.TextChoices):
    REGION = "region", gettext_lazy("region")
    PROVINCE = "province", gettext_lazy("province or prefecture")
    COMMUNE = "commune", gettext_lazy("commune")


# Each level's units, and the path from a unit to its communes.
_UNITS = {
    Level.REGION: (Region, "provinces__communes__"),
    Level.PROVINCE: (Province, "communes__"),
    Level.COMMUNE: (Commune, ""),
}
LANGUAGES = ("ar", "fr", "en")


def coverage_by_area(level: Level | str, category: Category) -> QuerySet:
    """The regions, provinces or communes, each annotated with the INDICATORS for the
    category; the most underserved first (most people beyond 50 km, then the farthest).

    Communes also carry `distance_m` (to the nearest open center), the nearest center's
    `nearest_center_slug`, `nearest_center_name_ar` and `nearest_center_name_fr`, and
    their province's `province_code`, `province_name_ar` and `province_name_fr`.
    """
    model, communes = _UNITS[Level(level)]
    areas = (
        model.objects.without_boundaries()
        .annotate(category_access=_access_of(category, communes))
        .annotate(**_indicators(communes))
    )
    if level == Level.COMMUNE:
        # One access row per commune: Min picks its value.
        areas = areas.annotate(
            distance_m=Min("category_access__distance_m"),
            nearest_center_slug=Min("category_access__nearest_center__slug"),
            nearest_center_name_ar=Min("category_access__nearest_center__name_ar"),
            nearest_center_name_fr=Min("category_access__nearest_center__name_fr"),
            province_code=F("province__code"),
            province_name_ar=F("province__name_ar"),
            province_name_fr=F("province__name_fr"),
        )
    return areas.order_by(
        F("population_beyond_50km").desc(nulls_last=True),
        F("mean_distance_m").desc(nulls_first=True),
        "code",
    )


def national_coverage(category: Category) -> dict[str, Any]:
    """The INDICATORS for the whole country, and `refreshed_at`, when the category's
    coverage was computed (None if never)."""
    return Commune.objects.annotate(category_access=_access_of(category, "")).aggregate(
        **_indicators(""), refreshed_at=Max("category_access__refreshed_at")
    )


def records_by_area(level: Level | str, category: Category) -> dict[str, dict[str, Any]]:
    """The RECORD_FIGURES of each region, province or commune that holds published
    centers of the category, by the area's code."""
    key = f"{Level(level).value}__code"
    rows = _published_records(category).values(area_code=F(key)).annotate(**_record_figures())
    return {row.pop("area_code"): row for row in rows}


def national_records(category: Category) -> dict[str, Any]:
    """The RECORD_FIGURES of the whole country."""
    return _published_records(category).aggregate(**_record_figures())


def no_records() -> dict[str, Any]:
    """The RECORD_FIGURES of an area without published centers of the category."""
    return {**dict.fromkeys(RECORD_FIGURES), "records_count": 0, "never_verified_count": 0}


def _published_records(category: Category) -> QuerySet:
    # Meta.ordering does not apply to a query with GROUP BY.
    return Center.objects.published().filter(category=category).order_by()


def _record_figures() -> dict[str, Any]:
    recent = Q(last_verified_on__gte=verification_cutoff())
    return {
        "records_count": Count("id"),
        "mean_completeness": Avg(CompletenessPercent()),
        "share_verified_recently": Cast(Count("id", filter=recent), FloatField())
        / NullIf(Count("id"), 0),
        "never_verified_count": Count("id", filter=Q(last_verified_on__isnull=True)),
        "oldest_verified_on": Min("last_verified_on"),
    }


def directory_holdings(categories: QuerySet | None = None) -> list[dict[str, Any]]:
    """For each category, how many open centers the directory lists against the number
    known nationally, with a sentence saying so in the active language:

        {
            "code": "disability", "name_ar": …, "name_fr": …, "name_en": …,
            "listed": 10,                 # open, not archived centers in the directory
            "national_total": {           # None when no total is known
                "count": 86, "as_of": "2024-07",
                "statement_ar": …, "statement_fr": …, "statement_en": …,
                "source_ar": …, "source_fr": …, "source_en": …,
            },
            "note": "The directory holds 10 of the 86 known nationally …",
        }
    """
    return [holding(category) for category in categories_with_holdings(categories)]


def categories_with_holdings(categories: QuerySet | None = None) -> QuerySet:
    """The categories with `listed`, their open centers in the directory, and their
    national total, for `holding`."""
    categories = Category.objects.all() if categories is None else categories
    # Meta.ordering does not apply to a query with GROUP BY.
    return (
        categories.select_related("national_total")
        .annotate(listed=Count("centers", filter=_open_centers()))
        .order_by("position", "code")
    )


def holding(category: Category) -> dict[str, Any]:
    """One item of `directory_holdings`, for a category of `categories_with_holdings`."""
    names = {f"name_{language}": getattr(category, f"name_{language}") for language in LANGUAGES}
    total = getattr(category, "national_total", None)
    national_total = None
    if total is None:
        note = _(
            "The directory holds %(listed)s open centers of this category; no national "
            "total is known. Distances are measured to listed centers only."
        ) % {"listed": category.listed}
    else:
        national_total = {
            "count": total.count,
            "as_of": total.as_of,
            **{
                f"statement_{language}": getattr(total, f"statement_{language}")
                for language in LANGUAGES
            },
            **{
                f"source_{language}": getattr(total, f"source_{language}") for language in LANGUAGES
            },
        }
        note = _(
            "The directory holds %(listed)s of the %(total)s known nationally: distances are "
            "measured to listed centers only, so a gap in these figures may be a gap in the "
            "directory, not in service."
        ) % {"listed": category.listed, "total": total.count}
    return {
        "code": category.code,
        **names,
        "listed": category.listed,
        "national_total": national_total,
        "note": note,
    }


def region_summary(region: Region) -> list[dict[str, Any]]:
    """What the directory holds in a region, per category, for the public region page
    (figures read from the centers themselves, not from the last coverage refresh).

    One dict per category, in the categories' order; the keys of `directory_holdings`
    and:

        "centers_count": 3,          # open, not archived centers in the region
        "centers_per_100k": 0.058,   # per 100,000 inhabitants (2024 census); None
                                     # when the region's population is unknown

    For instance (figures for illustration):

        [{"code": "disability", "name_ar": "…", "name_fr": "Centres d'orientation…",
          "name_en": "Orientation and assistance centers…", "centers_count": 3,
          "centers_per_100k": 0.058, "listed": 10,
          "national_total": {"count": 86, "as_of": "2024-07", "statement_fr": "…", …},
          "note": "The directory holds 10 of the 86 known nationally …"}, …]
    """
    in_region = Q(centers__region=region) & _open_centers()
    categories = categories_with_holdings().annotate(
        centers_count=Count("centers", filter=in_region)
    )
    population = region.population_2024
    return [
        {
            **holding(category),
            "centers_count": category.centers_count,
            "centers_per_100k": category.centers_count * 100_000 / population
            if population
            else None,
        }
        for category in categories
    ]


def _access_of(category: Category, communes: str) -> FilteredRelation:
    """The communes' access rows for one category only (at most one per commune)."""
    return FilteredRelation(
        f"{communes}access", condition=Q(**{f"{communes}access__category": category})
    )


def _indicators(communes: str) -> dict[str, Any]:
    """The INDICATORS as aggregates over the communes at the path `communes`, joined to
    their access rows as `category_access`."""
    population = F(f"{communes}population_2024")
    computed = Q(category_access__refreshed_at__isnull=False)
    reached = Q(category_access__distance_m__isnull=False)
    computed_population = NullIf(Sum(population, filter=computed), 0)
    centers = Sum("category_access__centers_count")

    def beyond(metres: int):
        far = Q(category_access__distance_m__gt=metres) | Q(category_access__distance_m=None)
        return Sum(Case(When(far, then=population), default=Value(0)), filter=computed)

    return {
        "population": Sum(population),
        "centers_count": centers,
        "centers_per_100k": Cast(centers, FloatField()) * 100_000 / computed_population,
        "mean_distance_m": Sum(population * F("category_access__distance_m"), filter=reached)
        / NullIf(Sum(population, filter=reached), 0),
        "population_beyond_20km": beyond(NEAR_M),
        "population_beyond_50km": beyond(FAR_M),
        "share_beyond_20km": Cast(beyond(NEAR_M), FloatField()) / computed_population,
        "share_beyond_50km": Cast(beyond(FAR_M), FloatField()) / computed_population,
    }


def _open_centers() -> Q:
    return Q(**{f"centers__{name}": value for name, value in selectors.OPEN_CENTER.items()})
