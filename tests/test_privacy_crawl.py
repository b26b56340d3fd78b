"""A crawl of every public address for what the privacy rule hides.

Centers of a sensitive category (women's spaces, child protection) are shown to the
public at their commune's reference point and without a street address
(centers/privacy.py). The crawl builds such centers at exact, known positions with
distinctive street addresses, beside an ordinary center, fetches every public route in
every format and language, and reports each response that gives away an exact latitude
or longitude (as a number on its own, so in either order and in any pair) or a word of a
street address, or whose distances, order, radius, box, text search or coverage figures
follow the exact position instead of the public one. It also reports its blind spots:
places where the ordinary center's exact position and address should show and do not,
and centers missing where they should be listed. With the rule bypassed, the same crawl
reports leaks of every kind: it can fail.
"""

import csv
import functools
import html
import io
import itertools
import json
import re
import zipfile
from dataclasses import dataclass
from urllib.parse import unquote, urlencode, urlsplit

import pytest
from django.core.cache import cache
from django.db import connection
from django.urls import URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.utils import translation

from centers import privacy
from centers.models import LISTED_STATUSES, Center
from hsds.records import LOCATION, ORGANIZATION, SERVICE, SERVICE_AT_LOCATION, record_id
from partners.throttling import AnonymousRateThrottle
from planning.services import coverage_refresh
from regions.models import Commune, Province, Region

from .centers.factories import CategoryFactory, make_center

pytestmark = pytest.mark.django_db

# Positions are (latitude, longitude). No rounding of them to 3 to 6 decimals ends in 0,
# so that each is a distinct number to look for; their fourth and fifth decimals are 4
# and 6, so that `_beside` differs from them at every rounding. None is the API's
# documented example point (34.0209, -6.8416), which the OpenAPI schema shows.
CENTERS = {
    "women-rabat": {
        "category": "women",
        "at": (34.015463, -6.838463),
        "name_fr": "Espace Nour",
        "address_fr": "Impasse Zerktouni 5",
        "address_ar": "زنقة زرقطوني 5",
    },
    "child-rabat": {
        "category": "child-protection",
        "at": (33.995463, -6.865463),
        "name_fr": "Centre Amane",
        "address_fr": "Rue des Jasmins 12",
        "address_ar": "زنقة الياسمين 12",
    },
    "women-marrakech": {
        "category": "women",
        "at": (31.654463, -8.012463),
        "name_fr": "Espace Tilila",
        "address_fr": "Derb Azzouna 17",
        "address_ar": "درب عزونة 17",
    },
    # 290 m from the women's space of Rabat, which is shown 5.4 km away at Rabat's
    # reference point: nearest first from the women's space, this one comes first.
    "disability-rabat": {
        "category": "disability",
        "at": (34.017463, -6.836463),
        "name_fr": "Centre Ibtissama",
        "address_fr": "Rue des Capucines 9",
        "address_ar": "زنقة الأقحوان 9",
    },
}
SENSITIVE_CATEGORIES = {"women", "child-protection"}
# The words of each street address that nothing else on the site says.
ADDRESS_WORDS = {
    "women-rabat": ("Zerktouni", "زرقطوني"),
    "child-rabat": ("Jasmins", "الياسمين"),
    "women-marrakech": ("Azzouna", "عزونة"),
    "disability-rabat": ("Capucines", "الأقحوان"),
}
ORDINARY = "disability-rabat"
SENSITIVE = [name for name, facts in CENTERS.items() if facts["category"] in SENSITIVE_CATEGORIES]
FORMATS = ("json", "geojson", "csv")
LANGUAGE_PREFIXES = ("", "/fr", "/en")
SYNC_EPOCH = "2000-01-01T00:00:00Z"
TINY_RADIUS_KM = 0.05
# Half the side of a box around a point, in degrees: about 110 m north to south.
TINY_BOX_DEGREES = 0.001
MIN_METRES_FROM_REFERENCE = 1_000
EASTERN_ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
ARABIC_DECIMAL_SEPARATOR = "\u066b"

