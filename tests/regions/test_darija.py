"""Arabic readings of place names typed in Darija with Latin letters, and how many of the
Darija spellings of tests/regions/darija_places.csv find their commune through them."""

import pytest

from benchmarks.darija_readings import failures, first_commune, first_place, load_places
from regions.darija import MAX_READINGS, arabic_readings
from regions.models import Commune


@pytest.mark.parametrize("text", ["", "   ", "طنجة", "2024", "- 3 -"])
def test_a_text_without_latin_letters_has_no_reading(text):
    assert arabic_readings(text) == []


@pytest.mark.parametrize(
    ("typed", "reading"),
    [
        ("fas", "فاس"),  # a long a is written
        ("mrrakch", "مراكش"),  # a doubled letter is written once; ch is ش
        ("khribga", "خريبكة"),  # kh is خ, g is ك, a final a is taa marbuta
        ("l3ayoun", "العيون"),  # the article; Arabizi 3 is ع
        ("lâayoun", "العيون"),  # French â is ع
        ("laayoun", "العيون"),  # so is a doubled a
        ("rrachidia", "الرشيدية"),  # a doubled sun letter is the article
        ("errachidia", "الرشيدية"),
        ("dar lbida", "دار البيضاء"),  # a word whose ض and hamza the rules cannot guess
        ("dar el beida", "دار البيضاء"),  # the article written apart
        ("sidi 9asem", "سيدي قاسم"),  # Arabizi 9 is ق
    ],
)
def test_the_likeliest_reading_comes_first(typed, reading):
    assert arabic_readings(typed)[0] == reading


@pytest.mark.parametrize(
    ("typed", "reading"),
    [
        ("tanja", "طنجة"),  # t may be ط
        ("tetwan", "تطوان"),
        ("sla", "سلا"),  # a final a may be a long alef
        ("7ad soualem", "حد السوالم"),  # an unwritten article before a sun letter
        ("lmdiq", "المضيق"),  # d may be ض
    ],
)
def test_an_other_spelling_of_a_letter_is_among_the_readings(typed, reading):
    assert reading in arabic_readings(typed)


def test_a_number_beside_a_name_is_not_read():
    assert arabic_readings("tanja 0") == arabic_readings("tanja 2024") == arabic_readings("tanja")


def test_accents_case_and_apostrophes_do_not_change_the_readings():
    assert arabic_readings("TÉTWAN") == arabic_readings("tetwan")
    assert arabic_readings("m'diq") == arabic_readings("mdiq")


@pytest.mark.parametrize("typed", ["tanja", "dar lbida", "lfqih bensaleh", "9al3at sraghna"])
def test_readings_are_few_and_distinct(typed):
    readings = arabic_readings(typed)

    assert 1 <= len(readings) <= MAX_READINGS
    assert len(set(readings)) == len(readings)


@pytest.mark.django_db
def test_every_place_of_the_list_is_a_loaded_commune():
    codes = {place["expected_code"] for place in load_places()}

    assert len(load_places()) >= 40
    assert Commune.objects.filter(code__in=codes).count() == len(codes)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("tanja", "01.511.01.0"),  # Tanger
        ("tetwan", "01.571.01.11"),  # Tétouan
        ("dar lbida", "06.141.01.0"),  # Casablanca
        ("lâayoun", "11.321.01.03"),  # Laâyoune
        ("fas", "03.231.01.0"),  # Fès
    ],
)
def test_a_reading_of_a_city_finds_it_first(typed, code):
    assert code in [first_commune(reading) for reading in arabic_readings(typed)]


@pytest.mark.django_db
def test_nine_in_ten_darija_spellings_find_their_commune_first():
    places = load_places()
    failed = failures(places, arabic_readings)

    assert len(failed) <= len(places) // 10, [place["typed"] for place, _ in failed]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("tanja", "01.511.01.0"),  # Tanger
        ("tetwan", "01.571.01.11"),  # Tétouan
        ("dar lbida", "06.141.01.0"),  # Casablanca
        ("l3ayoun", "11.321.01.03"),  # Laâyoune
    ],
)
def test_the_place_search_lists_a_city_typed_in_darija_first(typed, code):
    assert first_place(typed) == code


@pytest.mark.django_db
def test_the_place_search_lists_nine_in_ten_darija_spellings_first():
    places = load_places()
    missed = [
        place["typed"] for place in places if first_place(place["typed"]) != place["expected_code"]
    ]

    assert len(missed) <= len(places) // 10, missed


@pytest.mark.django_db
def test_a_latin_name_the_text_begins_comes_before_a_reading_of_it():
    # "casa" reads قاسة, close to Sidi Kacem; the text itself begins Casablanca.
    assert first_place("casa") == "06.141.01.0"
