"""Builds the regions, provinces, communes and districts from the two packages (see
sources.py) and writes what changed, in one transaction.

Geometry work uses shapely: its coverage simplification keeps the borders that
neighbouring units share, so the light boundaries drawn on maps have neither gaps nor
overlaps (GEOS 3.11, which PostGIS uses here, cannot do it).
"""

from dataclasses import dataclass, field

import shapely
from django.contrib.gis.geos import GEOSGeometry
from django.db import transaction
from django.db.models import Case, Exists, F, OuterRef, Q, Subquery, When
from shapely.geometry import MultiPolygon, Polygon

from .models import Commune, District, Province, Region
from .sources import Sources, UnitRecord, Unmatched, read_sources, true_latitude

# In the order they are loaded: each level's parents first.
MODELS = {"region": Region, "province": Province, "commune": Commune, "district": District}
# The field naming each level's parent, which is also the parent's level.
PARENT_FIELD = {"province": "region", "commune": "province", "district": "commune"}
# The levels whose units have a kind of their own (Province.Kind, Commune.Kind).
WITH_KIND = {"province", "commune"}
# Tolerance of the simplified boundaries, in degrees (0.01° is about 1 km).
SIMPLIFY_TOLERANCE = {"region": 0.01, "province": 0.005, "commune": 0.002, "district": 0.001}
ATTRIBUTES = ["name_ar", "name_fr", "population_2024", "households_2024"]


@dataclass
class LevelReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    without_boundary: list[str] = field(default_factory=list)
    not_in_source: list[str] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return self.created + self.updated


@dataclass
class LoadReport:
    levels: dict[str, LevelReport]
    unmatched: list[Unmatched]
    skipped: list[Unmatched]
    versions: dict[str, str]
    seats_assigned: int = 0

    @property
    def changed(self) -> int:
        return sum(level.changed for level in self.levels.values()) + self.seats_assigned


def admin_areas_load(*, sources: Sources | None = None) -> LoadReport:
    sources = sources or read_sources()
    levels = {}
    with transaction.atomic():
        for level in MODELS:
            levels[level] = _load_level(level, sources.units[level])
        seats_assigned = seats_assign()
    return LoadReport(levels, sources.unmatched, sources.skipped, sources.versions, seats_assigned)


def _load_level(level: str, units: list[UnitRecord]) -> LevelReport:
    model = MODELS[level]
    report = LevelReport()
    existing = {area.code: area for area in model.objects.without_boundaries()}
    digests = {unit.code: unit.source_digest() for unit in units}
    report.not_in_source = sorted(set(existing) - set(digests))
    report.without_boundary = [f"{unit.code} {unit.name_fr}" for unit in units if not unit.rings]
    changed = [
        unit
        for unit in units
        if unit.code not in existing or existing[unit.code].source_digest != digests[unit.code]
    ]
    report.unchanged = len(units) - len(changed)
    if not changed:
        return report

    # Simplification works on the whole level so that shared borders stay shared: when
    # one unit changes, every unit of the level is rewritten.
    boundaries = {unit.code: _boundary(unit) for unit in units}
    simplified = _simplify_coverage(boundaries, SIMPLIFY_TOLERANCE[level])
    parents = _parent_ids(level)
    to_create, to_update = [], []
    for unit in units:
        area = existing.get(unit.code) or model(code=unit.code)
        for name in ATTRIBUTES:
            setattr(area, name, getattr(unit, name))
        if level in WITH_KIND:
            area.kind = unit.kind
        if level in PARENT_FIELD:
            setattr(area, f"{PARENT_FIELD[level]}_id", parents[unit.parent_code])
        boundary = boundaries[unit.code]
        area.geom = _geos(boundary)
        area.geom_simplified = _geos(simplified[unit.code])
        area.reference_point = _geos(boundary.point_on_surface()) if boundary else None
        area.source_digest = digests[unit.code]
        (to_update if unit.code in existing else to_create).append(area)
    report.created = len(to_create)
    report.updated = len(changed) - len(to_create)
    model.objects.bulk_create(to_create, batch_size=100)
    fields = [*ATTRIBUTES, "geom", "geom_simplified", "reference_point", "source_digest"]
    if level in WITH_KIND:
        fields.append("kind")
    if level in PARENT_FIELD:
        fields.append(PARENT_FIELD[level])
    model.objects.bulk_update(to_update, fields, batch_size=100)
    return report


def seats_assign(*, region_model=Region, province_model=Province, commune_model=Commune) -> int:
    """Gives each province and region without a seat, or whose seat is no longer one of
    its communes, its most populous urban commune (a commune of any kind if it has no
    urban one). Returns how many areas changed. The models are arguments so that a
    migration can pass its historical ones.

    Neither package names the capitals (chefs-lieux); population says where most people
    are. A seat already set is kept, so that one corrected by hand outlives a reload."""
    changed = 0
    for model, within in ((province_model, "province"), (region_model, "province__region")):
        communes = commune_model.objects.filter(**{within: OuterRef("pk")})
        most_populous = communes.order_by(
            Case(When(kind="urban", then=0), default=1),
            F("population_2024").desc(nulls_last=True),
            "code",
        )
        changed += (
            model.objects.filter(Q(seat=None) | ~Q(**{f"seat__{within}": F("pk")}))
            .filter(Exists(communes))
            .update(seat=Subquery(most_populous.values("pk")[:1]))
        )
    return changed


def _boundary(unit: UnitRecord) -> MultiPolygon | None:
    """The unit's rings, latitude-corrected, repaired and merged into one multipolygon."""
    if not unit.rings:
        return None
    polygons = [
        Polygon([(float(x), true_latitude(float(y))) for x, y in zip(xs, ys, strict=True)])
        for xs, ys in unit.rings
    ]
    return _as_multipolygon(shapely.union_all([shapely.make_valid(p) for p in polygons]))


def _simplify_coverage(boundaries: dict, tolerance: float) -> dict:
    codes = [code for code, boundary in boundaries.items() if boundary is not None]
    simplified = shapely.coverage_simplify([boundaries[code] for code in codes], tolerance)
    result = dict.fromkeys(boundaries)
    for code, geometry in zip(codes, simplified, strict=True):
        result[code] = _as_multipolygon(shapely.make_valid(geometry))
    return result


def _as_multipolygon(geometry) -> MultiPolygon | None:
    """Keeps the polygons of a geometry that repair may have turned into a collection."""
    polygons = [
        polygon
        for part in shapely.get_parts(geometry)
        for polygon in shapely.get_parts(part)
        if polygon.geom_type == "Polygon" and not polygon.is_empty
    ]
    return MultiPolygon(polygons) if polygons else None


def _geos(geometry) -> GEOSGeometry | None:
    if geometry is None:
        return None
    return GEOSGeometry(memoryview(shapely.to_wkb(geometry)), srid=4326)


def _parent_ids(level: str) -> dict[str, int]:
    if level not in PARENT_FIELD:
        return {}
    return dict(MODELS[PARENT_FIELD[level]].objects.values_list("code", "id"))
