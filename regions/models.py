"""Morocco's administrative geography: 12 regions, their provinces and prefectures, the
1,503 communes, and the 41 districts (arrondissements) of the six largest cities, with
official HCP codes, census figures and boundaries.

Boundaries are in SRID 4326 (longitude, latitude, WGS84).
"""

from typing import Self

from django.contrib.gis.db import models
from django.contrib.gis.db.models.functions import Area, AsGeoJSON, Envelope, GeometryDistance
from django.contrib.gis.geos import Point
from django.contrib.postgres.aggregates import JSONBAgg
from django.contrib.postgres.indexes import GinIndex
from django.db import connection
from django.db.models import Case, F, Func, IntegerField, JSONField, Q, Value, When, Window
from django.db.models.functions import Cast, Coalesce, DenseRank, JSONObject
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from geo_directory.languages import Text, in_language, localized

from .darija import arabic_readings

# The columns of a unit's boundary.
BOUNDARY_FIELDS = ("geom", "geom_simplified")


class SearchNormalize(Func):
    """The database's `search_normalize(text)`: see migration regions 0002."""

    function = "search_normalize"
    output_field = models.TextField()


class AreaQuerySet(models.QuerySet):
    def containing(self, point: Point) -> Self:
        """Units whose boundary covers the point (its edge included), smallest first."""
        return self.filter(geom__covers=point).order_by(Area("geom"), "code")

    def without_boundaries(self, *related: str) -> Self:
        """Without the boundaries, the heaviest columns by far: of the units, and of the
        related units named (as in select_related), which a join would read too."""
        prefixes = ["", *(f"{name}__" for name in related)]
        return self.defer(*(f"{prefix}{field}" for prefix in prefixes for field in BOUNDARY_FIELDS))

    def boundaries_geojson(self, *properties: str) -> str:
        """The units as an RFC 7946 FeatureCollection of their simplified boundaries
        (exterior rings counter-clockwise, 5 decimals: about 1 m), built by the database."""
        feature = JSONObject(
            type=Value("Feature"),
            id="code",
            geometry=Cast(
                AsGeoJSON(Func("geom_simplified", function="ST_ForcePolygonCCW"), precision=5),
                JSONField(),
            ),
            properties=JSONObject(code="code", **{name: name for name in properties}),
        )
        collection = JSONObject(
            type=Value("FeatureCollection"),
            features=Coalesce(JSONBAgg(feature, order_by="code"), Value("[]", JSONField())),
        )
        return self.aggregate(geojson=Cast(collection, models.TextField()))["geojson"]


class AdminArea(models.Model):
    code = models.CharField(_("official code"), max_length=16, unique=True)
    name_ar = models.CharField(_("name in Arabic"), max_length=200)
    name_fr = models.CharField(_("name in French"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    population_2024 = models.PositiveIntegerField(_("population (2024 census)"), null=True)
    households_2024 = models.PositiveIntegerField(_("households (2024 census)"), null=True)
    geom = models.MultiPolygonField(_("boundary"), srid=4326, null=True)
    geom_simplified = models.MultiPolygonField(_("simplified boundary"), srid=4326, null=True)
    reference_point = models.PointField(_("reference point"), srid=4326, null=True)
    bbox = models.GeneratedField(
        expression=Envelope("geom"), output_field=models.PolygonField(srid=4326), db_persist=True
    )
    search_ar = models.GeneratedField(
        expression=SearchNormalize("name_ar"), output_field=models.TextField(), db_persist=True
    )
    search_fr = models.GeneratedField(
        expression=SearchNormalize("name_fr"), output_field=models.TextField(), db_persist=True
    )
    # Fingerprint of the source records this unit was built from: the loader skips a unit
    # whose source has not changed.
    source_digest = models.CharField(max_length=64, blank=True, editable=False)

    objects = AreaQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(geom__isvalid=True), name="%(app_label)s_%(class)s_geom_valid"
            ),
        ]
        indexes = [
            GinIndex(fields=["search_fr"], opclasses=["gin_trgm_ops"], name="%(class)s_search_fr"),
            GinIndex(fields=["search_ar"], opclasses=["gin_trgm_ops"], name="%(class)s_search_ar"),
        ]

    def __str__(self):
        return f"{self.code} {localized(self, 'name')}"

    @property
    def display_name_en(self) -> str:
        return self.name_en or self.name_fr


