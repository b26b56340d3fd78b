"""The public shape of a listed center, declared once.

A `PublicField` is one key of what the directory says about a center in its lists: the
SQL expression of its value, its CSV columns, its schema and whether it may be null.
Everything public about a listed center comes from the declarations below:

- the database functions that write a JSON list item and a GeoJSON feature
  (`functions_sql`, recreated with CREATE OR REPLACE after every migrate by
  centers/apps.py, so that no migration carries a copy and a renamed column is followed);
- the columns of the CSV export (`csv_columns`);
- the OpenAPI schemas of a list page and a feature collection, closed to any key not
  declared here (`list_page_schema`, `feature_collection_schema`);
- the site's map data, which is the features themselves.

Expressions read only public fields (centers/privacy.py): `c` is the center's row and
`m` its commune's. Table and column names come from the models' metadata.
"""

import functools
import hashlib
from dataclasses import dataclass, field

from django.db.models import Model

from geo_directory.schema import header_objects
from geo_directory.sql import column, table
from regions.models import Commune, Province, Region

from . import completeness
from .models import Category, Center


def _center(name: str) -> str:
    """A column of the center's row."""
    return f"c.{column(Center, name)}"


def _commune(name: str) -> str:
    """A column of the center's commune's row."""
    return f"m.{column(Commune, name)}"


def _code(foreign_key: str, model: type[Model]) -> str:
    """The official code of what a key of the center names (its category, region…)."""
    return _of(foreign_key, model, "code")


def _of(foreign_key: str, model: type[Model], name: str) -> str:
    """A column of what a key of the center names."""
    return (
        f"(SELECT x.{column(model, name)} FROM {table(model)} x "
        f"WHERE x.{model._meta.pk.column} = {_center(foreign_key)})"
    )


def _field(path: str) -> str:
    """A field of the center, or of what one of its keys names (`category__sensitive`)."""
    if "__" not in path:
        return _center(path)
    foreign_key, name = path.split("__")
    return _of(foreign_key, Center._meta.get_field(foreign_key).related_model, name)


@dataclass(frozen=True)
class PublicField:
    key: str
    sql: str
    schema: dict
    nullable: bool = False
    # (header, SQL expression) of each CSV column; by default the key and the value.
    csv: tuple[tuple[str, str], ...] | None = None
    # Given only in a search from a point (a distance means nothing without one).
    from_a_point: bool = False
    description: str = field(default="", compare=False)

    @property
    def csv_columns(self) -> tuple[tuple[str, str], ...]:
        return ((self.key, self.sql),) if self.csv is None else self.csv

    @property
    def value_schema(self) -> dict:
        schema = dict(self.schema)
        if self.description:
            schema["description"] = self.description
        if self.nullable:
            schema["nullable"] = True
        return schema


_TEXT = {"type": "string"}
_CODE = {"type": "string", "description": "Official code."}
_POSITION = f"{_center('public_location')}::geometry"

# The function arguments of a search from a point.
DISTANCE_ARGUMENT, BEYOND_ARGUMENT = "distance_m", "beyond_radius"