LEAK_KINDS = {
    "exact coordinate",
    "street address",
    "shown position",
    "distance",
    "order",
    "radius",
    "box",
    "text search",
    "coverage",
}
BLIND_SPOT = "blind spot"


@dataclass(frozen=True)
class Finding:
    url: str
    kind: str  # one of LEAK_KINDS, or BLIND_SPOT
    center: str
    detail: str

    def __str__(self):
        return f"{self.kind} of {self.center} at {self.url}: {self.detail}"


@dataclass(frozen=True)
class Search:
    """A request to the centers list, and the centers it must list."""

    params: dict
    format: str
    must_list: frozenset = frozenset()


@pytest.fixture(autouse=True)
def no_quota(monkeypatch):
    cache.clear()
    monkeypatch.setattr(AnonymousRateThrottle, "rate", "1000000/minute", raising=False)
    yield
    cache.clear()


def build_directory() -> dict[str, Center]:
    """The centers of CENTERS, made as staff make them, and the coverage figures that
    follow them once the writes are committed (a test's transaction never commits)."""
    categories = {
        code: CategoryFactory(code=code, sensitive=code in SENSITIVE_CATEGORIES)
        for code in {facts["category"] for facts in CENTERS.values()}
    }
    centers = {
        name: make_center(
            **{**facts, "category": categories[facts["category"]], "precision": "exact"}
        )
        for name, facts in CENTERS.items()
    }
    coverage_refresh()
    return centers


@pytest.mark.slow
def test_no_public_route_gives_away_where_a_sensitive_center_is(client, api_client):
    centers = build_directory()
    for name in SENSITIVE:
        assert_exact_position_is_unmistakable(centers[name])

    findings = crawl(client, api_client, centers)

    assert not findings, f"{len(findings)} findings:\n" + "\n".join(map(str, findings))


@pytest.mark.slow
def test_crawl_reports_every_kind_of_leak_when_the_privacy_rule_is_bypassed(
    client, api_client, monkeypatch
):
    rule = privacy.public_facts

    def exact_for_everyone(**facts):
        return rule(**{**facts, "sensitive": False})

    monkeypatch.setattr(privacy, "public_facts", exact_for_everyone)
    centers = build_directory()
    assert centers["women-rabat"].public_location == centers["women-rabat"].location

    leaks = [
        finding for finding in crawl(client, api_client, centers) if finding.kind != BLIND_SPOT
    ]

    assert {leak.kind for leak in leaks} == LEAK_KINDS
    assert {leak.center for leak in leaks if leak.kind == "exact coordinate"} == set(SENSITIVE)
    leaked_at = {leak.url for leak in leaks if leak.kind == "exact coordinate"}
    for url in [
        *(_centers_url({}, response_format) for response_format in FORMATS),
        f"/api/v1/centers/{centers['child-rabat'].slug}/",
        f"/fr/centers/{centers['women-marrakech'].slug}/",
        "/regions/04/",
    ]:
        assert url in leaked_at


def test_crawl_requests_every_public_route():
    urls = public_urls(build_directory())

    crawled = {_route_of(url) for url in urls}

    routes = public_routes()
    assert {"", "centers/<str:slug>/", "api/v1/centers/$", "api/v1/coverage/$"} <= routes
    assert routes - crawled == set()


def assert_exact_position_is_unmistakable(center: Center) -> None:
    """The exact point is far from its commune's reference point, and no region, province
    or commune reference point shares its latitude or longitude at 3 decimals: a number
    found by the crawl is the exact position, not a public point that happens to agree."""
    reference = _latitude_longitude(center.commune.reference_point)
    exact = _latitude_longitude(center.location)
    assert _metres_between(exact, reference) > MIN_METRES_FROM_REFERENCE
    latitude, longitude = exact
    with connection.cursor() as cursor:
        for area in (Region, Province, Commune):
            cursor.execute(
                f"SELECT code FROM {area._meta.db_table} "  # noqa: S608 - from the models
                "WHERE round(ST_Y(reference_point)::numeric, 3) = round(%(lat)s::numeric, 3) "
                "OR round(ST_X(reference_point)::numeric, 3) = round(%(lon)s::numeric, 3)",
                {"lat": latitude, "lon": longitude},
            )
            assert cursor.fetchall() == [], area


