"""The directory as Open Referral HSDS 3 records, from public facts only.

Which centers: those the public API lists, `Center.objects.listed()` (published, open or
temporarily closed; synthetic centers, which only a benchmark database holds, are treated
as the API treats them). Each is one HSDS service, delivered at one location (its public
position, and its public address when it has one: centers/privacy.py) and linked to it by
one service_at_location. Its managing organisation, free text, is its organization: one
per distinct text, and one for the centers whose managing body is not recorded. Its
category and services are taxonomy terms, attached to the service as attributes; its
phones, weekly hours and accessibility features are phone, schedule and accessibility
rows. The center's exact position and street address are never read here: the
querysets below load only the fields in CENTER_FIELDS.

Texts that staff write in Arabic and French (names, descriptions, eligibility) are given
in both: a name in Arabic with its French as the alternate name, a description as the
Arabic then the French. Texts of the directory's own (taxonomy names, notes on a
position's precision) are in the language of the request. Languages spoken and costs are
not recorded by the directory: they are left out. A text that HSDS requires and the
directory does not record (an organization's description, a postal code, the description
of a service term) is an empty string, never made up.

Identifiers stay the same from one export to the next. A center's own records (its
service, location and service_at_location) carry the center's id inside their UUID, a
version 8 UUID (RFC 9562: a layout of the project's own) under the project's prefix, so
that a record asked for by its id is found through the primary key; every other record's
id is the UUID 5 under NAMESPACE of "<kind>:<key>".
"""

import functools
import uuid
from datetime import UTC

from django.db.models import F, Prefetch, QuerySet
from django.db.models.functions import Trim
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from centers.hours import DAYS
from centers.models import AccessibilityFeature, Center, Service
from geo_directory.languages import localized

# Fixed for the project: changing it changes every identifier the directory has given.
NAMESPACE = uuid.UUID("176f82bc-568b-48ba-890c-5f66168a331c")

# Kinds of record, the first part of their identifier's name.
ORGANIZATION = "organization"
SERVICE = "service"
LOCATION = "location"
SERVICE_AT_LOCATION = "service_at_location"
ADDRESS = "address"
PHONE = "phone"
SCHEDULE = "schedule"
ACCESSIBILITY = "accessibility"
ATTRIBUTE = "attribute"
TAXONOMY = "taxonomy"
TAXONOMY_TERM = "taxonomy_term"

# The directory's two taxonomies, by code.
CATEGORIES = "category"
SERVICES = "service"

# HSDS's service status of each status a listed center may have (LISTED_STATUSES):
# planned and closed centers are not listed, so not exported.
STATUS = {
    Center.Status.OPEN: "active",
    Center.Status.TEMPORARILY_CLOSED: "temporarily closed",
}

# ISO 3166-1 alpha-2.
COUNTRY = "MA"

PRECISION_NOTES = {
    Center.Precision.STREET: gettext_lazy(
        "The position is that of the street, not of the building."
    ),
    Center.Precision.COMMUNE: gettext_lazy(
        "An approximate position: the reference point of the commune, not the center's own."
    ),
}

# What the records read of a center: public fields only.
CENTER_FIELDS = [
    "id",
    "name_ar",
    "name_fr",
    "category",
    "description_ar",
    "description_fr",
    "eligibility_ar",
    "eligibility_fr",
    "phones",
    "email",
    "website",
    "opening_hours",
    "opening_hours_note",
    "status",
    "status_note",
    "public_location",
    "public_location_precision",
    "public_address_ar",
    "public_address_fr",
    "last_verified_on",
    "public_updated_at",
]
_AREAS = ("commune", "province", "region")
_LANGUAGES = ("ar", "fr")


# The kinds of a center's own records, as numbered in their UUIDs.
CENTER_KINDS = {SERVICE: 1, LOCATION: 2, SERVICE_AT_LOCATION: 3}
# A center's record's UUID: the namespace's first 48 bits, version 8, the kind (12 bits),
# the variant (2 bits, 0b10) and the center's id (62 bits).
_PREFIX = NAMESPACE.int >> 80
_CENTER_ID_BITS = 62


