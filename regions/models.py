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
from django.contrib.postgres.search import TrigramSimilarity, TrigramWordSimilarity
from django.db import connection
from django.db.models import Case, F, Func, IntegerField, JSONField, Q, Value, When
from django.db.models.functions import Cast, Coalesce, Greatest, JSONObject
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

# The languages to read a text in, in order, when it is missing in the active one.
LANGUAGE_FALLBACKS = {"ar": ["ar", "fr", "en"], "fr": ["fr", "ar", "en"], "en": ["en", "fr", "ar"]}


def language_order() -> list[str]:
    """The languages to read a text in: the active one, then the next ones that have it."""
    return LANGUAGE_FALLBACKS.get(get_language(), LANGUAGE_FALLBACKS["ar"])


def localized(item, field: str) -> str:
    """The item's `<field>_<language>` (an attribute, or a key of a dict) in the active
    language, else in the next language that has it; "" when none has."""
    for language in language_order():
        key = f"{field}_{language}"
        value = item.get(key) if isinstance(item, dict) else getattr(item, key, "")
        if value:
            return value
    return ""


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


class PlaceQuerySet(models.QuerySet):
    def search(self, query: str) -> Self:
        """Places whose Arabic or French name matches the query, best first (PLACE_RANKING).

        A name matches when one of its words is close to the query: its trigram word
        similarity reaches pg_trgm's `word_similarity_threshold` (0.6 by default). That
        covers exact names, prefixes of two letters or more and small typos, and the
        trigram indexes answer it."""
        term = SearchNormalize(Value(query))
        exact = Q(search_fr=term) | Q(search_ar=term)
        prefix = Q(search_fr__startswith=term) | Q(search_ar__startswith=term)
        similar = Q(search_fr__trigram_word_similar=term) | Q(search_ar__trigram_word_similar=term)
        return (
            self.annotate(
                match_rank=Case(
                    When(exact, then=0),
                    When(prefix, then=1),
                    default=2,
                    output_field=IntegerField(),
                ),
                similarity=Greatest(
                    TrigramWordSimilarity(term, "search_fr"),
                    TrigramWordSimilarity(term, "search_ar"),
                ),
                whole_name_similarity=Greatest(
                    TrigramSimilarity("search_fr", term), TrigramSimilarity("search_ar", term)
                ),
                level_rank=Case(
                    *(When(kind=kind, then=rank) for rank, kind in enumerate(Place.Kind)),
                    output_field=IntegerField(),
                ),
            )
            .filter(similar)
            .order_by(*PLACE_RANKING)
        )


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
    def measured_from(self) -> str:
        """Which place distances are measured from, in the active language: the district
        or commune itself, or the seat of a province or region."""
        names = {
            "name": localized(self, "name"),
            "seat": localized(self, "seat_name"),
            "commune": localized(self, "commune_name"),
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
        return sentences[self.unit_kind] % names


# The order of a place search's results, one key after the other:
# 1. how the name matches: exact, then starting with the query, then a close spelling;
# 2. how close its closest word is, then the whole name ("marakech" is Marrakech before
#    Marrakech-Safi);
# 3. among names that match equally, so a town and the province or region named after
#    it, the smallest unit first (Place.Kind's order: district, commune, province,
#    region): it is where people are;
# 4. the larger population, then the code, so that the order is always the same.
# Other names of a place (aliases), were the gazetteer to hold some, would come in as a
# key before all these: an official name before an alias.
PLACE_RANKING = (
    "match_rank",
    F("similarity").desc(),
    F("whole_name_similarity").desc(),
    "level_rank",
    F("population").desc(nulls_last=True),
    "code",
)