# The crawl.


def crawl(client, api_client, centers: dict[str, Center]) -> list[Finding]:
    """Fetches every public URL and returns what they give away, and the crawl's blind
    spots (empty when the rule holds and the crawl sees what it should)."""
    searches = center_searches(centers)
    # An error page is read like any other response, and reported.
    client.raise_request_exception = api_client.raise_request_exception = False
    bodies = {}
    findings = []
    for url in public_urls(centers):
        response = (api_client if url.startswith("/api/") else client).get(url)
        content = b"".join(response.streaming_content) if response.streaming else response.content
        if response.get("Content-Type") == "application/zip":
            # The HSDS package: every file of it.
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                content = b"\n".join(archive.read(name) for name in archive.namelist())
        # The favicon is an image: its bytes are read as text too, for whatever text they hold.
        bodies[url] = body = content.decode(errors="replace")
        if response.status_code >= 500 or (response.status_code >= 400 and url not in ERROR_PAGES):
            findings.append(
                Finding(
                    url,
                    BLIND_SPOT,
                    "-",
                    f"status {response.status_code}: what the route shows is not seen",
                )
            )
        findings += secrets_given_away(url, body, centers)
    for url, search in searches.items():
        findings += search_findings(url, search, bodies[url], centers)
    findings += page_findings(bodies, centers)
    findings += coverage_findings(bodies, centers)
    findings += ordinary_center_findings(bodies, centers)
    return findings


def hsds_urls(centers: dict[str, Center]) -> list[str]:
    """Every HSDS list and package, and every listed center's HSDS records by id."""
    base = "/api/v1/hsds/"
    lists = ["services/", "organizations/", "locations/", "service_at_locations/"]
    kinds = {
        "services": SERVICE,
        "locations": LOCATION,
        "service_at_locations": SERVICE_AT_LOCATION,
    }
    listed = [c for c in centers.values() if c.status in LISTED_STATUSES and not c.archived]
    return [
        base,
        f"{base}package.zip",
        *(f"{base}{name}?per_page=100" for name in lists),
        *(
            f"{base}{name}/{record_id(kind, center.pk)}"
            for center in listed
            for name, kind in kinds.items()
        ),
        *(
            f"{base}organizations/{record_id(ORGANIZATION, key)}"
            for key in sorted({center.managing_organisation.strip() for center in listed})
        ),
    ]


