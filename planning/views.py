"""Coverage of the territory for staff: the page with its map and table, the CSV export
and the map's GeoJSON (the public API is in planning/api.py)."""

import csv
from urllib.parse import urlencode

from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from centers.models import Category
from geo_directory.languages import in_language, localized

from .forms import MAP_INDICATORS, CoverageForm
from .indicators import (
    INDICATORS,
    Level,
    coverage_by_area,
    directory_holdings,
    national_coverage,
    national_records,
    no_records,
    records_by_area,
)

GEOJSON_CONTENT_TYPE = "application/geo+json"

# Figures of the staff table and of its CSV export, in their order; shares in per cent.
TABLE_FIGURES = [
    "population",
    "centers_count",
    "centers_per_100k",
    "mean_distance_km",
    "percent_beyond_20km",
    "percent_beyond_50km",
    "population_beyond_50km",
]
# What the records of the category say of themselves (indicators.RECORD_FIGURES), in the
# table and the CSV; the share verified in per cent.
RECORD_COLUMNS = [
    "records_count",
    "mean_completeness",
    "percent_verified_recently",
    "never_verified_count",
    "oldest_verified_on",
]
# What the CSV adds at commune level.
COMMUNE_COLUMNS = ["nearest_center_slug", "nearest_center_name_ar", "nearest_center_name_fr"]


@staff_member_required
def coverage_page(request):
    """The staff coverage page: a choropleth map, the sortable table beside it, the
    national figures and what the directory holds against the national totals known."""
    form = CoverageForm(request.GET.dict())
    holdings = [_localized_holding(item) for item in directory_holdings()]
    if not form.is_valid():
        context = {"form": form, "holdings": holdings}
        return render(request, "planning/coverage.html", context, status=400)
    category, level, indicator = _chosen(form)
    national = national_coverage(category)
    return render(
        request,
        "planning/coverage.html",
        {
            "form": form,
            "holdings": holdings,
            "holding": next(item for item in holdings if item["code"] == category.code),
            "category_name": localized(category, "name"),
            "level": level,
            "is_commune_level": level == Level.COMMUNE,
            "national": _for_display({**national, **national_records(category)}),
            "refreshed_at": national["refreshed_at"],
            "rows": _table_rows(level, category),
            "csv_url": _with_query("planning:coverage-csv", category, level),
            "indicator_label": MAP_INDICATORS[indicator]["label"],
            "map_config": {
                "geojsonUrl": _with_query("planning:coverage-geojson", category, level),
                "indicator": indicator,
                **MAP_INDICATORS[indicator],
                "texts": {
                    "loading": _("Loading the map…"),
                    "failed": _("The map could not be loaded; the table has the same figures."),
                    "noFigure": _("No figure"),
                    "km": _("km"),
                },
            },
        },
    )


@staff_member_required
def coverage_csv(request):
    """The staff table as CSV, in the same order, with names in the three languages."""
    form = CoverageForm(request.GET.dict())
    if not form.is_valid():
        return HttpResponse(form.errors.as_text(), status=400, content_type="text/plain")
    category, level, _indicator = _chosen(form)
    names = ["code", "name_ar", "name_fr", "name_en"]
    extra = ["province_code", *COMMUNE_COLUMNS] if level == Level.COMMUNE else []
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="coverage-{category.code}-{level}.csv"'
    # A byte order mark, so that spreadsheets read the Arabic names as UTF-8.
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([*names, *TABLE_FIGURES, *RECORD_COLUMNS, *extra])
    for row in _table_rows(level, category):
        writer.writerow(
            [
                *(row[key] for key in names),
                *(_csv_number(row[key]) for key in [*TABLE_FIGURES, *RECORD_COLUMNS]),
                *(row[key] or "" for key in extra),
            ]
        )
    return response


@staff_member_required
def coverage_geojson(request):
    """The simplified boundaries of the chosen level's units, each with every indicator
    as a property (RFC 7946), for the staff map."""
    form = CoverageForm(request.GET.dict())
    if not form.is_valid():
        return HttpResponse(form.errors.as_text(), status=400, content_type="text/plain")
    category, level, _indicator = _chosen(form)
    geojson = coverage_by_area(level, category).boundaries_geojson(
        "name_ar", "name_fr", "name_en", *INDICATORS
    )
    response = HttpResponse(geojson, content_type=GEOJSON_CONTENT_TYPE)
    response["Cache-Control"] = "private, no-cache"
    return response


def _localized_holding(item: dict) -> dict:
    """A holding with its `name`, and its national total's `statement` and `source`, in
    the active language."""
    item["name"] = in_language(item, "name")
    if total := item["national_total"]:
        total["statement"] = in_language(total, "statement")
        total["source"] = in_language(total, "source")
    return item


def _chosen(form: CoverageForm) -> tuple[Category, Level, str]:
    data = form.cleaned_data
    return data["category"], Level(data["level"]), data["indicator"]


def _with_query(url_name: str, category: Category, level: Level) -> str:
    return f"{reverse(url_name)}?{urlencode({'category': category.code, 'level': level})}"


def _table_rows(level: Level, category: Category) -> list[dict]:
    """The staff table's rows, the most underserved first, with `name` (and the
    nearest center's `nearest_center_name` at commune level) in the active language."""
    fields = ["code", "name_ar", "name_fr", "name_en", *INDICATORS]
    if level == Level.COMMUNE:
        fields += ["province_code", "province_name_ar", "province_name_fr", *COMMUNE_COLUMNS]
    rows = []
    records = records_by_area(level, category)
    for row in coverage_by_area(level, category).values(*fields):
        row = _for_display({**row, **records.get(row["code"], no_records())})
        row["name"] = in_language(row, "name")
        # The export's English column, which the HCP data lack, holds the French name.
        row["name_en"] = row["name_en"] or row["name_fr"]
        if level == Level.COMMUNE:
            row["province_name"] = in_language(row, "province_name")
            row["nearest_center_name"] = in_language(row, "nearest_center_name")
        rows.append(row)
    return rows


def _for_display(figures: dict) -> dict:
    """The figures with distances in kilometres and shares in per cent."""
    shown = dict(figures)
    distance = figures["mean_distance_m"]
    shown["mean_distance_km"] = None if distance is None else distance / 1000
    for share_name in ("share_beyond_20km", "share_beyond_50km", "share_verified_recently"):
        share = figures[share_name]
        shown[share_name.replace("share_", "percent_")] = None if share is None else share * 100
    return shown


def _csv_number(value) -> str | int | float:
    if value is None:
        return ""
    return round(value, 3) if isinstance(value, float) else value
