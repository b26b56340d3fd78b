"""The other names people type for a commune, chosen from GeoNames (geonames.py) and
written as PlaceAlias rows by `manage.py load_admin_areas`.

A GeoNames town becomes a commune's when its point lies in the commune (or just outside
it, in the few towns that GeoNames places on a border) and one of its names is a
spelling of the commune's. Of its alternate names the directory keeps those in Latin,
Arabic or Tifinagh letters that are names people type: not codes, not machine
romanisations, not descriptions, not the commune's own official names, and none that
equals or nearly equals another unit's official name (GeoNames lists "Khenifra" among
Kénitra's names: kept, it would send a family of Khénifra 300 km away).
"""

import difflib
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.gis.db.models.functions import GeometryDistance
from django.contrib.gis.geos import Point
from django.db import connection, transaction

from . import geonames
from .models import Commune, District, PlaceAlias, Province, Region
from .sources import SAME_NAME_RATIO, name_agreement

# The scripts of the names kept, by the first word of their letters' Unicode names.
SCRIPTS = {"LATIN": PlaceAlias.Script.LATIN, "ARABIC": PlaceAlias.Script.ARABIC}
SCRIPTS["TIFINAGH"] = PlaceAlias.Script.TIFINAGH
# Characters a name may hold besides letters: space, hyphen, full stop and apostrophes
# (straight, right and left quotation marks, modifier letter).
SEPARATORS = frozenset(" -.'\u2019\u2018\u02bc")
WORD_SEPARATOR = re.compile("[" + re.escape("".join(SEPARATORS)) + "]+")
# Words that make a GeoNames entry a description, a translation or a name in another
# language, not a name of the town ("Morocco City", "White House", "Gorad Rabat").
NOT_NAME_WORDS = frozenset({"city", "house", "gorad", "ville", "port"})
MINIMUM_LETTERS = 3
# Two normalised names this similar (difflib's ratio, 0 to 1) are nearly the same: one
# letter apart in a name of a dozen ("Taounat" and Taounza stay apart).
NEARLY_SAME_RATIO = 0.92
# A town's point may lie this far outside its commune (degrees, about 2 km).
BORDER_TOLERANCE = 0.02
NEAREST_COMMUNES = 4


@dataclass
class AliasReport:
    created: int = 0
    deleted: int = 0
    unchanged: int = 0
    towns_matched: int = 0
    towns_unmatched: list[str] = field(default_factory=list)
    # (alias, commune, the other unit it is too close to)
    too_close: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return self.created + self.deleted


def script_of(name: str) -> str | None:
    """The script of a name written in one of the kept scripts, else None."""
    scripts = set()
    for character in name:
        if character in SEPARATORS:
            continue
        if not character.isalpha():
            return None
        scripts.add(SCRIPTS.get(unicodedata.name(character, "").split(" ")[0]))
    return scripts.pop() if len(scripts) == 1 else None


def is_a_name(name: str, script: str) -> bool:
    """Whether a GeoNames alternate name is one people write for the town: GeoNames also
    lists airport codes ("RBA", "CAS"), romanisations of the name in other scripts in
    lower case ("rabata", "ka sa bu lan ka") and translations ("White House")."""
    letters = [character for character in name if character.isalpha()]
    if len(letters) < MINIMUM_LETTERS:
        return False
    if script == PlaceAlias.Script.LATIN:
        if name == name.lower() or name == name.upper():
            return False
        words = set(WORD_SEPARATOR.split(name.lower()))
        if words & NOT_NAME_WORDS:
            return False
    return True


def place_aliases_load() -> AliasReport:
    """Writes the aliases GeoNames gives the communes: adds the new ones, removes those
    no longer chosen. They are derived data, edited by nobody, so each load replaces
    them."""
    report = AliasReport()
    communes = {commune.pk: commune for commune in Commune.objects.without_boundaries()}
    chosen = _chosen_aliases(geonames.morocco_towns(), communes, report)
    with transaction.atomic():
        existing = {(alias.commune_id, alias.name): alias for alias in PlaceAlias.objects.all()}
        stale = [alias.pk for key, alias in existing.items() if key not in chosen]
        report.deleted = PlaceAlias.objects.filter(pk__in=stale).delete()[0]
        new = [
            PlaceAlias(commune_id=commune_id, name=name, script=script, geonames_id=town_id)
            for (commune_id, name), (script, town_id) in chosen.items()
            if (commune_id, name) not in existing
        ]
        PlaceAlias.objects.bulk_create(new)
        report.created = len(new)
        report.unchanged = len(chosen) - len(new)
    return report