def public_urls(centers: dict[str, Center]) -> list[str]:
    slugs = [center.slug for center in centers.values()]
    communes = sorted({center.commune.code for center in centers.values()})
    provinces = sorted({center.province.code for center in centers.values()})
    regions = sorted({center.region.code for center in centers.values()})
    origins = [_beside(_latitude_longitude(center.location)) for center in centers.values()]
    api = [
        "/healthz",
        "/.well-known/security.txt",
        "/favicon.ico",
        "/service-worker.js",
        "/api/v1/",
        "/api/v1/.json",
        "/api/v1/problems/",
        "/api/v1/problems/not-found",
        "/api/v1/schema/",
        "/api/v1/schema/?format=json",
        "/api/v1/docs/",
        "/api/v1/no-such-resource/",
        "/api/v1/centers/no-such-center/",
        *center_searches(centers),
        "/api/v1/centers.json",
        "/api/v1/centers.geojson",
        "/api/v1/centers.csv",
        *(f"/api/v1/centers/{slug}/" for slug in slugs),
        *(f"/api/v1/centers/{slug}.json" for slug in slugs),
        "/api/v1/regions/",
        "/api/v1/regions.json",
        "/api/v1/regions/boundaries.geojson",
        *(f"/api/v1/regions/{code}/" for code in regions),
        *(f"/api/v1/regions/{code}.json" for code in regions),
        *(f"/api/v1/regions/{code}/provinces.geojson" for code in regions),
        "/api/v1/provinces/",
        "/api/v1/provinces.json",
        *(f"/api/v1/provinces/?region={code}" for code in regions),
        *(f"/api/v1/provinces/{code}/" for code in provinces),
        *(f"/api/v1/provinces/{code}.json" for code in provinces),
        *(f"/api/v1/communes/?limit=500&offset={offset}" for offset in range(0, 2000, 500)),
        "/api/v1/communes.json",
        *(f"/api/v1/communes/?province={code}" for code in provinces),
        *(f"/api/v1/communes/{code}/" for code in communes),
        *(f"/api/v1/communes/{code}.json" for code in communes),
        "/api/v1/places/?q=Rabat",
        "/api/v1/places.json?q=Marrakech",
        *(f"/api/v1/places/locate/?{_at(origin)}" for origin in origins),
        *(f"/api/v1/places/locate.json?{_at(origin)}" for origin in origins),
        *coverage_urls(),
        "/api/v1/coverage.json?category=women&level=region",
        *hsds_urls(centers),
    ]
    pages = [
        "/",
        "/manifest.webmanifest",
        "/?category=women",
        "/?category=child-protection",
        *(f"/?{_at(origin)}" for origin in origins),
        *(f"/?category=women&{_at(origin)}" for origin in origins),
        "/?place=Rabat",
        "/?place=Marrakech",
        *(f"/?place={code}" for code in communes),
        *(f"/centers/{slug}/" for slug in slugs),
        "/regions/",
        *(f"/regions/{code}/" for code in regions),
        *(f"/centers/{slug}/suggest/" for slug in slugs),
        *(f"/regions/{code}/suggest/" for code in regions),
        "/suggestions/received/no-such-receipt/",
        "/centers/no-such-center/",
        "/no-such-page/",
        # Staff only: an anonymous visitor is sent to the sign-in page.
        "/admin/planning/coverage/?category=women&level=commune",
        "/admin/planning/coverage/export.csv?category=women&level=commune",
        "/admin/planning/coverage/boundaries.geojson?category=women&level=commune",
    ]
    return api + [prefix + page for prefix in LANGUAGE_PREFIXES for page in pages]


ERROR_PAGES = {
    "/api/v1/no-such-resource/",
    "/api/v1/centers/no-such-center/",
    # Not found until an operator sets SECURITY_CONTACT.
    "/.well-known/security.txt",
    *(
        prefix + page
        for prefix in LANGUAGE_PREFIXES
        for page in (
            "/centers/no-such-center/",
            "/no-such-page/",
            "/suggestions/received/no-such-receipt/",
        )
    ),
}


def center_searches(centers: dict[str, Center]) -> dict[str, Search]:
    """Every kind of centers list, in every format: all, a sync, by category, region and
    commune, nearest first from beside each exact point, within a tiny radius of it, in a
    tiny box around it, and by the words of each street address. Searches about the
    public positions must find the centers there (else the checks would prove nothing)."""
    everyone = frozenset(centers)
    ordinary = centers[ORDINARY]
    rabat = _latitude_longitude(centers["women-rabat"].commune.reference_point)
    kinds = [
        ({}, everyone),
        ({"modified_since": SYNC_EPOCH}, everyone),
        ({"category": "women,child-protection"}, frozenset(SENSITIVE)),
        ({"region": "04"}, frozenset({"women-rabat", "child-rabat", ORDINARY})),
        ({"commune": ordinary.commune.code}, frozenset({"women-rabat", "child-rabat", ORDINARY})),
        ({"bbox": _box(rabat)}, frozenset({"women-rabat", "child-rabat"})),
        ({"q": ADDRESS_WORDS[ORDINARY][0]}, frozenset({ORDINARY})),
    ]
    for name, center in centers.items():
        exact = _latitude_longitude(center.location)
        origin = dict(zip(("lat", "lon"), map(_degrees, _beside(exact)), strict=True))
        found_here = frozenset({ORDINARY}) if name == ORDINARY else frozenset()
        kinds += [
            (origin, everyone),
            ({**origin, "radius_km": TINY_RADIUS_KM}, found_here),
            ({"bbox": _box(exact)}, found_here),
        ]
        if name != ORDINARY:
            kinds += [({"q": word}, frozenset()) for word in ADDRESS_WORDS[name]]
    return {
        _centers_url(params, response_format): Search(params, response_format, must_list)
        for params, must_list in kinds
        for response_format in FORMATS
        # A sync comes in JSON or GeoJSON pages: CSV is refused.
        if not ("modified_since" in params and response_format == "csv")
    }


