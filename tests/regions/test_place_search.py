"""The gazetteer: names in Arabic or French, whatever the accents, variants or typos; the
order of its results, and the point each place is measured from."""

import pytest
from django.db.models import F
from django.utils import translation
from django.utils.html import strip_tags

from regions.models import Commune, Place, Province, Region

pytestmark = pytest.mark.django_db


def first(query: str) -> Place:
    return Place.objects.search(query).first()


@pytest.mark.parametrize("query", ["fes", "Fès", "FES", "fès", "فاس", "فَاس", "فـاس"])
def test_fes_is_found_whatever_the_case_accents_or_script(query):
    assert first(query).name_fr == "Fès"
    assert first(query).match_rank == 0


def test_a_small_typo_still_finds_marrakech():
    assert first("marakech").name_fr == "Marrakech"


@pytest.mark.parametrize(
    ("query", "name_fr"),
    [
        ("اكادير", "Agadir"),  # أكادير written without its hamza
        ("طنجه", "Tanger"),  # taa marbuta written as haa
        ("الدار البيضاء", "Casablanca"),
        ("mdiq", "M'diq"),
        ("laayoune", "Laâyoune"),
    ],
)
def test_spelling_variants_find_the_place(query, name_fr):
    assert first(query).name_fr == name_fr


def test_exact_names_come_before_prefixes_and_the_town_before_its_prefecture():
    results = list(Place.objects.search("rabat")[:4])

    assert [p.match_rank for p in results] == sorted(p.match_rank for p in results)
    assert [(p.kind, p.name_fr) for p in results[:2]] == [
        ("commune", "Rabat"),
        ("province", "Rabat"),
    ]
    assert results[1].population > results[0].population
    assert any(p.kind == "region" and p.code == "04" for p in results)


def test_among_equal_names_of_one_kind_the_larger_population_comes_first():
    results = list(Place.objects.search("Oulad Aissa"))
    exact = [p for p in results if p.match_rank == 0]

    assert len(exact) == 3
    assert [p.population for p in exact] == sorted((p.population for p in exact), reverse=True)


@pytest.mark.parametrize("query", ["Maarif", "maârif", "المعاريف", "lmaarif"])
def test_a_district_is_found_by_its_name_before_anything_else(query):
    found = first(query)

    assert (found.kind, found.code, found.name_fr) == ("district", "06.141.01.03", "Maârif")
    assert (found.commune_code, found.commune_name_fr) == ("06.141.01.0", "Casablanca")
    assert (found.province_code, found.region_code) == ("06.141", "06")


def test_among_equal_names_a_district_comes_before_a_commune():
    # The ranking's level key, with the others set equal: the smallest unit first.
    ranks = {
        place.kind: place.level_rank
        for place in Place.objects.search("Casablanca").filter(code__in=["06.141.01.0", "06"])
    }
    district = Place.objects.search("Maârif").get(code="06.141.01.03")

    assert district.level_rank < ranks["commune"] < ranks["region"]


def test_every_district_is_a_place_measured_from_its_own_reference_point():
    districts = Place.objects.filter(kind="district")

    assert districts.count() == 41
    assert set(districts.values_list("unit_kind", flat=True)) == {"arrondissement"}
    for place in districts:
        assert place.origin == place.reference_point is not None, place.code
        assert place.seat_code is None
    assert not Place.objects.exclude(kind="district").filter(commune_code__isnull=False).exists()


def test_a_district_is_labelled_with_its_commune_in_the_active_language():
    maarif = Place.objects.get(code="06.141.01.03")
    casablanca = Place.objects.get(code="06.141.01.0")

    assert maarif.label == "Maârif, Casablanca"
    assert casablanca.label == "Casablanca"
    with translation.override("ar"):
        assert maarif.label.startswith("المعاريف")
        assert maarif.label.endswith("الدار البيضاء")


def test_unknown_name_finds_nothing():
    assert not Place.objects.search("zzqxw").exists()


@pytest.mark.parametrize("query", ["Khouribga", "khouri", "kouribga", "خريبكة"])
def test_a_town_comes_before_the_province_named_after_it(query):
    results = list(Place.objects.search(query)[:2])

    assert [(p.kind, p.code) for p in results] == [
        ("commune", "05.311.01.07"),
        ("province", "05.311"),
    ]


def provinces_named_as_their_seat() -> list[Province]:
    return list(
        Province.objects.without_boundaries()
        .select_related("seat")
        .filter(search_fr=F("seat__search_fr"))
    )


def test_most_provinces_are_named_as_their_seat():
    # 54 of the 75: the loop below covers every one of them.
    assert len(provinces_named_as_their_seat()) >= 50


def test_every_province_named_as_its_seat_lists_the_town_first_and_measures_from_it():
    for province in provinces_named_as_their_seat():
        results = list(Place.objects.search(province.name_fr)[:10])
        found = next(p for p in results if p.code == province.code)

        assert results[0].code == province.seat.code, province.name_fr
        assert found.origin == province.seat.reference_point, province.name_fr
        assert found.seat_code == province.seat.code


def test_every_province_and_region_is_measured_from_its_seat_one_of_its_communes():
    for area in [*Province.objects.without_boundaries(), *Region.objects.without_boundaries()]:
        place = Place.objects.get(code=area.code)
        seat = Commune.objects.with_areas().get(pk=area.seat_id)

        assert area.code in {seat.province.code, seat.province.region.code}
        assert place.origin == seat.reference_point
        assert (place.seat_code, place.seat_name_fr) == (seat.code, seat.name_fr)


def test_a_seat_is_the_most_populous_urban_commune_of_its_area():
    khouribga = Province.objects.get(code="05.311")
    figuig = Province.objects.get(code="02.251")
    beni_mellal_khenifra = Region.objects.get(code="05")
    fahs_anjra = Province.objects.get(code="01.227")  # rural communes only

    assert khouribga.seat.name_fr == "Khouribga"
    assert figuig.seat.name_fr == "Bouarfa"  # 30,068 people, Figuig 10,449
    assert beni_mellal_khenifra.seat.name_fr == "Béni Mellal"
    assert fahs_anjra.seat == fahs_anjra.communes.order_by("-population_2024").first()


def test_a_region_is_measured_from_its_seat_not_from_inside_its_boundary():
    region = Place.objects.get(code="05")
    seat = Commune.objects.get(name_fr="Béni Mellal")

    assert region.origin == seat.reference_point
    assert region.origin != region.reference_point


def test_a_commune_is_measured_from_its_own_reference_point():
    town = Place.objects.get(code="05.311.01.07")

    assert town.origin == town.reference_point
    assert town.seat_code is None


@pytest.mark.parametrize(
    ("code", "measured_from"),
    [
        ("05.311.01.07", "Khouribga (town)"),
        ("05.311", "the province of Khouribga, measured from its seat Khouribga"),
        ("04.421", "the prefecture of Rabat, measured from its seat Rabat"),
        ("05", "the region of Béni Mellal-Khénifra, measured from its seat Béni Mellal"),
        ("06.141.01.03", "Maârif, Casablanca (district)"),
    ],
)
def test_a_place_says_what_it_is_measured_from(code, measured_from):
    # As HTML: in English, which has none of these names, each is the French one, marked.
    assert strip_tags(Place.objects.get(code=code).measured_from) == measured_from


def test_a_rural_commune_is_not_called_a_town():
    rural = Place.objects.filter(kind="commune", unit_kind="rural").first()

    assert strip_tags(rural.measured_from) == f"{rural.name_fr} (rural commune)"