# Seat of a province or region: the commune distances from it are measured from, since a
# point inside a large area's boundary may be far from anyone. The HCP data name no
# capital (chef-lieu), so the loader takes the most populous urban commune (see
# loader.seats_assign). It is stored, not computed per search, so that the gazetteer
# reads it with a join and a seat corrected by hand outlives a reload.
SEAT_HELP = _("The commune distances from the area are measured from.")


class Region(AdminArea):
    seat = models.ForeignKey(
        "Commune",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("seat"),
        help_text=SEAT_HELP,
    )

    class Meta(AdminArea.Meta):
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    kind = "region"


class Province(AdminArea):
    class Kind(models.TextChoices):
        PROVINCE = "province", _("province")
        PREFECTURE = "prefecture", _("prefecture")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="provinces", verbose_name=_("region")
    )
    seat = models.ForeignKey(
        "Commune",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("seat"),
        help_text=SEAT_HELP,
    )

    class Meta(AdminArea.Meta):
        verbose_name = _("province or prefecture")
        verbose_name_plural = _("provinces and prefectures")


class CommuneQuerySet(AreaQuerySet):
    def with_areas(self) -> Self:
        """With their province and region, without any boundary (megabytes a row)."""
        return self.select_related("province__region").defer(
            *(
                f"{prefix}{boundary}"
                for prefix in ("", "province__", "province__region__")
                for boundary in ("geom", "geom_simplified")
            )
        )

    def at(self, point: Point) -> "Commune | None":
        """The commune a point lies in, with its province and region; None outside Morocco.

        The commune boundaries leave a few gaps (about 825 km² in all, mostly in Khénifra)
        where province boundaries do not: a point in such a gap belongs to the nearest
        commune of its province."""
        communes = self.with_areas()
        commune = communes.containing(point).first()
        if commune is None:
            province = Province.objects.containing(point).first()
            if province is not None:
                commune = (
                    communes.filter(province=province)
                    .order_by(GeometryDistance("geom", point))
                    .first()
                )
        return commune

    def at_points(self, points: list[Point]) -> dict[tuple[float, float], "Commune | None"]:
        """The commune of each point, by (longitude, latitude), as `at` finds it: one
        query for all the points that fall inside a commune, then `at` for the few in the
        boundaries' gaps or outside Morocco."""
        keys = list(dict.fromkeys((point.x, point.y) for point in points))
        if not keys:
            return {}
        table = self.model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT p.lon, p.lat, ("  # noqa: S608 (the table's name from the model)
                f"SELECT m.id FROM {table} m "
                "WHERE ST_Covers(m.geom, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326)) "
                "ORDER BY ST_Area(m.geom), m.code LIMIT 1"
                ") FROM unnest(%(lons)s::float8[], %(lats)s::float8[]) AS p(lon, lat)",
                {"lons": [lon for lon, _lat in keys], "lats": [lat for _lon, lat in keys]},
            )
            found = {(lon, lat): commune_id for lon, lat, commune_id in cursor.fetchall()}
        communes = self.with_areas().in_bulk(
            {commune_id for commune_id in found.values() if commune_id is not None}
        )
        return {
            key: communes[commune_id] if commune_id is not None else self.at(Point(*key, srid=4326))
            for key, commune_id in found.items()
        }


class Commune(AdminArea):
    class Kind(models.TextChoices):
        URBAN = "urban", _("urban commune")
        RURAL = "rural", _("rural commune")

    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="communes", verbose_name=_("province")
    )

    objects = CommuneQuerySet.as_manager()

    class Meta(AdminArea.Meta):
        verbose_name = _("commune")
        verbose_name_plural = _("communes")


