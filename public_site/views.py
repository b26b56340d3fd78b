"""The public site: the search for the nearest centers, a center's page, region pages.

Every page works without JavaScript: the server renders the list for the address's
search; the map is an enhancement fed with the same centers, as GeoJSON features of the
public shape (centers/public_shape.py). What a page shows of centers is read by
centers/selectors.py, as the API's answers are. Positions are the public ones
(centers/privacy.py).
"""

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from django.contrib.gis.geos import Point
from django.contrib.staticfiles import finders
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.formats import get_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from centers import hours, selectors
from centers.completeness import completeness_of
from centers.helplines import helplines_for
from centers.models import Category, Center
from centers.public_shape import feature_from_item
from geo_directory import parameters
from geo_directory.languages import DIRECTIONS, Text, language_order, localized, page_language
from planning.indicators import region_summary
from regions.models import Commune, Place, Region

from . import web_app

RESULTS = 10
# Beyond this, the nearest center is far: the page asks who knows one nearer.
NEAR_METRES = 30_000
# Coordinates kept in a search's address: 3 decimals of a degree, about 100 m, enough to
# find the nearest centers without recording where someone stands.
COORDINATE_DECIMALS = 3
MAX_PLACE_LENGTH = 100
_PLACE_CODE = re.compile(r"^\d{2}(\.\d{3}(\.\d{2}\.\d{1,2})?)?$")


@dataclass
class Origin:
    """Where a search starts: a point, how to name it to the person searching, and which
    place distances are measured from."""

    point: Point
    label: Text
    measured_from: str


@dataclass
class CenterCard:
    """A listed center as a page shows it: its public list item and its category."""

    item: dict
    category: Category

    @property
    def status_label(self) -> str:
        return Center.Status(self.item["status"]).label

    @property
    def approximate(self) -> bool:
        return self.item["location_precision"] == Center.Precision.COMMUNE

    @property
    def latitude(self) -> str:
        return f"{self.item['location']['coordinates'][1]:.6f}"

    @property
    def longitude(self) -> str:
        return f"{self.item['location']['coordinates'][0]:.6f}"


def home(request):
    categories = list(Category.objects.all())
    chosen = _chosen_categories(request, categories)
    origin, problem = _origin(request)
    items = []
    if origin is not None:
        search = selectors.CenterSearch(
            {
                "lat": origin.point.y,
                "lon": origin.point.x,
                "category": [category.pk for category in chosen or categories],
                "limit": RESULTS,
            }
        )
        items = search.items()
    cards = _cards(items, categories)
    nothing_near = None
    if origin is not None and (not items or items[0]["distance_m"] > NEAR_METRES):
        # Where the search started, at commune level: who may know a center there.
        nothing_near = (
            Commune.objects.without_boundaries().select_related("province__region").at(origin.point)
        )
    shown = {*chosen, *(card.category for card in cards)}
    context = {
        "categories": categories,
        "chosen": chosen,
        "origin": origin,
        "problem": problem,
        "centers": cards,
        "nothing_near": nothing_near,
        "place": request.GET.get("place", ""),
        "one_category": len(chosen) == 1,
        "search_kind": ", ".join(localized(category, "name") for category in chosen)
        or _("Any kind of help"),
        "map_data": _map_data(items),
        "map_legend": _map_legend(categories),
        "helplines": helplines_for(shown),
        # A search that asked for, or found, a sensitive category leaves no trace.
        "sensitive": bool(request.GET) and any(category.sensitive for category in shown),
    }
    return _public_page(request, "public_site/home.html", context)


def center_detail(request, slug):
    center = get_object_or_404(selectors.published_with_details(), slug=slug)
    now = timezone.localtime()
    today = hours.DAYS[now.weekday()]
    context = {
        "center": center,
        "completeness": completeness_of(center),
        "open_now": hours.is_open_at(center.opening_hours, now),
        "week": [
            (hours.DAY_NAMES[day], center.opening_hours.get(day, []), day == today)
            for day in hours.DAYS
        ],
        "map_data": _map_data(selectors.public_items_of([center.pk])),
        "map_legend": _map_legend([center.category]),
        "page_url": request.build_absolute_uri(),
        "helplines": helplines_for([center.category]),
        "sensitive": center.category.sensitive,
    }
    return _public_page(request, "public_site/center_detail.html", context)


def region_list(request):
    regions = list(Region.objects.without_boundaries())
    categories = list(Category.objects.all())
    counts = selectors.listed_counts_by_region()
    rows = [
        (region, [counts.get((region.id, category.id), 0) for category in categories])
        for region in regions
    ]
    return render(
        request,
        "public_site/region_list.html",
        {"rows": rows, "categories": categories},
    )