def coverage_urls() -> list[str]:
    urls = []
    for category in sorted({facts["category"] for facts in CENTERS.values()}):
        urls += [
            f"/api/v1/coverage/?category={category}&level={level}"
            for level in ("region", "province")
        ]
        # 1,503 communes, 500 a page.
        urls += [
            f"/api/v1/coverage/?category={category}&level=commune&limit=500&offset={offset}"
            for offset in range(0, 2000, 500)
        ]
    return urls


def public_routes() -> set[str]:
    """Every route of the site but the staff ones (under admin/), as `resolve` names them
    for an address in Arabic, the language without a prefix."""

    def walk(patterns, prefix: str):
        for pattern in patterns:
            route = URLResolver._join_route(prefix, str(pattern.pattern))
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, route)
            else:
                yield route

    with translation.override("ar"):
        return {
            route
            for route in walk(get_resolver().url_patterns, "")
            if not route.startswith("admin/")
        }


def _route_of(url: str) -> str | None:
    path = urlsplit(url).path
    language = next((code for code in ("fr", "en") if path.startswith(f"/{code}/")), "ar")
    with translation.override(language):
        try:
            route = resolve(path).route
        except Resolver404:
            return None
    return route.removeprefix(f"{language}/")


# What a response gives away.


def secrets_given_away(url: str, body: str, centers: dict[str, Center]) -> list[Finding]:
    """Exact coordinates and address words of sensitive centers in a response. Words the
    request itself carries (a text search for them) are echoes, not leaks."""
    findings = []
    readings = _readings(body)
    request = unquote(url).casefold()
    for name in SENSITIVE:
        if match := _exact_numbers(centers[name]).search(body):
            context = body[max(match.start() - 60, 0) : match.end() + 20]
            findings.append(
                Finding(url, "exact coordinate", name, f"{match.group()} in …{context}…")
            )
        for word in ADDRESS_WORDS[name]:
            if word.casefold() not in request and any(word.casefold() in text for text in readings):
                findings.append(Finding(url, "street address", name, word))
    return findings


def _exact_numbers(center: Center) -> re.Pattern:
    """The exact latitude and longitude of a center, each on its own, at 3 to 6 decimals
    as Python, PostGIS and JavaScript write them: with a decimal point, with the decimal
    comma of the French and Arabic formats, or in Eastern Arabic digits (a minus sign or
    none). Not part of a longer number: 34.0155 is not found in 34.01553."""
    forms = []
    latitude, longitude = _latitude_longitude(center.location)
    for value in (latitude, abs(longitude)):
        for decimals in range(3, 7):
            whole, fraction = f"{value:.{decimals}f}".split(".")
            eastern = f"{whole}{ARABIC_DECIMAL_SEPARATOR}{fraction}".translate(
                EASTERN_ARABIC_DIGITS
            )
            forms += [
                rf"(?<![\d.]){whole}\.{fraction}(?!\d)",
                rf"(?<![\d.,]){whole},{fraction}(?!\d)",
                rf"(?<![\d{ARABIC_DECIMAL_SEPARATOR}]){eastern}(?!\d)",
            ]
    return re.compile("|".join(forms))