class District(AdminArea):
    """An arrondissement. Casablanca, Rabat, Fès, Marrakech, Tanger and Salé are one
    commune each, divided into districts that people name where they live (Maârif, Hay
    Mohammadi, Agdal); the commune's boundary is the union of its districts'."""

    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="districts", verbose_name=_("commune")
    )

    class Meta(AdminArea.Meta):
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    # The HCP's name of the unit, the gazetteer's unit_kind.
    kind = "arrondissement"


class PlaceAlias(models.Model):
    """Another name a commune is known by: an exonym (Tangier, Fez), an older or a local
    spelling (Rbat, Dar el Beida), or its name in Tifinagh, from GeoNames (see
    aliases.place_aliases_load, which chooses them)."""

    class Script(models.TextChoices):
        LATIN = "latn", _("Latin")
        ARABIC = "arab", _("Arabic")
        TIFINAGH = "tfng", _("Tifinagh")

    commune = models.ForeignKey(
        Commune, on_delete=models.CASCADE, related_name="aliases", verbose_name=_("commune")
    )
    name = models.CharField(_("name"), max_length=200)
    script = models.CharField(_("script"), max_length=4, choices=Script.choices)
    geonames_id = models.PositiveIntegerField(_("GeoNames id"))
    search = models.GeneratedField(
        expression=SearchNormalize("name"), output_field=models.TextField(), db_persist=True
    )

    class Meta:
        verbose_name = _("other name")
        verbose_name_plural = _("other names")
        ordering = ["commune__code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["commune", "name"], name="regions_alias_unique")
        ]
        indexes = [GinIndex(fields=["search"], opclasses=["gin_trgm_ops"], name="alias_search")]

    def __str__(self):
        return self.name


class TextArray(Func):
    """ARRAY[…]::text[] of the expressions, empty when there are none."""

    template = "ARRAY[%(expressions)s]::text[]"
    output_field = models.TextField()


class WordMatchesAny(Func):
    """`name %> ANY(terms)`: a word of the name is close to one of the terms (pg_trgm's
    word similarity reaches its threshold), which the trigram index answers."""

    template = "(%(expressions)s))"
    arg_joiner = " %%> ANY("
    output_field = models.BooleanField()


class NameMatch(Func):
    """The database's `place_name_match(name, typed, readings)`: how a name matches, from
    0 (the typed text exactly) to 5 (close to a reading); see regions/place_names.py."""

    function = "place_name_match"
    output_field = IntegerField()


class NameWordSimilarity(Func):
    function = "place_name_word_similarity"
    output_field = models.FloatField()


class NameSimilarity(Func):
    function = "place_name_similarity"
    output_field = models.FloatField()


class SearchHit(Func):
    """One value of the place's search hit, read from the hits' arrays in step 2 of
    PlaceQuerySet.search: `values[array_position(codes, code)]`."""

    def __init__(self, values: list, codes: list[str], sql_type: str, output_field):
        super().__init__(Value(values), Value(codes), F("code"), output_field=output_field)
        self.sql_type = sql_type

    def as_sql(self, compiler, connection, **extra_context):
        values, codes, code = self.source_expressions
        values_sql, values_params = compiler.compile(values)
        codes_sql, codes_params = compiler.compile(codes)
        code_sql, code_params = compiler.compile(code)
        sql = f"({values_sql}::{self.sql_type}[])[array_position({codes_sql}::text[], {code_sql})]"
        return sql, (*values_params, *codes_params, *code_params)