def _center_record_head(kind: str) -> int:
    return (_PREFIX << 80) | (8 << 76) | (CENTER_KINDS[kind] << 64) | (0b10 << 62)


# A center's records name its service and location many times over: each id is computed
# once (a UUID 5 costs a SHA-1).
@functools.lru_cache(maxsize=4096)
def record_id(kind: str, key) -> str:
    if kind in CENTER_KINDS:
        return str(uuid.UUID(int=_center_record_head(kind) | int(key)))
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{key}"))


def center_id_of(kind: str, identifier: uuid.UUID) -> int | None:
    """The id of the center whose record of this kind has this id; None for an id that
    is no such record's."""
    head = _center_record_head(kind)
    if identifier.int >> _CENTER_ID_BITS != head >> _CENTER_ID_BITS:
        return None
    return identifier.int & ((1 << _CENTER_ID_BITS) - 1)


# The key of a center's organization: its managing organisation, trimmed ("" for none).
ORGANIZATION_KEY = Trim("managing_organisation")


def listed_centers() -> QuerySet:
    """The centers HSDS describes, by id (a stable order to page through), each with its
    organization's key and the names of its commune, province and region."""
    names = {
        f"{area}_name_{language}": F(f"{area}__name_{language}")
        for area in _AREAS
        for language in _LANGUAGES
    }
    return (
        Center.objects.listed()
        .only(*CENTER_FIELDS)
        .annotate(organization_key=ORGANIZATION_KEY, **names)
        .order_by("id")
    )


def with_details(centers: QuerySet) -> QuerySet:
    """With what the nested records read: category, services, accessibility features."""
    taxonomy = ["code", "name_ar", "name_fr", "name_en"]
    category = [f"category__{name}" for name in taxonomy] + [
        f"category__description_{language}" for language in ("ar", "fr", "en")
    ]
    return (
        centers.select_related("category")
        .only(*CENTER_FIELDS, *category)
        .prefetch_related(
            Prefetch(
                "services",
                queryset=Service.objects.only("id", *taxonomy),
                to_attr="public_services",
            ),
            Prefetch(
                "accessibility",
                queryset=AccessibilityFeature.objects.only("id", *taxonomy),
                to_attr="accessibility_features",
            ),
        )
    )


def organization_keys() -> QuerySet:
    """The distinct keys of the listed centers' organizations, in order."""
    return (
        Center.objects.listed()
        .order_by()
        .annotate(key=ORGANIZATION_KEY)
        .values_list("key", flat=True)
        .distinct()
        .order_by("key")
    )


def organization_key_of(identifier: uuid.UUID) -> str | None:
    """The key of the organization that has this id, if it manages a listed center (the
    organizations are few: their ids are computed here)."""
    wanted = str(identifier)
    return next(
        (key for key in organization_keys().iterator() if record_id(ORGANIZATION, key) == wanted),
        None,
    )


def organization_services(key: str) -> QuerySet:
    """The listed centers the organization manages, with what `organization_detail`
    reads of them."""
    return (
        Center.objects.listed()
        .alias(key=ORGANIZATION_KEY)
        .filter(key=key)
        .only("id", "name_ar", "name_fr", "status", "public_updated_at")
        .order_by("id")
    )


# Records. Keys whose value is None are left out; "" is an empty text that HSDS requires.


def _record(**fields) -> dict:
    return {key: value for key, value in fields.items() if value is not None}


def _optional(text: str) -> str | None:
    return text.strip() or None


def _both(arabic: str, french: str) -> str | None:
    """A text given in Arabic and in French: the Arabic, then the French."""
    return "\n\n".join(text.strip() for text in (arabic, french) if text.strip()) or None


def _name(center: Center) -> str:
    return center.name_ar or center.name_fr


def _alternate_name(center: Center) -> str | None:
    return center.name_fr if center.name_ar and center.name_fr else None