def _readings(body: str) -> list[str]:
    """A response as a reader and a program would read it: raw, with HTML entities, URL
    escapes and JSON \\u escapes undone; in lower case."""
    json_unescaped = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), body)
    return [text.casefold() for text in (body, html.unescape(body), unquote(body), json_unescaped)]


def search_findings(
    url: str, search: Search, body: str, centers: dict[str, Center]
) -> list[Finding]:
    """A centers list must place, measure, order and match each center by its public
    position and address."""
    findings = []
    by_slug = {center.slug: name for name, center in centers.items()}
    items = [item for item in _list_items(body, search.format) if item["slug"] in by_slug]
    params = search.params
    origin = (float(params["lat"]), float(params["lon"])) if "lat" in params else None
    listed = set()
    distances = []
    listed_in_order = [by_slug[item["slug"]] for item in items]
    for name, item in zip(listed_in_order, items, strict=True):
        listed.add(name)
        public = _public_position(centers[name])
        kind = "shown position" if name in SENSITIVE else BLIND_SPOT
        if _metres_between(item["position"], public) > 1:
            findings.append(Finding(url, kind, name, f"at {item['position']}, not {public}"))
        if origin is None:
            continue
        expected = _metres_between(origin, public)
        distances.append(expected)
        if abs(item["distance_m"] - expected) > 1:
            findings.append(
                Finding(
                    url,
                    "distance" if name in SENSITIVE else BLIND_SPOT,
                    name,
                    f"{item['distance_m']} m, not {expected:.0f} m",
                )
            )
        if (
            "radius_km" in params
            and not item["beyond_radius"]
            and expected > params["radius_km"] * 1000
        ):
            findings.append(
                Finding(
                    url,
                    "radius",
                    name,
                    f"within {params['radius_km']} km, but {expected:.0f} m away",
                )
            )
    if origin is not None:
        findings += _order_findings(url, list(zip(listed_in_order, distances, strict=True)))
    if "bbox" in params:
        min_lon, min_lat, max_lon, max_lat = map(float, params["bbox"].split(","))
        for name in listed:
            latitude, longitude = _public_position(centers[name])
            if not (min_lat <= latitude <= max_lat and min_lon <= longitude <= max_lon):
                findings.append(
                    Finding(url, "box", name, "listed, but its public position is outside the box")
                )
    for name in listed & set(SENSITIVE):
        if params.get("q") in ADDRESS_WORDS[name]:
            findings.append(
                Finding(url, "text search", name, "found by a word of its street address")
            )
    for name in search.must_list - listed:
        findings.append(Finding(url, BLIND_SPOT, name, "not listed"))
    return findings


def _list_items(body: str, response_format: str) -> list[dict]:
    """The centers of a list response: slug, (latitude, longitude), distance_m, beyond_radius."""
    if response_format == "csv":
        return [
            {
                "slug": row["slug"],
                "position": (float(row["latitude"]), float(row["longitude"])),
                "distance_m": int(row["distance_m"]) if row.get("distance_m") else None,
                "beyond_radius": False,
            }
            for row in csv.DictReader(io.StringIO(body.removeprefix("\ufeff")))
        ]
    document = json.loads(body)
    if response_format == "geojson":
        entries = [(f["properties"], f["geometry"]) for f in document["features"]]
    else:
        entries = [(item, item["location"]) for item in document["results"]]
    return [
        {
            "slug": properties["slug"],
            "position": tuple(reversed(geometry["coordinates"])),
            "distance_m": properties.get("distance_m"),
            "beyond_radius": properties.get("beyond_radius", False),
        }
        for properties, geometry in entries
    ]


