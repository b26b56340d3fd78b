"""Places as people name them: the other names of the towns from GeoNames (exonyms,
older spellings, Tifinagh), which of them the gazetteer keeps, and how a search by one
of them is found and shown."""

import pytest
from django.utils.html import strip_tags

from regions.aliases import is_a_name, place_aliases_load, script_of
from regions.models import Commune, Place, PlaceAlias

pytestmark = pytest.mark.django_db

CASABLANCA = "06.141.01.0"
KENITRA = "04.281.01.01"
MARRAKECH = "07.351.01.0"


def first(query: str) -> Place:
    return Place.objects.search(query).first()


def aliases_of(code: str) -> set[str]:
    return set(PlaceAlias.objects.filter(commune__code=code).values_list("name", flat=True))


@pytest.mark.parametrize(
    ("name", "script"),
    [
        ("Dar-el-Beida", "latn"),
        ("Ad Dār al Bayḑā\u2019", "latn"),
        ("الدار البيضاء", "arab"),
        ("ⴰⵎⵓⵔⴰⴽⵓⵛ", "tfng"),
        ("Касабланка", None),
        ("カサブランカ", None),
        ("Tanger 2", None),
        ("Rabat الرباط", None),
    ],
)
def test_a_name_is_kept_only_in_latin_arabic_or_tifinagh_letters(name, script):
    assert script_of(name) == script


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ("Tangier", True),
        ("Rbat", True),
        ("RBA", False),  # an airport code
        ("ka sa bu lan ka", False),  # a romanisation of the Chinese name
        ("White House", False),  # a translation
        ("Morocco City", False),
        ("Gorad Rabat", False),  # "the town of Rabat" in Belarusian
        ("Sa", False),
    ],
)
def test_codes_romanisations_and_translations_are_not_names(name, kept):
    assert is_a_name(name, script_of(name)) is kept


def test_the_big_towns_get_their_other_names():
    assert {"Dar-el-Beida", "Ad Dar al Bayda"} <= aliases_of(CASABLANCA)
    assert "ⴰⵎⵓⵔⴰⴽⵓⵛ" in aliases_of(MARRAKECH)
    assert "Marrakesh" in aliases_of(MARRAKECH)
    assert {"Tangier", "Tangiers"} <= aliases_of("01.511.01.0")


def test_an_alias_that_is_another_units_name_is_left_out():
    # GeoNames lists "Khenifra" among Kénitra's names.
    assert "Khenifra" not in aliases_of(KENITRA)
    assert "Lyautey" in aliases_of(KENITRA)


def test_no_alias_repeats_its_communes_official_name():
    for alias in PlaceAlias.objects.select_related("commune"):
        assert alias.search not in (alias.commune.search_fr, alias.commune.search_ar), alias


def test_every_alias_lies_where_its_town_is_and_names_are_names():
    aliases = PlaceAlias.objects.all()
    assert aliases.count() > 500
    assert not [alias.name for alias in aliases if not is_a_name(alias.name, alias.script)]
    assert set(aliases.values_list("script", flat=True)) == {"latn", "arab", "tfng"}


def test_loading_again_changes_nothing():
    report = place_aliases_load()

    assert (report.created, report.deleted) == (0, 0)
    assert report.unchanged == PlaceAlias.objects.count()


def test_an_alias_no_longer_chosen_is_removed_and_a_missing_one_restored():
    casablanca = Commune.objects.get(code=CASABLANCA)
    PlaceAlias.objects.create(commune=casablanca, name="Not A Name", script="latn", geonames_id=1)
    PlaceAlias.objects.filter(commune=casablanca, name="Dar-el-Beida").delete()

    report = place_aliases_load()

    assert (report.created, report.deleted) == (1, 1)
    assert "Dar-el-Beida" in aliases_of(CASABLANCA)
    assert "Not A Name" not in aliases_of(CASABLANCA)


@pytest.mark.parametrize(
    ("query", "name_fr", "matched"),
    [
        ("Tangier", "Tanger", "Tangier"),
        ("Fez", "Fès", "Fez"),
        ("Rbat", "Rabat", "Rbat"),
        ("Marrakesh", "Marrakech", "Marrakesh"),
        ("Dar el Beida", "Casablanca", "Dar-el-Beida"),
        ("ⴰⵎⵓⵔⴰⴽⵓⵛ", "Marrakech", "ⴰⵎⵓⵔⴰⴽⵓⵛ"),
        ("Lyautey", "Kénitra", "Lyautey"),
    ],
)
def test_an_other_name_finds_its_town_first(query, name_fr, matched):
    found = first(query)

    assert (found.kind, found.name_fr) == ("commune", name_fr)
    assert (found.matched_name, found.matched_alias) == (matched, True)


def test_an_exact_other_name_comes_before_an_official_name_it_only_begins():
    results = list(Place.objects.search("Fez")[:3])

    assert [p.name_fr for p in results[:2]] == ["Fès", "Fezna"]


def test_khenifra_is_khenifra_not_kenitra():
    results = list(Place.objects.search("khenifra")[:3])

    assert [(p.kind, p.name_fr.replace("é", "e")) for p in results[:2]] == [
        ("commune", "Khenifra"),
        ("province", "Khenifra"),
    ]
    assert "Kénitra" not in [p.name_fr for p in Place.objects.search("khenifra")]


def test_an_official_name_is_listed_by_itself():
    found = first("Tanger")

    assert found.name_fr == "Tanger"
    assert found.matched_alias is False


def test_the_places_api_says_which_other_name_matched(api_client):
    response = api_client.get("/api/v1/places/", {"q": "Tangier", "limit": 3})

    hits = response.json()["results"]
    assert (hits[0]["name_fr"], hits[0]["matched"]) == ("Tanger", "Tangier")
    official = api_client.get("/api/v1/places/", {"q": "Tanger", "limit": 1}).json()
    assert official["results"][0]["matched"] is None


def test_a_search_from_an_exonym_measures_from_the_town(client):
    response = client.get("/en/", {"place": "Tangier"})

    assert response.status_code == 200
    assert "Tanger (town)" in strip_tags(response.content.decode())
