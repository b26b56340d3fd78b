"""The directory's public reads: which centers, in which order, with which public facts.

One implementation serves the API (JSON, GeoJSON, CSV: centers/api.py), the public site
(lists, map data, region pages: directory/views.py) and the benchmark. A search is one
SQL statement for its page and one for its count, composed from the checked parameters
(centers/filters.py) rather than through the ORM, whose query building costs more than
the database's own work on such a query (see `make bench`). Every value is a named
query parameter and every name of a table or column comes from the models; the SQL text
is made of the fragments below only. Rows are the JSON texts written by the database
functions of centers/public_shape.py, and every position, distance and order uses the
public position (centers/privacy.py).
"""

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

from django.contrib.gis.geos import Point
from django.db import connection, transaction
from django.db.models import Count, Max, Q

from geo_directory.sql import column, table
from regions.models import Commune, Province, Region

from . import changes, public_shape
from .filters import DEFAULT_LIMIT
from .models import LISTED_STATUSES, AccessibilityFeature, Category, Center, Service

# Counting stops here: beyond it the count is not given (a wide radius in a dense area
# would otherwise cost more than the page itself).
MAX_COUNT = 1_000
# Rows fetched at a time from the database while streaming a whole export, and how long
# the stream may wait for the client to take them (a 2,000-feature batch is about 1 MB:
# 5 minutes let a 30 kbit/s connection through).
STREAM_BATCH = 2000
STREAM_IDLE_LIMIT = "5min"


def _c(name: str) -> str:
    """A column of the center's row, `c`."""
    return f"c.{column(Center, name)}"


_CENTERS = table(Center)
_POSITION = _c("public_location")
_HERE = "ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326)::geography"
_DISTANCE = f"round(ST_Distance({_POSITION}, {_HERE}))::int"
# The newest public change in the whole directory, read once on the public clock's index,
# in seconds since 1970 (a number is cheaper to read than a timestamp, on every row).
_LAST_CHANGE = (
    f"extract(epoch FROM (SELECT {column(Center, 'public_updated_at')} FROM {_CENTERS} "
    f"ORDER BY {column(Center, 'public_updated_at')} DESC LIMIT 1))"
)


def _texts_of(model, columns: list[str]) -> str:
    """The digest of some columns of every row of a small table."""
    row = ", ".join(f"t.{column(model, name)}::text" for name in ["id", *columns])
    return (
        f"(SELECT md5(string_agg(concat_ws('|', {row}), ',' ORDER BY t.id)) FROM {table(model)} t)"
    )


# Whatever answers say of a center's category, services, features and areas, besides
# their codes (names, descriptions), in one digest.
_REFERENCE_TEXTS = (
    "md5(concat("
    + ", ".join(
        [
            *(
                _texts_of(model, ["code", "name_ar", "name_fr", "name_en"])
                for model in (Service, AccessibilityFeature)
            ),
            _texts_of(
                Category,
                [
                    "code",
                    "name_ar",
                    "name_fr",
                    "name_en",
                    "description_ar",
                    "description_fr",
                    "description_en",
                    "sensitive",
                ],
            ),
            *(
                _texts_of(model, ["code", "name_ar", "name_fr"])
                for model in (Region, Province, Commune)
            ),
        ]
    )
    + "))"
)


def _has_related(relation: str, parameter: str, *, any_of: bool) -> str:
    """A center's rows in one of its many-to-many tables: any of the parameter's ids, or
    the one id it names."""
    through = getattr(Center, relation).through
    center_id = column(through, "center")
    target = next(f for f in through._meta.get_fields() if f.name not in {"id", "center"})
    match = f"= ANY(%({parameter})s)" if any_of else f"= %({parameter})s"
    return (
        f"EXISTS (SELECT 1 FROM {table(through)} t WHERE t.{center_id} = {_c('id')} "
        f"AND t.{target.column} {match})"
    )


