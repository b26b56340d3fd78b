"""Where a center is: a point checked against Morocco's communes, the commune it lies in,
and the geography derived from them when a center is written."""

from dataclasses import dataclass

from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from regions.models import Commune

from .models import Center
from .privacy import apply_privacy_rule


@dataclass(frozen=True)
class Position:
    """Where a center is: a point, the commune it lies in, and how precise it is."""

    point: Point
    commune: Commune
    precision: str


class CommuneLookup:
    """Where a position's commune is found: in the database one point at a time, or, for
    an import, from what one query found for all its rows."""

    def __init__(self, at_points=None, by_code=None):
        self._at_points = at_points or {}
        self._by_code = by_code

    @classmethod
    def for_values(cls, values: list[dict]) -> "CommuneLookup":
        """The communes of an import's rows, all read at once, from the rows' values."""
        points = [
            Point(v["longitude"], v["latitude"], srid=4326)
            for v in values
            if v.get("latitude") is not None and v.get("longitude") is not None
        ]
        codes = {v["commune_code"] for v in values if v.get("commune_code")}
        by_code = Commune.objects.select_related("province__region").without_boundaries()
        return cls(
            Commune.objects.at_points(points),
            {commune.code: commune for commune in by_code.filter(code__in=codes)},
        )

    def at(self, point: Point) -> Commune | None:
        key = (point.x, point.y)
        return self._at_points[key] if key in self._at_points else Commune.objects.at(point)

    def by_code(self, code: str) -> Commune:
        commune = (self._by_code or {}).get(code) if self._by_code is not None else None
        if commune is None and self._by_code is None:
            commune = Commune.objects.select_related("province__region").filter(code=code).first()
        if commune is None:
            raise ValidationError(
                {"commune_code": _("Unknown commune code: %(code)s.") % {"code": code}}
            )
        return commune


def position_resolve(
    *,
    latitude: float | None,
    longitude: float | None,
    commune_code: str = "",
    precision: str = "",
    communes: CommuneLookup | None = None,
) -> Position:
    """A position from latitude and longitude, or from a commune's code alone (then at
    the commune's reference point, precision `commune`). Raises ValidationError naming
    the field at fault: outside Morocco, latitude and longitude swapped, unknown commune,
    or a commune that does not contain the point."""
    communes = communes or CommuneLookup()
    if latitude is None and longitude is None:
        if not commune_code:
            raise ValidationError(
                {"latitude": _("Give a latitude and a longitude, or a commune code.")}
            )
        commune = communes.by_code(commune_code)
        return Position(commune.reference_point, commune, Center.Precision.COMMUNE)
    if latitude is None or longitude is None:
        field = "latitude" if latitude is None else "longitude"
        raise ValidationError({field: _("Give both the latitude and the longitude.")})

    point = Point(longitude, latitude, srid=4326)
    commune = communes.at(point)
    if commune is None:
        if communes.at(Point(latitude, longitude, srid=4326)) is not None:
            raise ValidationError(
                {
                    "latitude": _(
                        "Latitude and longitude look swapped: %(lat)s, %(lon)s is outside "
                        "Morocco, but %(lon)s, %(lat)s is inside. In Morocco the latitude is "
                        "between 20 and 36 and the longitude between -17 and -1."
                    )
                    % {"lat": latitude, "lon": longitude}
                }
            )
        raise ValidationError(
            {
                "latitude": _("This position (%(lat)s, %(lon)s) is outside Morocco.")
                % {"lat": latitude, "lon": longitude}
            }
        )
    if commune_code and commune_code != commune.code:
        raise ValidationError(
            {
                "commune_code": _(
                    "The position lies in the commune %(found)s (%(name)s), not in %(given)s."
                )
                % {"found": commune.code, "name": commune, "given": commune_code}
            }
        )
    return Position(point, commune, precision or Center.Precision.EXACT)


def apply_position(center: Center, position: Position) -> None:
    """Puts the center at the position, with the commune, province and region derived
    from it, and its public position by the privacy rule."""
    commune = position.commune
    center.location = position.point
    center.location_precision = position.precision
    center.commune = commune
    center.province = commune.province
    center.region = commune.province.region
    apply_privacy_rule(center)
