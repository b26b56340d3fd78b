"""The query parameters of `GET /api/v1/centers/`, read, checked and turned into a
QuerySet. Every refusal names its parameter (a 400 problem document)."""

import datetime
from dataclasses import dataclass

from django.contrib.gis.geos import Point
from django.contrib.postgres.search import TrigramWordSimilarity
from django.core.cache import cache
from django.db.models import BooleanField, Exists, F, FloatField, Func, OuterRef, Q, Value
from django.db.models.functions import Greatest
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from regions.models import Commune, Province, Region, SearchNormalize

from .models import AccessibilityFeature, Category, Center, Service

MAX_RADIUS_KM = 500
DEFAULT_LIMIT = 20
MAX_LIMIT = 100
MAX_OFFSET = 10_000
DEFAULT_STATUSES = [Center.Status.OPEN, Center.Status.TEMPORARILY_CLOSED]
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


@dataclass
class CenterSearch:
    """A checked search, and the QuerySets that answer it."""

    parameters: dict

    @property
    def point(self) -> Point | None:
        if "lat" not in self.parameters:
            return None
        return Point(self.parameters["lon"], self.parameters["lat"], srid=4326)

    @property
    def radius_km(self) -> float | None:
        return self.parameters.get("radius_km")

    @property
    def limit(self) -> int:
        return self.parameters["limit"]

    @property
    def offset(self) -> int:
        return self.parameters["offset"]

    @property
    def is_sync(self) -> bool:
        return "modified_since" in self.parameters

    def filtered(self):
        """The centers that match every filter, in no particular order."""
        p = self.parameters
        if self.is_sync:
            # A copy kept in sync needs every change, archived records as tombstones.
            centers = Center.objects.filter(updated_at__gt=p["modified_since"])
            if "status" in p:
                centers = centers.filter(status__in=p["status"])
        else:
            centers = Center.objects.published().filter(
                status__in=p.get("status") or DEFAULT_STATUSES
            )
        filters = Q()
        for parameter, field in [
            ("category", "category_id"),
            ("region", "region_id"),
            ("province", "province_id"),
            ("commune", "commune_id"),
        ]:
            if p.get(parameter):
                filters &= Q(**{f"{field}__in": p[parameter]})
        centers = centers.filter(filters)
        if p.get("service"):
            centers = centers.filter(
                Exists(
                    Center.services.through.objects.filter(
                        center_id=OuterRef("pk"), service_id__in=p["service"]
                    )
                )
            )
        for feature_id in p.get("accessibility") or []:
            centers = centers.filter(
                Exists(
                    Center.accessibility.through.objects.filter(
                        center_id=OuterRef("pk"), accessibilityfeature_id=feature_id
                    )
                )
            )
        if p.get("bbox"):
            centers = centers.filter(InBox(p["bbox"]))
        if p.get("q"):
            centers = centers.filter(text_match(p["q"]))
        return centers

    def ordered(self, centers):
        """Nearest first with lat/lon; else best text match; else oldest change first
        for a sync; else, for a map's box, from its centre outwards (the box's index
        serves that order, so a limited page never sorts the whole box); else by region
        and name."""
        if self.point is not None:
            return centers.nearest_order(self.point)
        if self.parameters.get("q"):
            return centers.annotate(relevance=text_relevance(self.parameters["q"])).order_by(
                "-relevance", "id"
            )
        if self.is_sync:
            return centers.order_by("updated_at", "id")
        if self.parameters.get("bbox"):
            return centers.order_by(FromBoxCentre(self.parameters["bbox"]), "id")
        return centers.order_by("region_id", "name_fr", "name_ar", "id")


class InBox(Func):
    """The public position lies in a longitude/latitude box. Compared as geometry, so that
    the box's edges are meridians and parallels (a geography box would bend them), with
    the expression index `center_public_location_geometry`."""

    output_field = BooleanField()

    def __init__(self, box: tuple[float, float, float, float]):
        super().__init__(F("public_location"), *(Value(corner) for corner in box))

    def as_sql(self, compiler, connection, **extra_context):
        location, *corners = self.get_source_expressions()
        location_sql, params = compiler.compile(location)
        corner_sql = []
        for corner in corners:
            sql, corner_params = compiler.compile(corner)
            corner_sql.append(sql)
            params = [*params, *corner_params]
        box = f"ST_MakeEnvelope({', '.join(corner_sql)}, 4326)"
        return f"({location_sql}::geometry && {box})", params


class FromBoxCentre(Func):
    """Planar distance from the public position to the centre of a longitude/latitude
    box, with `<->` on the expression index `center_public_location_geometry`."""

    output_field = FloatField()

    def __init__(self, box: tuple[float, float, float, float]):
        min_lon, min_lat, max_lon, max_lat = box
        centre = ((min_lon + max_lon) / 2, (min_lat + max_lat) / 2)
        super().__init__(F("public_location"), *(Value(value) for value in centre))

    def as_sql(self, compiler, connection, **extra_context):
        location, lon, lat = (compiler.compile(e) for e in self.get_source_expressions())
        sql = f"({location[0]}::geometry <-> ST_SetSRID(ST_MakePoint({lon[0]}, {lat[0]}), 4326))"
        return sql, [*location[1], *lon[1], *lat[1]]


def text_match(query: str) -> Q:
    term = SearchNormalize(Value(query))
    in_communes = Commune.objects.filter(
        Q(search_fr__trigram_word_similar=term) | Q(search_ar__trigram_word_similar=term)
    ).values("id")
    return Q(search_text__trigram_word_similar=term) | Q(commune_id__in=in_communes)


def text_relevance(query: str):
    term = SearchNormalize(Value(query))
    return Greatest(
        TrigramWordSimilarity(term, "search_text"),
        TrigramWordSimilarity(term, "commune__search_fr"),
        TrigramWordSimilarity(term, "commune__search_ar"),
    )


def utc_timestamp(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")