_COMMUNES = table(Commune)
_COMMUNE_FR, _COMMUNE_AR = column(Commune, "search_fr"), column(Commune, "search_ar")
# Words of a name, public address or organisation, or the name of the commune.
_TEXT_MATCH = (
    f"({_c('search_text')} %%> search_normalize(%(q)s) OR {_c('commune')} IN ("
    f"SELECT m.id FROM {_COMMUNES} m "
    f"WHERE m.{_COMMUNE_FR} %%> search_normalize(%(q)s) "
    f"OR m.{_COMMUNE_AR} %%> search_normalize(%(q)s)))"
)
_TEXT_RELEVANCE = (
    f"greatest(word_similarity(search_normalize(%(q)s), {_c('search_text')}), "
    f"(SELECT greatest(word_similarity(search_normalize(%(q)s), m.{_COMMUNE_FR}), "
    f"word_similarity(search_normalize(%(q)s), m.{_COMMUNE_AR})) "
    f"FROM {_COMMUNES} m WHERE m.id = {_c('commune')}))"
)
# The public position inside a longitude/latitude box, compared as geometry so that the
# box's edges are meridians and parallels (index center_public_location_geometry).
_IN_BOX = (
    f"{_POSITION}::geometry && ST_MakeEnvelope("
    "%(min_lon)s, %(min_lat)s, %(max_lon)s, %(max_lat)s, 4326)"
)
_FROM_BOX_CENTRE = (
    f"{_POSITION}::geometry <-> ST_SetSRID(ST_MakePoint(%(box_lon)s, %(box_lat)s), 4326)"
)
# A search's filters on a key of the center, by parameter.
_KEYS = {"category": "category", "region": "region", "province": "province", "commune": "commune"}


@dataclass
class Page:
    items: list[str]  # JSON texts: list items or GeoJSON features
    # None: a nearest-first search without radius (no bound), or more than MAX_COUNT.
    count: int | None
    beyond_radius: bool
    last_change: float | None  # seconds since 1970
    # Given to a sync: where the next page, or the next sync, goes on from.
    sync_cursor: str | None = None


