"""The query parameters of `GET /api/v1/centers/`, read and checked (centers/search.py
turns them into SQL). Every refusal names its parameter (a 400 problem document)."""

from django.core.cache import cache
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from regions.models import Commune, Province, Region

from .models import AccessibilityFeature, Category, Center, Service

MAX_RADIUS_KM = 500
DEFAULT_LIMIT = 20
MAX_LIMIT = 100
MAX_OFFSET = 10_000
# Codes change rarely (taxonomy edits, administrative reloads): they are looked up once a
# minute per process rather than on every request.
CODES_CACHE_SECONDS = 60


def code_ids(model) -> dict[str, int]:
    """{code: id} of a taxonomy or administrative level, cached."""
    key = f"codes:{model._meta.label_lower}"
    ids = cache.get(key)
    if ids is None:
        ids = dict(model.objects.values_list("code", "id"))
        cache.set(key, ids, CODES_CACHE_SECONDS)
    return ids


class CodeListField(serializers.CharField):
    """Comma-separated official codes; returns their ids. An unknown code is refused."""

    def __init__(self, model, **kwargs):
        self.model = model
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        text = super().to_internal_value(data)
        codes = [code.strip() for code in text.split(",") if code.strip()]
        known = code_ids(self.model)
        unknown = [code for code in codes if code not in known]
        if unknown:
            raise serializers.ValidationError(
                _("Unknown code(s): %(codes)s.") % {"codes": ", ".join(unknown)}
            )
        return [known[code] for code in codes]


class StatusListField(serializers.CharField):
    def to_internal_value(self, data):
        statuses = [s.strip() for s in super().to_internal_value(data).split(",") if s.strip()]
        unknown = [s for s in statuses if s not in Center.Status.values]
        if unknown:
            raise serializers.ValidationError(
                _("Unknown status: %(statuses)s. Use %(allowed)s.")
                % {"statuses": ", ".join(unknown), "allowed": ", ".join(Center.Status.values)}
            )
        return statuses


class BoundingBoxField(serializers.CharField):
    def to_internal_value(self, data):
        parts = super().to_internal_value(data).split(",")
        try:
            min_lon, min_lat, max_lon, max_lat = (float(part) for part in parts)
        except ValueError:
            raise serializers.ValidationError(
                _("Give four numbers: min_lon,min_lat,max_lon,max_lat.")
            ) from None
        values = (min_lon, min_lat, max_lon, max_lat)
        if any(value != value or abs(value) == float("inf") for value in values):
            raise serializers.ValidationError(_("The corners must be finite numbers."))
        if not (-180 <= min_lon <= 180 and -180 <= max_lon <= 180):
            raise serializers.ValidationError(_("Longitudes lie between -180 and 180."))
        if not (-90 <= min_lat <= 90 and -90 <= max_lat <= 90):
            raise serializers.ValidationError(_("Latitudes lie between -90 and 90."))
        if min_lon >= max_lon or min_lat >= max_lat:
            raise serializers.ValidationError(
                _("The box is inverted or empty: the minimum must be below the maximum.")
            )
        return values


class CenterSearchParameters(serializers.Serializer):
    lat = serializers.FloatField(
        required=False,
        min_value=-90,
        max_value=90,
        help_text="Latitude of the searcher, in decimal degrees (WGS84). With `lon`: "
        "results come nearest first, each with `distance_m`.",
    )
    lon = serializers.FloatField(
        required=False,
        min_value=-180,
        max_value=180,
        help_text="Longitude of the searcher, in decimal degrees (WGS84).",
    )
    radius_km = serializers.FloatField(
        required=False,
        max_value=MAX_RADIUS_KM,
        help_text="Only centers within this distance of lat/lon, in kilometres "
        "(more than 0, at most 500). When none is within it, the nearest beyond are "
        "returned, flagged `beyond_radius`.",
    )
    limit = serializers.IntegerField(
        required=False,
        default=DEFAULT_LIMIT,
        min_value=1,
        max_value=MAX_LIMIT,
        help_text="Number of results per page (1-100, default 20).",
    )
    offset = serializers.IntegerField(
        required=False,
        default=0,
        min_value=0,
        max_value=MAX_OFFSET,
        help_text="Number of results to skip (pagination; `next` gives the next page).",
    )
    category = CodeListField(
        Category, required=False, help_text="Category codes, comma-separated (any of them)."
    )
    service = CodeListField(
        Service, required=False, help_text="Service codes, comma-separated (any of them)."
    )
    accessibility = CodeListField(
        AccessibilityFeature,
        required=False,
        help_text="Accessibility feature codes, comma-separated (all of them).",
    )
    status = StatusListField(
        required=False,
        help_text="Statuses, comma-separated: open, temporarily_closed, planned, closed "
        "(default: open,temporarily_closed).",
    )
    region = CodeListField(Region, required=False, help_text="Official region codes.")
    province = CodeListField(Province, required=False, help_text="Official province codes.")
    commune = CodeListField(Commune, required=False, help_text="Official commune codes.")
    bbox = BoundingBoxField(
        required=False,
        help_text="Bounding box min_lon,min_lat,max_lon,max_lat in decimal degrees (WGS84).",
    )
    q = serializers.CharField(
        required=False,
        min_length=2,
        max_length=100,
        help_text="Words of a name, address, commune or managing organisation, in Arabic "
        "or French (accents, Arabic spelling variants and small typos do not matter).",
    )
    modified_since = serializers.DateTimeField(
        required=False,
        help_text="ISO 8601 date-time: every record changed since, archived ones "
        "included (`archived: true`), oldest change first, to keep a copy in sync.",
    )

    def validate_radius_km(self, value):
        if value <= 0:
            raise serializers.ValidationError(_("The radius must be more than 0 km."))
        return value

    def validate(self, attrs):
        has_lat, has_lon = "lat" in attrs, "lon" in attrs
        if has_lat != has_lon:
            missing = "lon" if has_lat else "lat"
            raise serializers.ValidationError({missing: [_("Give both lat and lon, or neither.")]})
        if "radius_km" in attrs and not has_lat:
            raise serializers.ValidationError({"radius_km": [_("A radius needs lat and lon.")]})
        return attrs


# One bound instance parses every request: binding a serializer copies all its fields,
# which costs more than the rest of a nearest-first search. Parsing keeps no state on it.
_PARSER = CenterSearchParameters()


def parse_search_parameters(query_params) -> dict:
    """The checked parameters, or a ValidationError naming each refused one."""
    return _PARSER.run_validation(query_params)