def page_findings(bodies: dict[str, str], centers: dict[str, Center]) -> list[Finding]:
    """The site's pages: the map data (json_script) of a center's page, of a search from
    beside each exact point and of region pages places every center at its public
    position; the result cards of a search are nearest first with public distances."""
    findings = []
    for url, body in bodies.items():
        if url.startswith("/api/") or "/admin/" in url:
            continue
        path = urlsplit(url).path.removeprefix("/fr").removeprefix("/en")
        expects_map = path.startswith(("/centers/", "/regions/0")) or "lat=" in url
        # The suggestion forms have no map.
        if expects_map and "no-such" not in path and not path.endswith("/suggest/"):
            findings += _map_findings(url, body, centers)
        if "lat=" in url:
            findings += _card_findings(url, body, centers)
    return findings


def _map_findings(url: str, body: str, centers: dict[str, Center]) -> list[Finding]:
    match = re.search(
        r'<script id="map-centers" type="application/json">(.*?)</script>', body, re.S
    )
    if match is None:
        return [Finding(url, BLIND_SPOT, "-", "no map data")]
    findings = []
    by_slug = {center.slug: name for name, center in centers.items()}
    features = json.loads(match.group(1))["features"]
    if not features:
        findings.append(Finding(url, BLIND_SPOT, "-", "no center on the map"))
    for feature in features:
        name = by_slug[feature["properties"]["slug"]]
        shown = tuple(reversed(feature["geometry"]["coordinates"]))
        public = _public_position(centers[name])
        if _metres_between(shown, public) > 1:
            kind = "shown position" if name in SENSITIVE else BLIND_SPOT
            findings.append(Finding(url, kind, name, f"on the map at {shown}, not {public}"))
    return findings


def _card_findings(url: str, body: str, centers: dict[str, Center]) -> list[Finding]:
    """Result cards, in the page's order, each with its distance in kilometres (one
    decimal, with a point or a comma)."""
    query = dict(part.split("=") for part in urlsplit(url).query.split("&"))
    origin = (float(query["lat"]), float(query["lon"]))
    cards = []
    for name, center in centers.items():
        start = body.find(f'id="center-{center.pk}"')
        if start == -1:
            continue
        card = body[start : body.index("</article>", start)]
        shown = re.search(r"<dd>\s*(\d+[.,]\d)", card)
        cards.append((start, name, float(shown.group(1).replace(",", ".")) if shown else None))
    findings = []
    if not cards:
        findings.append(Finding(url, BLIND_SPOT, "-", "no result card"))
    ranked = []
    for _start, name, shown_km in sorted(cards):
        expected = _metres_between(origin, _public_position(centers[name]))
        ranked.append((name, expected))
        if shown_km is None or abs(shown_km - expected / 1000) > 0.06:
            kind = "distance" if name in SENSITIVE else BLIND_SPOT
            detail = f"{shown_km} km, not {expected / 1000:.1f} km"
            findings.append(Finding(url, kind, name, detail))
    return findings + _order_findings(url, ranked)


def _order_findings(url: str, ranked: list[tuple[str, float]]) -> list[Finding]:
    """The first center listed before a nearer one, by public position (metres)."""
    for (name, distance), (after, distance_after) in itertools.pairwise(ranked):
        # Centers at one reference point are equally far, in either order.
        if distance > distance_after + 1:
            return [Finding(url, "order", name, f"listed before {after}, which is nearer")]
    return []


def coverage_findings(bodies: dict[str, str], centers: dict[str, Center]) -> list[Finding]:
    """The planners' figures for the communes of the centers: the distance from the
    commune's reference point to the nearest center of its category is measured to the
    center's public position."""
    findings = []
    rows = {}
    for url in coverage_urls():
        if "level=commune" in url:
            category = re.search(r"category=([\w-]+)", url).group(1)
            for row in json.loads(bodies[url])["results"]:
                rows[category, row["code"]] = (url, row)
    by_slug = {center.slug: name for name, center in centers.items()}
    for name, center in centers.items():
        key = (CENTERS[name]["category"], center.commune.code)
        if key not in rows:
            findings.append(Finding("/api/v1/coverage/", BLIND_SPOT, name, f"no row for {key}"))
            continue
        url, row = rows[key]
        nearest = by_slug[row["nearest_center"]]
        reference = _latitude_longitude(center.commune.reference_point)
        expected_km = _metres_between(reference, _public_position(centers[nearest])) / 1000
        if abs(row["distance_km"] - expected_km) > 0.06:
            kind = "coverage" if nearest in SENSITIVE else BLIND_SPOT
            detail = (
                f"{row['distance_km']} km from {center.commune.code} to it, not {expected_km:.1f}"
            )
            findings.append(Finding(url, kind, nearest, detail))
    return findings


