"""The privacy rule for sensitive categories (women's spaces, child protection).

Outside the staff tools, a center of a sensitive category is placed at its commune's
reference point with precision `commune`, and its street address is not shown: its exact
position never leaves the server. `public_facts` is the one place the rule is applied; it
runs whenever a center is written and its result is stored in the center's `public_*`
fields, which are all that public queries, search, pages and API responses read
(distances and nearest-first ordering included, so that they cannot reveal the exact
position either).
"""

from dataclasses import dataclass

from django.contrib.gis.geos import Point

from regions.models import Commune

from .models import Center


@dataclass(frozen=True)
class PublicFacts:
    location: Point
    precision: str
    address_ar: str
    address_fr: str


def public_facts(
    *,
    sensitive: bool,
    location: Point,
    precision: str,
    commune: Commune,
    address_ar: str,
    address_fr: str,
) -> PublicFacts:
    """What the public may know of where a center is."""
    if sensitive:
        return PublicFacts(commune.reference_point, Center.Precision.COMMUNE, "", "")
    return PublicFacts(location, precision, address_ar, address_fr)


def apply_privacy_rule(center: Center) -> None:
    """Stores on the center what the public may know of where it is."""
    facts = public_facts(
        sensitive=center.category.sensitive,
        location=center.location,
        precision=center.location_precision,
        commune=center.commune,
        address_ar=center.address_ar,
        address_fr=center.address_fr,
    )
    center.public_location = facts.location
    center.public_location_precision = facts.precision
    center.public_address_ar = facts.address_ar
    center.public_address_fr = facts.address_fr


PUBLIC_FIELDS = [
    "public_location",
    "public_location_precision",
    "public_address_ar",
    "public_address_fr",
]

# What staff know and the public never sees as such: the exact position and street
# address (the public sees the `public_*` fields derived from them) and the sheet
# reference. A change of these alone is not a public change.
STAFF_ONLY_FIELDS = {"location", "location_precision", "address_ar", "address_fr", "external_ref"}