ID = PublicField("id", _center("id"), {"type": "integer"})
# 6 decimals of a degree: about 10 cm.
LOCATION = PublicField(
    "location",
    f"ST_AsGeoJSON({_center('public_location')}, 6)",
    {
        "type": "object",
        "additionalProperties": False,
        "required": ["type", "coordinates"],
        "properties": {
            "type": {"type": "string", "enum": ["Point"]},
            "coordinates": {
                "type": "array",
                "items": {"type": "number"},
                "minItems": 2,
                "maxItems": 2,
            },
        },
        "example": {"type": "Point", "coordinates": [-6.8326, 33.9716]},
    },
    # The very digits of the JSON's coordinates (as numbers, so that no sheet takes a
    # minus sign for a formula).
    csv=(
        ("latitude", f"(ST_AsGeoJSON({_POSITION}, 6)::json #>> '{{coordinates,1}}')::numeric"),
        ("longitude", f"(ST_AsGeoJSON({_POSITION}, 6)::json #>> '{{coordinates,0}}')::numeric"),
    ),
    description="GeoJSON Point [longitude, latitude], WGS84, 6 decimals. For a sensitive "
    "category: the commune's reference point.",
)
PROPERTIES = [
    PublicField("slug", _center("slug"), _TEXT),
    PublicField("name_ar", _center("name_ar"), _TEXT),
    PublicField("name_fr", _center("name_fr"), _TEXT),
    PublicField("name_en", _center("name_en"), _TEXT),
    PublicField("category", _code("category", Category), _TEXT, description="Category code."),
    PublicField("status", _center("status"), {"type": "string", "enum": Center.Status.values}),
    PublicField(
        "location_precision",
        _center("public_location_precision"),
        {"type": "string", "enum": Center.Precision.values},
        description="How precise `location` is: `commune` means an approximate position.",
    ),
    PublicField("region", _code("region", Region), _CODE),
    PublicField("province", _code("province", Province), _CODE),
    PublicField("commune", _commune("code"), _CODE),
    PublicField("commune_name_ar", _commune("name_ar"), _TEXT),
    PublicField("commune_name_fr", _commune("name_fr"), _TEXT),
    PublicField(
        "phones",
        _center("phones"),
        {"type": "array", "items": {"type": "string"}},
        csv=(("phones", f"array_to_string({_center('phones')}, ' ')"),),
        description="Numbers in international form (E.164).",
    ),
    PublicField(
        "updated_at",
        _center("public_updated_at"),
        {"type": "string", "format": "date-time"},
        description="When what the public sees of the center last changed.",
    ),
    PublicField(
        "archived",
        _center("archived"),
        {"type": "boolean"},
        description="True for a record taken out of the directory (a tombstone, listed "
        "only with modified_since).",
    ),
    PublicField(
        "last_verified_on",
        _center("last_verified_on"),
        {"type": "string", "format": "date"},
        nullable=True,
        description="The day staff last checked the center's facts (Morocco's local date); "
        "null: not checked yet.",
    ),
    PublicField(
        "completeness",
        completeness.sql_call(completeness.COMPLETENESS_FUNCTION, _field),
        {"type": "integer", "minimum": 0, "maximum": 100},
        description="Share of the facts expected of every center that the record gives, in "
        "per cent: a phone, opening hours, a street-level position (not expected of a "
        "sensitive category, whose position is never shown), a name in Arabic and in French.",
    ),
    PublicField(
        "distance_m",
        DISTANCE_ARGUMENT,
        {"type": "integer"},
        from_a_point=True,
        description="Geodesic distance in metres (only with lat and lon).",
    ),
    PublicField(
        "beyond_radius",
        BEYOND_ARGUMENT,
        {"type": "boolean"},
        csv=(),
        from_a_point=True,
        description="True when no center lies within radius_km and this one is the "
        "nearest beyond it.",
    ),
]


def field(key: str) -> PublicField:
    """The declared property of that key."""
    return next(f for f in PROPERTIES if f.key == key)


def all_fields() -> list[PublicField]:
    """In the order of every output: identity, position, then the properties, those of a
    search from a point last."""
    return [ID, LOCATION, *_properties()]


def _properties() -> list[PublicField]:
    return sorted(PROPERTIES, key=lambda f: f.from_a_point)


def csv_columns(*, from_a_point: bool) -> list[tuple[str, str]]:
    """The CSV export's (header, expression): every declared column, those of a search
    from a point only in one."""
    return [
        column
        for f in all_fields()
        if not f.from_a_point or from_a_point
        for column in f.csv_columns
    ]


# The database functions, by what they write.
PROPERTIES_FUNCTION = "center_public_properties"
LIST_ITEM_FUNCTION = "center_list_item"
FEATURE_FUNCTION = "center_geojson_feature"


def functions_sql() -> str:
    """CREATE OR REPLACE of the three functions that write what the public sees of a
    center: its properties (json), a list item and a GeoJSON feature (texts, joined
    without parsing by the API). Their arguments: the center's row, and, in a search
    from a point, its distance in metres and whether it lies beyond the radius (NULL
    otherwise: those keys are then left out, and only those)."""
    center_row = table(Center)
    arguments = f"c {center_row}, {DISTANCE_ARGUMENT} integer, {BEYOND_ARGUMENT} boolean"
    signature = f"({arguments})"
    always = ", ".join(f"'{f.key}', {f.sql}" for f in PROPERTIES if not f.from_a_point)
    from_a_point = ", ".join(f"'{f.key}', {f.sql}" for f in PROPERTIES if f.from_a_point)
    return f"""
CREATE OR REPLACE FUNCTION {PROPERTIES_FUNCTION}{signature}
RETURNS json LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN {DISTANCE_ARGUMENT} IS NULL
                THEN json_build_object({always})
                ELSE json_build_object({always}, {from_a_point}) END
      FROM {table(Commune)} m
     WHERE m.{Commune._meta.pk.column} = {_center("commune")}
$$;

CREATE OR REPLACE FUNCTION {LIST_ITEM_FUNCTION}{signature}
RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT '{{"{ID.key}": ' || {ID.sql} || ', "{LOCATION.key}": ' || {LOCATION.sql}
        || ', ' || substr({PROPERTIES_FUNCTION}(c, {DISTANCE_ARGUMENT}, {BEYOND_ARGUMENT})::text, 2)
$$;

CREATE OR REPLACE FUNCTION {FEATURE_FUNCTION}{signature}
RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT json_build_object(
        'type', 'Feature',
        'id', {ID.sql},
        'geometry', ({LOCATION.sql})::json,
        'properties', {PROPERTIES_FUNCTION}(c, {DISTANCE_ARGUMENT}, {BEYOND_ARGUMENT})
    )::text
$$;
"""


