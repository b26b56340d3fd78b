"""The search's table of names follows the units and aliases it is built from, whoever
writes them, and a migrate brings it back to them."""

import pytest

from regions.models import Commune, Place, PlaceAlias, PlaceName
from regions.place_names import place_names_create

pytestmark = pytest.mark.django_db

CASABLANCA = "06.141.01.0"


def names_of(code: str) -> set[tuple[str, bool]]:
    return set(PlaceName.objects.filter(place_id=code).values_list("name", "is_alias"))


def test_every_unit_has_its_two_official_names_and_every_alias_its_row():
    assert PlaceName.objects.filter(is_alias=False).count() == 2 * Place.objects.count()
    assert PlaceName.objects.filter(is_alias=True).count() == PlaceAlias.objects.count()


def test_a_renamed_commune_is_found_by_its_new_name_only():
    Commune.objects.filter(code=CASABLANCA).update(name_fr="Casablanca Nouvelle")

    assert ("Casablanca Nouvelle", False) in names_of(CASABLANCA)
    assert ("Casablanca", False) not in names_of(CASABLANCA)
    assert Place.objects.search("casablanca nouvelle").first().code == CASABLANCA


def test_an_alias_written_or_removed_is_in_the_search_at_once():
    casablanca = Commune.objects.get(code=CASABLANCA)
    alias = PlaceAlias.objects.create(
        commune=casablanca, name="Kazablanka Test", script="latn", geonames_id=1
    )
    assert ("Kazablanka Test", True) in names_of(CASABLANCA)

    alias.delete()
    assert ("Kazablanka Test", True) not in names_of(CASABLANCA)


def test_a_migrate_restores_names_written_around_the_triggers():
    PlaceName.objects.filter(place_id=CASABLANCA).delete()
    PlaceName.objects.create(id="stray", place_id=CASABLANCA, name="Nowhere", is_alias=True)

    place_names_create()

    assert ("Casablanca", False) in names_of(CASABLANCA)
    assert not PlaceName.objects.filter(id="stray").exists()
    assert {name for name, alias in names_of(CASABLANCA) if alias} == set(
        PlaceAlias.objects.filter(commune__code=CASABLANCA).values_list("name", flat=True)
    )