class PlaceQuerySet(models.QuerySet):
    def search(self, query: str) -> Self:
        """Places one of whose names matches the query, best first (PLACE_RANKING); each
        with the name that matched best (`matched_name`, `matched_alias`).

        A name is an official name in Arabic or French, or an alias (PlaceAlias). It
        matches when one of its words is close to the query: its trigram word similarity
        reaches pg_trgm's `word_similarity_threshold` (0.6 by default). That covers exact
        names, prefixes of two letters or more and small typos, and the trigram index
        answers it. A query in Latin letters is also read as Darija (regions.darija:
        "tanja" is طنجة), and its readings matched like it, after it. A place is listed
        once, for its best name (NAME_RANKING).

        Two steps, so that each reads one table by its index: the names that match are
        ranked in PlaceName and the best of each place kept (one query, run now), then
        the places are read by code with what their best name scored. The matching is
        done by three SQL functions (regions/place_names.py)."""
        typed = SearchNormalize(Value(query))
        readings = TextArray(
            *(SearchNormalize(Value(reading)) for reading in _darija_readings(query))
        )
        name = F("search")
        best_names = (
            PlaceName.objects.filter(
                WordMatchesAny(name, TextArray(typed, *readings.source_expressions))
            )
            .annotate(
                match_rank=NameMatch(name, typed, readings),
                alias_rank=Case(When(is_alias=True, then=1), default=0),
                similarity=NameWordSimilarity(name, typed, readings),
                whole_name_similarity=NameSimilarity(name, typed, readings),
            )
            .order_by("place_id", *NAME_RANKING, "name")
            .distinct("place_id")
        )
        hits = list(
            best_names.annotate(name_order=Window(DenseRank(), order_by=NAME_RANKING)).values_list(
                "place_id", "name_order", "match_rank", "name", "is_alias"
            )
        )
        if not hits:
            return self.none()
        codes, name_orders, match_ranks, names, aliases = map(list, zip(*hits, strict=True))
        return (
            self.filter(code__in=codes)
            .annotate(
                name_order=SearchHit(name_orders, codes, "integer", IntegerField()),
                match_rank=SearchHit(match_ranks, codes, "integer", IntegerField()),
                matched_name=SearchHit(names, codes, "text", models.TextField()),
                matched_alias=SearchHit(aliases, codes, "boolean", models.BooleanField()),
                level_rank=Case(
                    *(When(kind=kind, then=rank) for rank, kind in enumerate(Place.Kind)),
                    output_field=IntegerField(),
                ),
            )
            .order_by(*PLACE_RANKING)
        )


# Shorter texts, and texts ending in one letter ("bni o"), are typing in progress: their
# readings would match noise (and many names, which costs time at every key press).
READING_MINIMUM_LETTERS = 3


def _darija_readings(query: str) -> list[str]:
    words = query.split()
    if sum(character.isalpha() for character in query) < READING_MINIMUM_LETTERS:
        return []
    if len(words) > 1 and len(words[-1]) == 1:
        return []
    return arabic_readings(query)