def _timestamp(moment) -> str:
    """ISO 8601 in UTC, to the millisecond, as HSDS's last_modified asks."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def organization(key: str) -> dict:
    if key:
        return {"id": record_id(ORGANIZATION, key), "name": key, "description": ""}
    return {
        "id": record_id(ORGANIZATION, key),
        "name": _("Managing body not recorded"),
        "description": _("The directory does not record which body manages these centers."),
    }


def organization_detail(key: str, centers) -> dict:
    """An organization with the services it manages, each by its id, name and status."""
    services = [
        {
            "id": record_id(SERVICE, center.id),
            "name": _name(center),
            "status": STATUS[center.status],
        }
        for center in centers
    ]
    return {**organization(key), "services": services}


def service(center: Center) -> dict:
    """A service with its one-to-one fields: a row of its table."""
    return _record(
        id=record_id(SERVICE, center.id),
        organization_id=record_id(ORGANIZATION, center.organization_key),
        name=_name(center),
        alternate_name=_alternate_name(center),
        description=_both(center.description_ar, center.description_fr),
        url=_optional(center.website),
        email=_optional(center.email),
        status=STATUS[center.status],
        eligibility_description=_both(center.eligibility_ar, center.eligibility_fr),
        assured_date=center.last_verified_on.isoformat() if center.last_verified_on else None,
        alert=_optional(center.status_note),
        last_modified=_timestamp(center.public_updated_at),
    )


def service_item(center: Center) -> dict:
    """A service with its organization, as HSDS's lists give it."""
    return {**service(center), "organization": organization(center.organization_key)}


def service_detail(center: Center) -> dict:
    """A service with everything HSDS nests in it (`with_details` centers)."""
    return {
        **service_item(center),
        "phones": phones(center),
        "schedules": schedules(center),
        "service_at_locations": [
            {**service_at_location_link(center), "location": location_detail(center)}
        ],
        "attributes": attributes(center),
    }


@functools.lru_cache
def _precision_note(precision: str, language: str) -> str | None:
    """The note on a position's precision, in the active language (passed to key the
    cache: a lookup in the catalogue costs more than the rest of a location)."""
    note = PRECISION_NOTES.get(precision)
    return str(note) if note else None


def location(center: Center) -> dict:
    """A location with its one-to-one fields: the public position."""
    point = center.public_location
    return _record(
        id=record_id(LOCATION, center.id),
        location_type="physical",
        name=_name(center),
        alternate_name=_alternate_name(center),
        description=_precision_note(center.public_location_precision, get_language()),
        # WGS84 decimal degrees, 6 decimals (about 10 cm).
        latitude=round(point.y, 6),
        longitude=round(point.x, 6),
    )


def location_detail(center: Center) -> dict:
    return {
        **location(center),
        "addresses": addresses(center),
        "accessibility": accessibility(center),
    }


def service_at_location_link(center: Center) -> dict:
    return {
        "id": record_id(SERVICE_AT_LOCATION, center.id),
        "service_id": record_id(SERVICE, center.id),
        "location_id": record_id(LOCATION, center.id),
    }


def service_at_location(center: Center) -> dict:
    """As HSDS's lists give it: with its service and location, one-to-one fields."""
    return {
        **service_at_location_link(center),
        "service": service_item(center),
        "location": location(center),
    }


def service_at_location_detail(center: Center) -> dict:
    return {
        **service_at_location_link(center),
        "service": service_item(center),
        "location": location_detail(center),
    }


