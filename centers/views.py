"""The public site: the search for the nearest centers, a center's page, region pages.

Every page works without JavaScript: the server renders the list for the address's
search; the map is an enhancement fed with the same centers. Positions are the public
ones (centers/privacy.py).
"""

import re
from dataclasses import dataclass

from django.contrib.gis.geos import Point
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from planning.indicators import region_summary
from regions.models import Place, Region

from . import hours
from .helplines import helplines_for
from .models import Category, Center
from .search import DEFAULT_STATUSES
from .templatetags.directory import localized

RESULTS = 10
# Coordinates kept in a search's address: 3 decimals of a degree, about 100 m, enough to
# find the nearest centers without recording where someone stands.
COORDINATE_DECIMALS = 3
MAX_PLACE_LENGTH = 100
_PLACE_CODE = re.compile(r"^\d{2}(\.\d{3}(\.\d{2}\.\d{1,2})?)?$")


@dataclass
class Origin:
    """Where a search starts: a point, and how to name it to the person searching."""

    point: Point
    label: str


def home(request):
    categories = list(Category.objects.all())
    chosen = _chosen_categories(request, categories)
    origin, problem = _origin(request)
    centers = []
    if origin is not None:
        centers = list(
            _public_centers()
            .filter(category__in=chosen or categories)
            .nearest(origin.point, RESULTS)
        )
    shown = {*chosen, *(center.category for center in centers)}
    context = {
        "categories": categories,
        "chosen": chosen,
        "origin": origin,
        "problem": problem,
        "centers": centers,
        "place": request.GET.get("place", ""),
        "map_data": _map_data(centers),
        "helplines": helplines_for(shown),
        # A search that asked for, or found, a sensitive category leaves no trace.
        "sensitive": bool(request.GET) and any(category.sensitive for category in shown),
    }
    return _public_page(request, "centers/home.html", context)


def center_detail(request, slug):
    center = get_object_or_404(
        Center.objects.published()
        .select_related("category", "commune", "province", "region")
        .prefetch_related("services", "accessibility"),
        slug=slug,
    )
    now = timezone.localtime()
    today = hours.DAYS[now.weekday()]
    context = {
        "center": center,
        "open_now": hours.is_open_at(center.opening_hours, now),
        "week": [
            (hours.DAY_NAMES[day], center.opening_hours.get(day, []), day == today)
            for day in hours.DAYS
        ],
        "map_data": _map_data([center]),
        "page_url": request.build_absolute_uri(),
        "helplines": helplines_for([center.category]),
        "sensitive": center.category.sensitive,
    }
    return _public_page(request, "centers/center_detail.html", context)


def region_list(request):
    regions = list(Region.objects.without_boundaries())
    categories = list(Category.objects.all())
    counts = {
        (row["region_id"], row["category_id"]): row["count"]
        for row in Center.objects.published()
        .filter(status__in=DEFAULT_STATUSES)
        .values("region_id", "category_id")
        .annotate(count=Count("id"))
    }
    rows = [
        (region, [counts.get((region.id, category.id), 0) for category in categories])
        for region in regions
    ]
    return render(
        request,
        "regions/region_list.html",
        {"rows": rows, "categories": categories},
    )


def region_detail(request, code):
    region = get_object_or_404(Region.objects.without_boundaries(), code=code)
    provinces = region.provinces.without_boundaries().annotate(
        center_count=Count(
            "centers", filter=Q(centers__archived=False, centers__status__in=DEFAULT_STATUSES)
        )
    )
    centers = list(
        _public_centers().in_region(region).order_by("province__name_fr", "name_fr", "name_ar")
    )
    context = {
        "region": region,
        "summary": region_summary(region),
        "provinces": provinces,
        "centers": centers,
        "map_data": _map_data(centers),
        "helplines": helplines_for({center.category for center in centers}),
    }
    return render(request, "regions/region_detail.html", context)


def _public_page(request, template: str, context: dict):
    """A page of the public site; one about a sensitive category is never stored by the
    browser or a cache on the way, and its address leaves the history once shown."""
    response = render(request, template, context)
    if context["sensitive"]:
        add_never_cache_headers(response)
    return response


def _public_centers():
    return (
        Center.objects.published()
        .filter(status__in=DEFAULT_STATUSES)
        .select_related("category", "commune")
    )


def _chosen_categories(request, categories) -> list[Category]:
    codes = {code for value in request.GET.getlist("category") for code in value.split(",")}
    return [category for category in categories if category.code in codes]


def _origin(request) -> tuple[Origin | None, str]:
    """The search's starting point, from lat/lon or a place; or why there is none."""
    lat, lon = request.GET.get("lat"), request.GET.get("lon")
    if lat or lon:
        try:
            latitude, longitude = float(lat), float(lon)
        except (TypeError, ValueError):
            return None, _("The position in the address is not valid.")
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            return None, _("The position in the address is not valid.")
        return Origin(Point(longitude, latitude, srid=4326), _("your position")), ""
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
    if found is None or found.reference_point is None:
        return None, _("No place of that name was found in Morocco.")
    return Origin(found.reference_point, localized(found, "name")), ""


def _map_data(centers) -> dict:
    """The centers for the map, as GeoJSON [longitude, latitude] of public positions."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": center.pk,
                "geometry": {
                    "type": "Point",
                    "coordinates": [
                        round(center.public_location.x, 6),
                        round(center.public_location.y, 6),
                    ],
                },
                "properties": {
                    "name": localized(center, "name"),
                    "slug": center.slug,
                    "category": center.category.code,
                    "color": center.category.color,
                },
            }
            for center in centers
        ],
    }
