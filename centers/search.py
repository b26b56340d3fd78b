"""The public search of centers as SQL: one statement for a page, one for the count.

The hot path of the API (a family's "nearest centers", a map's box) is composed here
directly from checked parameters rather than through the ORM, whose query building
costs more than the database's own work on such a query (see `make bench`). Every value
is a query parameter; the SQL text is made of the fixed fragments below only. Rows are
the public JSON texts written by the database functions of migration centers 0005, and
every position, distance and order uses the public position (centers/privacy.py).
"""

from dataclasses import dataclass
from functools import cached_property

from django.contrib.gis.geos import Point
from django.db import connection

from .models import Center

DEFAULT_STATUSES = [Center.Status.OPEN, Center.Status.TEMPORARILY_CLOSED]
# Counting stops here: beyond it the count is not given (a wide radius in a dense area
# would otherwise cost more than the page itself).
MAX_COUNT = 1_000
_HERE = "ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography"
# The newest public change in the whole directory, read once on the public clock's index,
# in seconds since 1970 (a number is cheaper to read than a timestamp, on every row).
_LAST_CHANGE = (
    "extract(epoch FROM (SELECT public_updated_at FROM centers_center "
    "ORDER BY public_updated_at DESC LIMIT 1))"
)
# A center's rows in the many-to-many tables.
_HAS_SERVICE = (
    "EXISTS (SELECT 1 FROM centers_center_services s "
    "WHERE s.center_id = c.id AND s.service_id = ANY(%s))"
)
_HAS_FEATURE = (
    "EXISTS (SELECT 1 FROM centers_center_accessibility a "
    "WHERE a.center_id = c.id AND a.accessibilityfeature_id = %s)"
)
# Words of a name, public address or organisation, or the name of the commune.
_TEXT_MATCH = (
    "(c.search_text %%> search_normalize(%s) OR c.commune_id IN ("
    "SELECT m.id FROM regions_commune m "
    "WHERE m.search_fr %%> search_normalize(%s) OR m.search_ar %%> search_normalize(%s)))"
)
_TEXT_RELEVANCE = (
    "greatest(word_similarity(search_normalize(%s), c.search_text), "
    "(SELECT greatest(word_similarity(search_normalize(%s), m.search_fr), "
    "word_similarity(search_normalize(%s), m.search_ar)) "
    "FROM regions_commune m WHERE m.id = c.commune_id))"
)
# The public position inside a longitude/latitude box, compared as geometry so that the
# box's edges are meridians and parallels (index center_public_location_geometry).
_IN_BOX = "c.public_location::geometry && ST_MakeEnvelope(%s, %s, %s, %s, 4326)"
_FROM_BOX_CENTRE = "c.public_location::geometry <-> ST_SetSRID(ST_MakePoint(%s, %s), 4326)"

CSV_COLUMNS = [
    ("slug", "c.slug"),
    ("name_ar", "c.name_ar"),
    ("name_fr", "c.name_fr"),
    ("name_en", "c.name_en"),
    ("category", "(SELECT code FROM centers_category WHERE id = c.category_id)"),
    ("status", "c.status"),
    ("latitude", "round(ST_Y(c.public_location::geometry)::numeric, 6)"),
    ("longitude", "round(ST_X(c.public_location::geometry)::numeric, 6)"),
    ("location_precision", "c.public_location_precision"),
    ("region", "(SELECT code FROM regions_region WHERE id = c.region_id)"),
    ("province", "(SELECT code FROM regions_province WHERE id = c.province_id)"),
    ("commune", "(SELECT code FROM regions_commune WHERE id = c.commune_id)"),
    ("commune_name_fr", "(SELECT name_fr FROM regions_commune WHERE id = c.commune_id)"),
    ("updated_at", "c.public_updated_at"),
    ("archived", "c.archived"),
]


@dataclass
class Page:
    items: list[str]
    # None: a nearest-first search without radius (no bound), or more than MAX_COUNT.
    count: int | None
    beyond_radius: bool
    last_change: float | None  # seconds since 1970