def addresses(center: Center) -> list[dict]:
    """The public address, if any, in Arabic with its French as the second line (or in
    French alone), with the commune, province and region in the same language. A
    sensitive center has none (centers/privacy.py)."""
    arabic, french = center.public_address_ar.strip(), center.public_address_fr.strip()
    if not (arabic or french):
        return []
    language = "ar" if arabic else "fr"

    def area(name: str) -> str:
        other = "fr" if language == "ar" else "ar"
        return getattr(center, f"{name}_name_{language}") or getattr(center, f"{name}_name_{other}")

    return [
        _record(
            id=record_id(ADDRESS, center.id),
            location_id=record_id(LOCATION, center.id),
            address_1=arabic or french,
            address_2=french if arabic and french else None,
            city=area("commune"),
            region=area("region"),
            state_province=area("province"),
            # Required by HSDS; the directory records no postal codes.
            postal_code="",
            country=COUNTRY,
            address_type="physical",
        )
    ]


def phones(center: Center) -> list[dict]:
    """The center's numbers, in E.164 (centers/phones.py)."""
    return [
        {
            "id": record_id(PHONE, f"{center.id}:{number}"),
            "service_id": record_id(SERVICE, center.id),
            "number": number,
        }
        for number in dict.fromkeys(center.phones)
    ]


def schedules(center: Center) -> list[dict]:
    """The weekly hours (centers/hours.py), one row per time range with the days it is
    kept (RFC 5545 BYDAY), with the hours note; the note alone when no hours are
    recorded. Times are local, in Morocco (Africa/Casablanca), whose offset from UTC
    changes during Ramadan: no offset is given."""
    days_of_range: dict[tuple[str, str], list[str]] = {}
    for day in DAYS:
        for opens, closes in center.opening_hours.get(day, []):
            days_of_range.setdefault((opens, closes), []).append(day)
    note = _optional(center.opening_hours_note)
    service_id = record_id(SERVICE, center.id)
    if not days_of_range:
        if note is None:
            return []
        return [
            {
                "id": record_id(SCHEDULE, f"{center.id}:note"),
                "service_id": service_id,
                "notes": note,
            }
        ]
    return [
        _record(
            id=record_id(SCHEDULE, f"{center.id}:{opens}-{closes}"),
            service_id=service_id,
            freq="WEEKLY",
            byday=",".join(day[:2].upper() for day in days),
            opens_at=f"{opens}:00",
            closes_at=f"{closes}:00",
            notes=note,
        )
        for (opens, closes), days in days_of_range.items()
    ]


def accessibility(center: Center) -> list[dict]:
    return [
        {
            "id": record_id(ACCESSIBILITY, f"{center.id}:{feature.code}"),
            "location_id": record_id(LOCATION, center.id),
            "description": localized(feature, "name"),
        }
        for feature in center.accessibility_features
    ]


def attributes(center: Center) -> list[dict]:
    """The service's category and services, each with its taxonomy term."""
    terms = [
        (CATEGORIES, category_term(center.category)),
        *((SERVICES, service_term(item)) for item in center.public_services),
    ]
    return [
        {
            "id": record_id(ATTRIBUTE, f"{center.id}:{taxonomy}:{term['code']}"),
            "link_id": record_id(SERVICE, center.id),
            "link_entity": "service",
            "taxonomy_term_id": term["id"],
            "taxonomy_term": term,
        }
        for taxonomy, term in terms
    ]


def taxonomies() -> list[dict]:
    return [
        {
            "id": record_id(TAXONOMY, CATEGORIES),
            "name": _("Categories of social centers"),
            "description": _("The kinds of social center in the directory, by whom they are for."),
        },
        {
            "id": record_id(TAXONOMY, SERVICES),
            "name": _("Services of social centers"),
            "description": _("What the social centers of the directory offer."),
        },
    ]


def _term(taxonomy: str, item, description: str) -> dict:
    return {
        "id": record_id(TAXONOMY_TERM, f"{taxonomy}:{item.code}"),
        "code": item.code,
        "name": localized(item, "name"),
        "description": description,
        "taxonomy_id": record_id(TAXONOMY, taxonomy),
        # ISO 639-1: the language of the name and description.
        "language": get_language(),
    }


def category_term(category) -> dict:
    return _term(CATEGORIES, category, localized(category, "description"))


def service_term(item: Service) -> dict:
    # The directory describes its services by their names only.
    return _term(SERVICES, item, "")