class Place(models.Model):
    """Every region, province, commune and district as one searchable gazetteer (a
    database view, regions migration 0006), each with the point distances from it are
    measured from."""

    class Kind(models.TextChoices):
        # In the order a search ranks places whose names match equally (PLACE_RANKING):
        # the smallest unit first.
        DISTRICT = "district", _("district")
        COMMUNE = "commune", _("commune")
        PROVINCE = "province", _("province or prefecture")
        REGION = "region", _("region")

    code = models.CharField(max_length=16, primary_key=True)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    # The unit's own kind: Commune.Kind, Province.Kind, "region" or District.kind.
    unit_kind = models.CharField(max_length=16)
    name_ar = models.CharField(max_length=200)
    name_fr = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    population = models.PositiveIntegerField(null=True)
    region_code = models.CharField(max_length=16)
    province_code = models.CharField(max_length=16, null=True)
    reference_point = models.PointField(srid=4326, null=True)
    # Where distances from the place start: a commune's reference point, or that of the
    # seat of a province or region (never a point inside a large area's boundary).
    origin = models.PointField(srid=4326, null=True)
    seat_code = models.CharField(max_length=16, null=True)
    seat_name_ar = models.CharField(max_length=200, null=True)
    seat_name_fr = models.CharField(max_length=200, null=True)
    seat_name_en = models.CharField(max_length=200, null=True)
    # The commune a district belongs to; null for the other kinds (a commune is not its
    # own commune).
    commune_code = models.CharField(max_length=16, null=True)
    commune_name_ar = models.CharField(max_length=200, null=True)
    commune_name_fr = models.CharField(max_length=200, null=True)
    commune_name_en = models.CharField(max_length=200, null=True)
    bbox = models.PolygonField(srid=4326, null=True)
    search_ar = models.TextField()
    search_fr = models.TextField()

    objects = PlaceQuerySet.as_manager()

    class Meta:
        managed = False
        db_table = "regions_place"

    def __str__(self):
        return f"{self.get_kind_display()} {self.code} {localized(self, 'name')}"

    @property
    def label(self) -> str:
        """The place's name in the active language; a district's with its commune's, which
        its name alone does not say: "Maârif, Casablanca"."""
        name = localized(self, "name")
        if self.commune_code is None:
            return name
        commune = localized(self, "commune_name")
        return _("%(name)s, %(commune)s") % {"name": name, "commune": commune}

    @property
    def label_text(self) -> Text:
        """The label, with the language its names are in."""
        return Text(self.label, in_language(self, "name").language)

    @property
    def measured_from(self) -> SafeString:
        """Which place distances are measured from, in the active language: the district
        or commune itself, or the seat of a province or region; as HTML, each name marked
        with its language when it is not the page's."""
        names = {
            "name": conditional_escape(in_language(self, "name")),
            "seat": conditional_escape(in_language(self, "seat_name")),
            "commune": conditional_escape(in_language(self, "commune_name")),
        }
        sentences = {
            District.kind: _("%(name)s, %(commune)s (district)"),
            Commune.Kind.URBAN: _("%(name)s (town)"),
            Commune.Kind.RURAL: _("%(name)s (rural commune)"),
            Province.Kind.PROVINCE: _("the province of %(name)s, measured from its seat %(seat)s"),
            Province.Kind.PREFECTURE: _(
                "the prefecture of %(name)s, measured from its seat %(seat)s"
            ),
            Place.Kind.REGION: _("the region of %(name)s, measured from its seat %(seat)s"),
        }
        return mark_safe(escape(sentences[self.unit_kind]) % names)  # noqa: S308 (escaped)


# The order of a place search's results, one key after the other:
# 1. how the name matches: exact, then starting with the query, then a close spelling;
#    at each step the typed text before its Darija readings ("casa" is Casablanca, which
#    it begins, before a name its reading قاسة is close to);
# 2. an official name before an alias: "Fez" is an alias of Fès, and close to Fezna;
# 3. how close its closest word is, then the whole name ("marakech" is Marrakech before
#    Marrakech-Safi);
# 4. among names that match equally, so a town and the province or region named after
#    it, the smallest unit first (Place.Kind's order: district, commune, province,
#    region): it is where people are;
# 5. the larger population, then the code, so that the order is always the same.
# The first three keys also choose which of a place's names it is listed for.
NAME_RANKING = (
    "match_rank",
    "alias_rank",
    F("similarity").desc(),
    F("whole_name_similarity").desc(),
)
PLACE_RANKING = (
    "name_order",  # the place's best name's order by NAME_RANKING
    "level_rank",
    F("population").desc(nulls_last=True),
    "code",
)


class PlaceName(models.Model):
    """Every name of every place, one row each: the official names in Arabic and French
    of each region, province, commune and district, and each alias, which the place
    search reads through one trigram index. The database keeps it
    (regions/place_names.py): the units' and aliases' own rows are the truth, this table
    their index."""

    # "<code>:fr", "<code>:ar", or "alias:<alias id>".
    id = models.CharField(max_length=40, primary_key=True)
    place = models.ForeignKey(
        Place, on_delete=models.DO_NOTHING, db_constraint=False, related_name="names"
    )
    name = models.CharField(max_length=200)
    search = models.GeneratedField(
        expression=SearchNormalize("name"), output_field=models.TextField(), db_persist=True
    )
    is_alias = models.BooleanField()

    class Meta:
        # Without GIN's pending list: entries written since the last vacuum would be read
        # one by one by every search (the table is rewritten by each load).
        indexes = [
            GinIndex(
                fields=["search"],
                opclasses=["gin_trgm_ops"],
                name="place_name_search",
                fastupdate=False,
            )
        ]