@dataclass
class CenterSearch:
    """A search whose parameters have been checked (centers/filters.py). Its pages have
    `limit` centers (DEFAULT_LIMIT when not given; None: every matching center, as the
    site's region page wants); `whole_statement` and `csv_rows` without a limit read
    every matching center, for a stream."""

    parameters: dict

    @cached_property
    def point(self) -> Point | None:
        if "lat" not in self.parameters:
            return None
        return Point(self.parameters["lon"], self.parameters["lat"], srid=4326)

    @property
    def syncing(self) -> bool:
        """A copy kept in sync: from a time, or from where the last sync stopped."""
        return "modified_since" in self.parameters or "cursor" in self.parameters

    @property
    def radius_km(self) -> float | None:
        return self.parameters.get("radius_km")

    @property
    def _radius_m(self) -> float:
        """The radius in metres, of a search that has one."""
        radius_km = self.radius_km
        assert radius_km is not None, "a search within a radius"  # noqa: S101
        return radius_km * 1000

    @property
    def limit(self) -> int | None:
        return self.parameters.get("limit", DEFAULT_LIMIT)

    @property
    def statuses(self) -> list[str]:
        """The statuses searched for: those asked for, else the listed ones; a sync
        without `status` takes every status, archived records included."""
        if asked := self.parameters.get("status"):
            return asked
        return list(Center.Status.values if self.syncing else LISTED_STATUSES)

    @property
    def offset(self) -> int:
        return self.parameters.get("offset", 0)

    def page(self, *, geojson: bool = False) -> Page:
        """The page of centers as JSON texts (list items or GeoJSON features).

        With a radius that holds no center, the nearest ones beyond it are given instead,
        flagged `beyond_radius`, so that a search never ends empty-handed."""
        count = None
        within = self.radius_km is not None
        if self.point is None or within:
            count = self._count(within=within)
        beyond = within and count == 0 and self.offset == 0
        function = public_shape.FEATURE_FUNCTION if geojson else public_shape.LIST_ITEM_FUNCTION
        statement, params = self._page_statement(function, within=within and not beyond)
        params["beyond"] = beyond
        if beyond:
            params["offset"] = 0
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
            rows = cursor.fetchall()
        return Page(
            items=[item for item, *_rest in rows],
            count=count,
            beyond_radius=beyond,
            last_change=float(rows[0][1]) if rows else None,
            sync_cursor=self._sync_cursor(rows),
        )

    def _sync_cursor(self, rows) -> str | None:
        """Where a sync goes on from: after the last record of a full page; after a page
        that is not full, from the first change not yet settled when it was read (every
        settled one was in it)."""
        if not self.syncing:
            return None
        if rows and len(rows) == self.limit:
            return changes.cursor_text(rows[-1][2], rows[-1][3])
        if rows:
            return changes.cursor_text(rows[-1][4], 0)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {changes.SETTLED_BELOW}")
            return changes.cursor_text(cursor.fetchone()[0], 0)

    def items(self) -> list[dict]:
        """The page's list items, read (for the site's pages)."""
        return [json.loads(item) for item in self.page().items]

    def csv_rows(self, *, paged: bool) -> tuple[str, dict]:
        """The statement of the CSV rows, for `stream`: the page, or every matching
        center. Its columns are `csv_headers()`."""
        where, params = self._where(within=self.radius_km is not None)
        order = self._order(params) if paged else self._streamed_order()
        columns = [expression for _header, expression in self._csv_columns()]
        # The commune's row is `m`, as in the shape's expressions.
        source = f"{_CENTERS} c JOIN {_COMMUNES} m ON m.id = {_c('commune')}"
        if self.point is not None:
            # The columns given in a search from a point read the distance by its name.
            source += f", LATERAL (SELECT {_DISTANCE} AS {public_shape.DISTANCE_ARGUMENT}) point"
        statement = f"SELECT {', '.join(columns)} FROM {source} WHERE {where} ORDER BY {order}"
        if paged:
            statement += " LIMIT %(limit)s OFFSET %(offset)s"
            params.update(limit=self.limit, offset=self.offset)
        return statement, params

    def whole_statement(self, *, geojson: bool) -> tuple[str, dict]:
        """Every matching center as JSON texts (list items or GeoJSON features), for
        `stream`: the whole export. Within a radius means within it: an export lists no
        center beyond."""
        function = public_shape.FEATURE_FUNCTION if geojson else public_shape.LIST_ITEM_FUNCTION
        where, params = self._where(within=self.radius_km is not None)
        order = self._streamed_order()
        if self.point is None:
            item = f"{function}(c, NULL, NULL)"
        else:
            item = f"{function}(c, {_DISTANCE}, false)"
        return f"SELECT {item} FROM {_CENTERS} c WHERE {where} ORDER BY {order}", params

    def exact_count(self) -> int:
        """How many centers match, however many (the count of a CSV page, whose rows are
        read without one)."""
        where, params = self._where(within=self.radius_km is not None)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {_CENTERS} c WHERE {where}", params)
            return cursor.fetchone()[0]

    def version(self, *, of: str) -> str:
        """A short text that changes whenever the answer `of` (its format, and for
        whom it is written) would: which centers match and in which transaction the
        public facts of each last changed (centers/changes.py; an edit of what only
        staff see, such as a sensitive center's exact position, moves nothing here), the
        names that answers carry of categories, services, features and areas, and the
        public shape itself. The ETag of a streamed answer, known before its rows are
        read."""
        where, params = self._where(within=self.radius_km is not None)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(*), coalesce(sum({_c('id')}), 0), "
                f"coalesce(sum({_c('public_change')}), 0), ({_REFERENCE_TEXTS}) "
                f"FROM {_CENTERS} c WHERE {where}",
                params,
            )
            state = cursor.fetchone()
        text = repr((of, state, public_shape.shape_digest()))
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    def csv_headers(self) -> list[str]:
        return [header for header, _expression in self._csv_columns()]

    def _csv_columns(self):
        return public_shape.csv_columns(from_a_point=self.point is not None)

    def explain(self, *, analyze: bool = False) -> str:
        """The plan of the page's statement (for tests and the benchmark)."""
        statement, params = self._page_statement(
            public_shape.LIST_ITEM_FUNCTION, within=self.radius_km is not None
        )
        params["beyond"] = False
        with connection.cursor() as cursor:
            cursor.execute(("EXPLAIN ANALYZE " if analyze else "EXPLAIN ") + statement, params)
            return "\n".join(row[0] for row in cursor.fetchall())

    def _page_statement(self, function: str, *, within: bool) -> tuple[str, dict]:
        where, params = self._where(within=within)
        order = self._order(params)
        if self.point is None:
            item = f"{function}(c, NULL, NULL)"
        else:
            item = f"{function}(c, {_DISTANCE}, %(beyond)s)"
        params.update(limit=self.limit, offset=self.offset)
        statement = (
            f"SELECT {item}, {_LAST_CHANGE}, {_c('public_change')}, {_c('id')}, "
            f"{changes.SETTLED_BELOW} "
            f"FROM {_CENTERS} c WHERE {where} "
            "ORDER BY " + order + " LIMIT %(limit)s OFFSET %(offset)s"
        )
        return statement, params

    def _count(self, *, within: bool) -> int | None:
        if within:
            return self._count_within_radius()
        where, params = self._where(within=False)
        params["max_count"] = MAX_COUNT + 1
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(*) FROM (SELECT 1 FROM {_CENTERS} c WHERE {where} "
                "LIMIT %(max_count)s) s",
                params,
            )
            count = cursor.fetchone()[0]
        return None if count > MAX_COUNT else count

    def _count_within_radius(self) -> int | None:
        """The centers within the radius are the first ones in distance order: counting
        them along the spatial index's `<->` order stops after MAX_COUNT, where a count
        of everything within the radius would first read every one (tens of thousands in
        a dense area)."""
        where, params = self._where(within=False)
        params.update(max_count=MAX_COUNT + 1, radius_m=self._radius_m)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM ("
                f"SELECT ST_Distance({_POSITION}, {_HERE}) AS distance "
                f"FROM {_CENTERS} c WHERE {where} "
                f"ORDER BY {_POSITION} <-> {_HERE} LIMIT %(max_count)s"
                ") nearest WHERE distance <= %(radius_m)s",
                params,
            )
            count = cursor.fetchone()[0]
        return None if count > MAX_COUNT else count

    def _where(self, *, within: bool) -> tuple[str, dict]:
        """The conditions and their named parameters."""
        p = self.parameters
        params: dict = {}
        if self.point is not None:
            params.update(lon=p["lon"], lat=p["lat"])
        if self.syncing:
            # A copy kept in sync needs every change, archived records as tombstones, and
            # only changes surely committed (centers/changes.py).
            conditions = [changes.settled(_c("public_change"))]
            if "cursor" in p:
                conditions.append(
                    f"({_c('public_change')}, {_c('id')}) > (%(after_change)s, %(after_id)s)"
                )
                params["after_change"], params["after_id"] = p["cursor"]
            if "modified_since" in p:
                conditions.append(f"{_c('public_updated_at')} > %(modified_since)s")
                params["modified_since"] = p["modified_since"]
            if p.get("status"):
                conditions.append(f"{_c('status')} = ANY(%(status)s)")
                params["status"] = p["status"]
        else:
            # Listed: not archived, of the statuses asked for or else the listed ones.
            conditions = [f"NOT {_c('archived')}", f"{_c('status')} = ANY(%(status)s)"]
            params["status"] = self.statuses
        for parameter, key in _KEYS.items():
            if p.get(parameter):
                conditions.append(f"{_c(key)} = ANY(%({parameter})s)")
                params[parameter] = p[parameter]
        if p.get("service"):
            conditions.append(_has_related("services", "service", any_of=True))
            params["service"] = p["service"]
        for number, feature_id in enumerate(p.get("accessibility") or []):
            name = f"accessibility_{number}"
            conditions.append(_has_related("accessibility", name, any_of=False))
            params[name] = feature_id
        if p.get("bbox"):
            conditions.append(_IN_BOX)
            params.update(zip(("min_lon", "min_lat", "max_lon", "max_lat"), p["bbox"], strict=True))
        if p.get("q"):
            conditions.append(_TEXT_MATCH)
            params["q"] = p["q"]
        if within:
            conditions.append(f"ST_DWithin({_POSITION}, {_HERE}, %(radius_m)s)")
            params["radius_m"] = self._radius_m
        return " AND ".join(conditions), params

    def _streamed_order(self) -> str:
        """The order of a whole export: nearest first from a point, else by id. Both are
        an index's own order, so the first rows flow at once and each fetch stays short
        at any size; an order that needs a sort would first read and sort every center,
        beyond the public time limit at national scale."""
        if self.point is not None:
            return f"{_POSITION} <-> {_HERE}"
        return _c("id")

    def _order(self, params: dict) -> str:
        """Nearest first with lat/lon (the spatial index's `<->` order); else best text
        match; else oldest change first for a sync; else, for a map's box, from its centre
        outwards (the box's index serves that order); else by region and name. Adds the
        order's own parameters."""
        p = self.parameters
        if self.point is not None:
            # No tie-breaker: a second sort key would stop the index from giving the order
            # (centers at the same distance come in the index's order).
            return f"{_POSITION} <-> {_HERE}"
        if p.get("q"):
            return f"{_TEXT_RELEVANCE} DESC, {_c('id')}"
        if self.syncing:
            return f"{_c('public_change')}, {_c('id')}"
        if p.get("bbox"):
            min_lon, min_lat, max_lon, max_lat = p["bbox"]
            params.update(box_lon=(min_lon + max_lon) / 2, box_lat=(min_lat + max_lat) / 2)
            return f"{_FROM_BOX_CENTRE}, {_c('id')}"
        return f"{_c('region')}, {_c('name_fr')}, {_c('name_ar')}, {_c('id')}"