def region_detail(request, code):
    region = get_object_or_404(Region.objects.without_boundaries(), code=code)
    categories = list(Category.objects.all())
    items = selectors.CenterSearch({"region": [region.pk], "limit": None}).items()
    cards = _cards(items, categories)
    context = {
        "region": region,
        "summary": region_summary(region),
        "provinces": selectors.provinces_with_listed_counts(region),
        "centers": cards,
        "map_data": _map_data(items),
        "map_legend": _map_legend(categories),
        "helplines": helplines_for({card.category for card in cards}),
    }
    return render(request, "public_site/region_detail.html", context)


@require_safe
def favicon(request):
    """/favicon.ico, which browsers ask for by themselves (pages name their icons)."""
    response = HttpResponse(_favicon(), content_type="image/vnd.microsoft.icon")
    patch_cache_control(response, public=True, max_age=24 * 3600)
    return response


@functools.cache
def _favicon() -> bytes:
    return Path(finders.find(web_app.FAVICON)).read_bytes()


@require_safe
def web_app_manifest(request):
    """The manifest of the site as an installable app, in the address's language."""
    response = JsonResponse(
        web_app.manifest(),
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )
    patch_cache_control(response, public=True, max_age=24 * 3600)
    return response


@require_safe
def service_worker(request):
    """The service worker, at the site's root so that its scope is the whole site. The
    browser checks it for a new version as pages are opened: it is never stored without
    asking again (the ETag makes the answer short when it has not changed)."""
    response = HttpResponse(
        web_app.service_worker_script(), content_type="text/javascript; charset=utf-8"
    )
    response["Service-Worker-Allowed"] = get_script_prefix()
    patch_cache_control(response, no_cache=True, max_age=0)
    return response


def _public_page(request, template: str, context: dict):
    """A page of the public site; one about a sensitive category is never stored by the
    browser or a cache on the way, and its address leaves the history once shown. Any
    other the service worker may keep for offline use: it carries the note that says,
    shown from there, when it was saved."""
    context["may_be_kept"] = not context["sensitive"]
    response = render(request, template, context)
    if context["sensitive"]:
        add_never_cache_headers(response)
    return response


def _cards(items: list[dict], categories: list[Category]) -> list[CenterCard]:
    by_code = {category.code: category for category in categories}
    return [CenterCard(item, by_code[item["category"]]) for item in items]


def _map_data(items: list[dict]) -> dict:
    """The centers for the map: the API's GeoJSON features of the same centers."""
    return {"type": "FeatureCollection", "features": [feature_from_item(i) for i in items]}


def _map_legend(categories) -> dict:
    """What the map needs beside the features: the colour of each category's markers;
    the languages a center's name is read in, in order, with their directions, and the
    page's own; and how the page's language writes a distance (Django's formats)."""
    return {
        "colors": {category.code: category.color for category in categories},
        "languages": language_order(),
        "directions": DIRECTIONS,
        "numbers": {
            "decimal": get_format("DECIMAL_SEPARATOR"),
            "thousands": get_format("THOUSAND_SEPARATOR"),
            "grouping": get_format("NUMBER_GROUPING"),
        },
        "distance": _("%(km)s km"),
        "center_url": reverse("center-detail", args=["SLUG"]),
    }


def _chosen_categories(request, categories) -> list[Category]:
    codes = {code for value in request.GET.getlist("category") for code in value.split(",")}
    return [category for category in categories if category.code in codes]


def _origin(request) -> tuple[Origin | None, str]:
    """The search's starting point, from lat/lon or a place; or why there is none."""
    lat, lon = request.GET.get("lat"), request.GET.get("lon")
    if lat or lon:
        try:
            point = Point(parameters.longitude(lon), parameters.latitude(lat), srid=4326)
        except parameters.ParameterError as error:
            return None, _("The position in the address is not valid: %(why)s") % {
                "why": error.message
            }
        here = _("your position")
        return Origin(point, Text(here, page_language()), here), ""
    place = request.GET.get("place", "").strip()
    if not place:
        return None, ""
    if "\x00" in place or len(place) > MAX_PLACE_LENGTH:
        return None, _("No place of that name was found in Morocco.")
    if _PLACE_CODE.match(place):
        found = Place.objects.filter(code=place).first()
    elif len(place) >= 2:
        found = Place.objects.search(place).first()
    else:
        found = None
    if found is None or found.origin is None:
        return None, _("No place of that name was found in Morocco.")
    return Origin(found.origin, found.label_text, found.measured_from), ""