def ordinary_center_findings(bodies: dict[str, str], centers: dict[str, Center]) -> list[Finding]:
    """The crawl looks where positions and addresses show: the ordinary center's exact
    position and address are on its pages, and its position in every list format."""
    ordinary = centers[ORDINARY]
    numbers = _exact_numbers(ordinary)
    words = [word.casefold() for word in ADDRESS_WORDS[ORDINARY]]
    findings = []
    detail_pages = [
        f"/api/v1/centers/{ordinary.slug}/",
        *(f"{prefix}/centers/{ordinary.slug}/" for prefix in LANGUAGE_PREFIXES),
    ]
    for url in detail_pages:
        if not any(word in text for word in words for text in _readings(bodies[url])):
            findings.append(Finding(url, BLIND_SPOT, ORDINARY, "its street address is not seen"))
    for url in [*detail_pages, *(_centers_url({}, f) for f in FORMATS)]:
        if not numbers.search(bodies[url]):
            findings.append(Finding(url, BLIND_SPOT, ORDINARY, "its exact position is not seen"))
    return findings


# Geography.


def _latitude_longitude(point) -> tuple[float, float]:
    return point.y, point.x


def _public_position(center: Center) -> tuple[float, float]:
    """Where the rule places a center for the public, worked out independently of the
    stored public fields: its commune's reference point if sensitive, else its position."""
    if center.category.sensitive:
        return _latitude_longitude(center.commune.reference_point)
    return _latitude_longitude(center.location)


@functools.cache
def _metres_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Geodesic distance on the WGS84 spheroid, as the API measures it."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_Distance(ST_SetSRID(ST_MakePoint(%(a_lon)s, %(a_lat)s), 4326)::geography, "
            "ST_SetSRID(ST_MakePoint(%(b_lon)s, %(b_lat)s), 4326)::geography)",
            {"a_lat": a[0], "a_lon": a[1], "b_lat": b[0], "b_lon": b[1]},
        )
        return cursor.fetchone()[0]


def _beside(exact: tuple[float, float]) -> tuple[float, float]:
    """Where a searcher stands, 14 m north-west of an exact point: within the tiny radius
    around it, yet with coordinates that differ from it at every rounding from 3 to 6
    decimals, so that a page echoing the search (its links, the map's origin) is never
    taken for a leak. The exact points of CENTERS are chosen for that."""
    latitude, longitude = exact
    beside = (round(latitude + 0.0001, 6), round(longitude - 0.0001, 6))
    for decimals in range(3, 7):
        assert {f"{v:.{decimals}f}" for v in exact}.isdisjoint(f"{v:.{decimals}f}" for v in beside)
    return beside


def _box(center: tuple[float, float]) -> str:
    """A bbox parameter (min_lon,min_lat,max_lon,max_lat) of TINY_BOX_DEGREES around a point."""
    latitude, longitude = center
    return ",".join(
        _degrees(value)
        for value in (
            longitude - TINY_BOX_DEGREES,
            latitude - TINY_BOX_DEGREES,
            longitude + TINY_BOX_DEGREES,
            latitude + TINY_BOX_DEGREES,
        )
    )


def _degrees(value: float) -> str:
    return f"{value:.6f}"


def _at(point: tuple[float, float]) -> str:
    return f"lat={_degrees(point[0])}&lon={_degrees(point[1])}"


def _centers_url(params: dict, response_format: str) -> str:
    return "/api/v1/centers/?" + urlencode({**params, "format": response_format})