def stream(statement: str, params: dict) -> Iterator[tuple]:
    """The rows of a statement as the client reads them, through a server-side cursor in
    one transaction: rows do not pile up in the app, each fetch is a short statement
    (within the public time limits), and the stream is one consistent snapshot. Between
    two fetches the transaction waits for the client to take the rows sent: a slow
    connection may take longer than the public idle limit, so the stream has its own."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('idle_in_transaction_session_timeout', %s, true)",
                [STREAM_IDLE_LIMIT],
            )
        with connection.chunked_cursor() as cursor:
            cursor.execute(statement, params)
            while rows := cursor.fetchmany(STREAM_BATCH):
                yield from rows


# The centers the planners measure access to: open and published (a temporarily closed
# center is listed, but serves no one now). As field values, so that the ORM and the
# planners' SQL read the same rule.
OPEN_CENTER = {"status": str(Center.Status.OPEN), "archived": False}


def published_with_details():
    """Published centers with what a center's public page and the API's detail show,
    their completeness included."""
    return (
        Center.objects.published()
        .with_completeness()
        .select_related("category", "commune", "province", "region")
        .prefetch_related("services", "accessibility")
    )


def public_items_of(ids: list[int]) -> list[dict]:
    """The public list items of the given published centers (a center's own page)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {public_shape.LIST_ITEM_FUNCTION}(c, NULL, NULL) FROM {_CENTERS} c "
            f"WHERE {_c('id')} = ANY(%(ids)s) AND NOT {_c('archived')} ORDER BY {_c('id')}",
            {"ids": ids},
        )
        return [json.loads(item) for (item,) in cursor.fetchall()]


def listed_counts_by_region() -> dict[tuple[int, int], int]:
    """{(region id, category id): number of listed centers}."""
    return {
        (row["region_id"], row["category_id"]): row["count"]
        for row in Center.objects.listed()
        .values("region_id", "category_id")
        .annotate(count=Count("id"))
    }


def provinces_with_listed_counts(region: Region):
    """The region's provinces, each with `center_count`, its listed centers."""
    listed = Q(centers__archived=False, centers__status__in=LISTED_STATUSES)
    return (
        Province.objects.without_boundaries()
        .filter(region=region)
        .annotate(center_count=Count("centers", filter=listed))
    )


def last_public_change():
    """When anything public in the directory last changed (None: an empty directory)."""
    return Center.objects.aggregate(last=Max("public_updated_at"))["last"]
