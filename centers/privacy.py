"""The privacy rule for sensitive categories (women's spaces, child protection).

Outside the staff tools, a center of a sensitive category is placed at its commune's
reference point with precision `commune`: its exact position never leaves the server.
`public_position` is the one place the rule is applied; it runs whenever a center is
written and its result is stored in `Center.public_location`, which is all that public
queries, pages and API responses read (distances and nearest-first ordering included, so
that they cannot reveal the exact position either).
"""

from django.contrib.gis.geos import Point

from regions.models import Commune

from .models import Center


def public_position(
    *, sensitive: bool, location: Point, precision: str, commune: Commune
) -> tuple[Point, str]:
    """The position and precision the public may see."""
    if sensitive:
        return commune.reference_point, Center.Precision.COMMUNE
    return location, precision
