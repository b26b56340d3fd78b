"""The query parameters of `GET /api/v1/centers/`, read and checked by the parameter
layer (geo_directory/parameters.py); centers/selectors.py turns them into SQL. Every
refusal names its parameter (a 400 problem document)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from geo_directory.parameters import (
    BoundingBoxField,
    ChoiceListField,
    CodeListField,
    LatitudeField,
    LongitudeField,
    WholeNumberField,
)
from regions.models import Commune, Province, Region

from .changes import SyncCursorField
from .models import AccessibilityFeature, Category, Center, Service

MAX_RADIUS_KM = 500
DEFAULT_LIMIT = 20
MAX_LIMIT = 100
MAX_OFFSET = 10_000
# Every status, as a request may say in one word.
ALL_STATUSES = "all"


class StatusListField(ChoiceListField):
    def __init__(self, **kwargs):
        super().__init__(Center.Status.values, **kwargs)

    def read(self, data):
        if str(data).strip() == ALL_STATUSES:
            return list(self.choices)
        return super().read(data)


class CenterSearchParameters(serializers.Serializer):
    lat = LatitudeField(
        required=False,
        help_text="Latitude of the searcher, in decimal degrees (WGS84). With `lon`: "
        "results come nearest first, each with `distance_m`.",
    )
    lon = LongitudeField(
        required=False,
        help_text="Longitude of the searcher, in decimal degrees (WGS84).",
    )
    radius_km = serializers.FloatField(
        required=False,
        max_value=MAX_RADIUS_KM,
        help_text="Only centers within this distance of lat/lon, in kilometres "
        "(more than 0, at most 500). When none is within it, the nearest beyond are "
        "returned, flagged `beyond_radius`.",
    )
    limit = WholeNumberField(
        minimum=1,
        maximum=MAX_LIMIT,
        required=False,
        help_text="Number of results per page (1-100). JSON comes in pages, of 20 by "
        "default; GeoJSON and CSV without `limit` are the whole export: every matching "
        "center in one streamed response.",
    )
    offset = WholeNumberField(
        minimum=0,
        maximum=MAX_OFFSET,
        required=False,
        default=0,
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
        help_text="Statuses, comma-separated: open, temporarily_closed, planned, closed, "
        "or `all` (default: open,temporarily_closed; every answer states its statuses).",
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

    cursor = SyncCursorField(
        required=False,
        help_text="Where a sync goes on from: the `sync_cursor` of the last page "
        "received (the `next` link carries it). Every record whose public facts changed "
        "after it, archived ones included, in the order of their changes: a record "
        "changed during a sync comes in that sync or the next, never in neither.",
    )

    def validate_radius_km(self, value):
        if value <= 0:
            raise serializers.ValidationError(_("The radius must be more than 0 km."))
        return value

    def validate(self, attrs):
        if "cursor" in attrs and attrs.get("offset"):
            raise serializers.ValidationError(
                {"offset": [_("A cursor says where to go on: give no offset with it.")]}
            )
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