def _chosen_aliases(towns, communes: dict[int, Commune], report: AliasReport) -> dict:
    """{(commune id, alias): (script, GeoNames id)} for every alias kept."""
    official = _official_names()
    candidates: dict[tuple[int, str], tuple[str, int]] = {}
    for town in towns:
        commune = _commune_of(town, communes)
        if commune is None:
            report.towns_unmatched.append(f"{town.geonames_id} {town.name}")
            continue
        report.towns_matched += 1
        for name in dict.fromkeys(map(_cleaned, [town.name, *town.alternate_names])):
            script = script_of(name)
            if script is not None and is_a_name(name, script):
                candidates.setdefault((commune.pk, name), (script, town.geonames_id))
    normal = _normalised([name for _commune, name in candidates])
    chosen = {}
    for (commune_id, name), value in candidates.items():
        alias = normal[name]
        if alias in (communes[commune_id].search_fr, communes[commune_id].search_ar):
            continue
        rival = _rival(alias, communes[commune_id], official)
        if rival is not None:
            commune = communes[commune_id]
            report.too_close.append((name, f"{commune.code} {commune.name_fr}", rival))
            continue
        chosen[(commune_id, name)] = value
    return chosen


def _cleaned(name: str) -> str:
    """The name without invisible formatting marks (GeoNames leaves left-to-right marks
    after some Arabic names) and with single spaces."""
    name = "".join(c for c in name if unicodedata.category(c) != "Cf")
    return " ".join(name.split())


def _commune_of(town: geonames.Town, communes: dict[int, Commune]) -> Commune | None:
    """The commune the town is: of the one its point lies in and the nearest ones, the
    one whose name the town's names spell best ("El Ksiba" is El Ksiba, not Dir El
    Ksiba around it), the one it lies in first."""
    point = Point(town.longitude, town.latitude, srid=4326)
    containing = Commune.objects.containing(point).values_list("pk", flat=True)[:1]
    nearest = (
        Commune.objects.filter(geom__dwithin=(point, BORDER_TOLERANCE))
        .order_by(GeometryDistance("geom", point), "code")
        .values_list("pk", flat=True)[:NEAREST_COMMUNES]
    )
    names = [town.name, *town.alternate_names]
    agreements = [
        (name_agreement(names, names, communes[pk].name_fr, communes[pk].name_ar), -rank, pk)
        for rank, pk in enumerate(dict.fromkeys([*containing, *nearest]))
    ]
    agreement, _rank, commune_id = max(agreements, default=(0, 0, None))
    return communes[commune_id] if agreement >= SAME_NAME_RATIO else None


@dataclass
class _OfficialName:
    normal: str
    unit: str


def _official_names() -> dict[int, list[_OfficialName]]:
    """The official names of every region, province, commune and district, normalised as the
    search normalises them, by length (to compare each alias with names of about its
    length only)."""
    names = []
    for model in (Region, Province, Commune, District):
        for unit in model.objects.without_boundaries():
            label = f"{unit.code} {unit.name_fr}"
            names += [(unit.search_fr, label), (unit.search_ar, label)]
    by_length = defaultdict(list)
    for normal, unit in names:
        by_length[len(normal)].append(_OfficialName(normal, unit))
    return by_length


def _rival(alias: str, commune: Commune, official: dict[int, list[_OfficialName]]) -> str | None:
    """Another unit whose official name the alias equals or nearly equals, unless that
    unit is named like the commune itself (the province named after its town)."""
    ours = [commune.search_fr, commune.search_ar]
    for length in range(len(alias) - 2, len(alias) + 3):
        for name in official.get(length, ()):
            if _nearly_same(alias, name.normal) and not any(
                _nearly_same(own, name.normal) for own in ours
            ):
                return name.unit
    return None


def _nearly_same(a: str, b: str) -> bool:
    if a == b:
        return True
    matcher = difflib.SequenceMatcher(None, a, b)
    return matcher.real_quick_ratio() >= NEARLY_SAME_RATIO and (
        matcher.quick_ratio() >= NEARLY_SAME_RATIO and matcher.ratio() >= NEARLY_SAME_RATIO
    )


def _normalised(names: list[str]) -> dict[str, str]:
    """Each name normalised by the database's search_normalize, the search's own."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, search_normalize(name) FROM unnest(%s::text[]) AS name", [names]
        )
        return dict(cursor.fetchall())