@functools.cache
def shape_digest() -> str:
    """Of the public shape as this code writes it: a deploy that changes it changes the
    ETags of what it writes."""
    declared = repr([(f.key, f.sql, f.csv) for f in all_fields()])
    functions = completeness.functions_sql() + functions_sql()
    return hashlib.sha256((functions + declared).encode()).hexdigest()[:16]


def functions_create(sender=None, *, using: str = "default", **kwargs) -> None:
    """Writes the functions into the database (a post_migrate receiver)."""
    from django.db import connections

    with connections[using].cursor() as cursor:
        cursor.execute(functions_sql())


def feature_from_item(item: dict) -> dict:
    """The GeoJSON feature of a list item: the same facts, placed as RFC 7946 wants."""
    return {
        "type": "Feature",
        "id": item[ID.key],
        "geometry": item[LOCATION.key],
        "properties": {f.key: item[f.key] for f in _properties() if f.key in item},
    }


def _object_schema(fields: list[PublicField]) -> dict:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": [f.key for f in fields if not f.from_a_point],
        "properties": {f.key: f.value_schema for f in fields},
    }


def list_item_schema() -> dict:
    return _object_schema(all_fields())


def feature_schema() -> dict:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["type", "id", "geometry", "properties"],
        "properties": {
            "type": {"type": "string", "enum": ["Feature"]},
            "id": ID.value_schema,
            "geometry": LOCATION.value_schema,
            "properties": _object_schema(_properties()),
        },
    }


# What a page says around its centers, in JSON and in GeoJSON.
PAGE_FIELDS = {
    "count": {
        "type": "integer",
        "nullable": True,
        "description": "Number of matching centers. In a page, null for a nearest-first "
        "search without radius (it has no bound) and when more than 1,000 match: follow "
        "`next`. In a whole export (GeoJSON without `limit`), the exact number of its "
        "features, given after them.",
    },
    "statuses": {
        "type": "array",
        "items": {"type": "string", "enum": list(Center.Status.values)},
        "description": "The statuses this answer holds: those asked for in `status`, "
        "else open and temporarily_closed; every status in a sync.",
    },
    "next": {"type": "string", "format": "uri", "nullable": True},
    "previous": {"type": "string", "format": "uri", "nullable": True},
    "beyond_radius": {
        "type": "boolean",
        "description": "True when nothing lies within radius_km: the nearest beyond are listed.",
    },
    "detail": {"type": "string", "description": "Why the nearest beyond are listed."},
    "sync_cursor": {
        "type": "string",
        "description": "In a sync (modified_since or cursor): where the next page, or the "
        "next sync, goes on from; send it back as `cursor`.",
    },
}
_PAGE_REQUIRED = ["count", "next", "previous", "statuses"]


def list_page_schema() -> dict:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": [*_PAGE_REQUIRED, "results"],
        "properties": {
            **PAGE_FIELDS,
            "results": {"type": "array", "items": {"$ref": "#/components/schemas/CenterListItem"}},
        },
    }


def feature_collection_schema() -> dict:
    return {
        "type": "object",
        "description": "RFC 7946 FeatureCollection; `count`, `next`, `previous` and "
        "`beyond_radius` are members of the collection.",
        "additionalProperties": False,
        "required": ["type", *_PAGE_REQUIRED, "features"],
        "properties": {
            "type": {"type": "string", "enum": ["FeatureCollection"]},
            **PAGE_FIELDS,
            "features": {"type": "array", "items": {"$ref": "#/components/schemas/CenterFeature"}},
        },
    }


# The path of the list in the API, and its answers by content type.
LIST_PATH = "/api/v1/centers/"
# The statuses an answer holds (open and temporarily closed unless `status` says
# otherwise), stated in every format: CSV has no other place for it.
STATUSES_HEADER = "Center-Statuses"
LIST_ANSWER_HEADERS = {
    STATUSES_HEADER: "The statuses the answer holds, comma-separated (as `statuses`).",
    "Last-Modified": "When anything public in the directory last changed.",
}


def add_schema_components(result, generator, request, public):
    """drf-spectacular post-processing hook: the declared shapes as named components,
    and the list's answers as the declared page and feature collection."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["CenterListItem"] = list_item_schema()
    schemas["CenterFeature"] = feature_schema()
    schemas["CenterPage"] = list_page_schema()
    schemas["CenterFeatureCollection"] = feature_collection_schema()
    answer = result["paths"][LIST_PATH]["get"]["responses"]["200"]
    answer.setdefault("headers", {}).update(header_objects(LIST_ANSWER_HEADERS))
    content = answer["content"]
    content["application/json"]["schema"] = {"$ref": "#/components/schemas/CenterPage"}
    content["application/geo+json"]["schema"] = {
        "$ref": "#/components/schemas/CenterFeatureCollection"
    }
    return result