@dataclass
class CenterSearch:
    """A search whose parameters CenterSearchParameters has checked."""

    parameters: dict

    @cached_property
    def point(self) -> Point | None:
        if "lat" not in self.parameters:
            return None
        return Point(self.parameters["lon"], self.parameters["lat"], srid=4326)

    @property
    def _here(self) -> list[float]:
        """The searcher's (longitude, latitude), as query parameters."""
        return [self.parameters["lon"], self.parameters["lat"]]

    @property
    def radius_km(self) -> float | None:
        return self.parameters.get("radius_km")

    @property
    def limit(self) -> int:
        return self.parameters["limit"]

    @property
    def offset(self) -> int:
        return self.parameters["offset"]

    def page(self, *, geojson: bool = False) -> Page:
        """The page of centers as JSON texts (list items or GeoJSON features).

        With a radius that holds no center, the nearest ones beyond it are given instead,
        flagged `beyond_radius`, so that a search never ends empty-handed."""
        count = None
        within = self.radius_km is not None
        if self.point is None or within:
            count = self._count(within=within)
        beyond = within and count == 0 and self.offset == 0
        items_function = "center_geojson_feature" if geojson else "center_list_item"
        rows = self._rows(items_function, within=within and not beyond, beyond=beyond)
        return Page(
            items=[item for item, _last in rows],
            count=count,
            beyond_radius=beyond,
            last_change=float(rows[0][1]) if rows else None,
        )

    def csv_rows(self):
        """Plain rows for CSV, streamed by a server-side cursor: every matching center,
        or the `limit` nearest with lat/lon."""
        where, params = self._where(within=self.radius_km is not None)
        columns = [expression for _header, expression in CSV_COLUMNS]
        if self.point is not None:
            columns.append(f"round(ST_Distance(c.public_location, {_HERE}))::int")
            params = [*self._here, *params]
        order, order_params = self._order()
        statement = (
            f"SELECT {', '.join(columns)} FROM centers_center c WHERE {where} ORDER BY {order}"
        )
        params += order_params
        if self.point is not None:
            statement += " LIMIT %s"
            params.append(self.limit)
        return statement, params

    def explain(self, *, analyze: bool = False) -> str:
        """The plan of the page's statement (for tests and the benchmark)."""
        within = self.radius_km is not None
        statement, params = self._page_statement("center_list_item", within=within, beyond=False)
        with connection.cursor() as cursor:
            cursor.execute(("EXPLAIN ANALYZE " if analyze else "EXPLAIN ") + statement, params)
            return "\n".join(row[0] for row in cursor.fetchall())

    def _rows(self, function: str, *, within: bool, beyond: bool):
        statement, params = self._page_statement(function, within=within, beyond=beyond)
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
            return cursor.fetchall()

    def _page_statement(self, function: str, *, within: bool, beyond: bool):
        where, where_params = self._where(within=within)
        order, order_params = self._order()
        if self.point is None:
            item = f"{function}(c, NULL, NULL)"
            item_params = []
        else:
            item = f"{function}(c, round(ST_Distance(c.public_location, {_HERE}))::int, %s)"
            item_params = [*self._here, beyond]
        statement = (
            f"SELECT {item}, {_LAST_CHANGE} FROM centers_center c WHERE {where} "
            f"ORDER BY {order} LIMIT %s OFFSET %s"
        )
        return statement, [
            *item_params,
            *where_params,
            *order_params,
            self.limit,
            0 if beyond else self.offset,
        ]

    def _count(self, *, within: bool) -> int | None:
        if within:
            return self._count_within_radius()
        where, params = self._where(within=False)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(*) FROM (SELECT 1 FROM centers_center c WHERE {where} LIMIT %s) s",
                [*params, MAX_COUNT + 1],
            )
            count = cursor.fetchone()[0]
        return None if count > MAX_COUNT else count

    def _count_within_radius(self) -> int | None:
        """The centers within the radius are the first ones in distance order: counting
        them along the spatial index's `<->` order stops after MAX_COUNT, where a count
        of everything within the radius would first read every one (tens of thousands in
        a dense area)."""
        where, params = self._where(within=False)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM ("
                f"SELECT ST_Distance(c.public_location, {_HERE}) AS distance "
                f"FROM centers_center c WHERE {where} "
                f"ORDER BY c.public_location <-> {_HERE} LIMIT %s"
                ") nearest WHERE distance <= %s",
                [*self._here, *params, *self._here, MAX_COUNT + 1, self.radius_km * 1000],
            )
            count = cursor.fetchone()[0]
        return None if count > MAX_COUNT else count

    def _where(self, *, within: bool) -> tuple[str, list]:
        p = self.parameters
        if "modified_since" in p:
            # A copy kept in sync needs every change, archived records as tombstones.
            conditions, params = ["c.public_updated_at > %s"], [p["modified_since"]]
            if p.get("status"):
                conditions.append("c.status = ANY(%s)")
                params.append(p["status"])
        else:
            conditions = ["NOT c.archived", "c.status = ANY(%s)"]
            params = [p.get("status") or [str(s) for s in DEFAULT_STATUSES]]
        for parameter, column in [
            ("category", "c.category_id"),
            ("region", "c.region_id"),
            ("province", "c.province_id"),
            ("commune", "c.commune_id"),
        ]:
            if p.get(parameter):
                conditions.append(f"{column} = ANY(%s)")
                params.append(p[parameter])
        if p.get("service"):
            conditions.append(_HAS_SERVICE)
            params.append(p["service"])
        for feature_id in p.get("accessibility") or []:
            conditions.append(_HAS_FEATURE)
            params.append(feature_id)
        if p.get("bbox"):
            conditions.append(_IN_BOX)
            params.extend(p["bbox"])
        if p.get("q"):
            conditions.append(_TEXT_MATCH)
            params.extend([p["q"]] * 3)
        if within:
            conditions.append(f"ST_DWithin(c.public_location, {_HERE}, %s)")
            params.extend([*self._here, self.radius_km * 1000])
        return " AND ".join(conditions), params

    def _order(self) -> tuple[str, list]:
        """Nearest first with lat/lon (the spatial index's `<->` order); else best text
        match; else oldest change first for a sync; else, for a map's box, from its centre
        outwards (the box's index serves that order); else by region and name."""
        p = self.parameters
        if self.point is not None:
            # No tie-breaker: a second sort key would stop the index from giving the order
            # (centers at the same distance come in the index's order).
            return f"c.public_location <-> {_HERE}", self._here
        if p.get("q"):
            return f"{_TEXT_RELEVANCE} DESC, c.id", [p["q"]] * 3
        if "modified_since" in p:
            return "c.public_updated_at, c.id", []
        if p.get("bbox"):
            min_lon, min_lat, max_lon, max_lat = p["bbox"]
            return f"{_FROM_BOX_CENTRE}, c.id", [(min_lon + max_lon) / 2, (min_lat + max_lat) / 2]
        return "c.region_id, c.name_fr, c.name_ar, c.id", []
