"""Numbers, distances and dates as each language writes them: thousands grouped, the
decimal sign and the month names of the page's language (Arabic as Morocco writes it)."""

import datetime
import io

import pytest
from django.core.management import call_command

from centers.models import Category
from regions.models import Region
from tests.centers.factories import make_center

pytestmark = pytest.mark.django_db

# Thousands: a dot in Arabic as Morocco writes it (CLDR ar-MA), a no-break space in
# French, a comma in English. Months: Arabic as Morocco names them (دجنبر).
SEPARATORS = {"": ".", "/fr": "\u00a0", "/en": ","}


@pytest.fixture(autouse=True)
def reference_data():
    call_command("load_reference_data", stdout=io.StringIO())


@pytest.mark.parametrize("prefix", ["", "/fr", "/en"])
def test_a_regions_population_has_its_thousands_grouped(client, prefix):
    region = Region.objects.get(code="04")
    page = client.get(f"{prefix}/regions/04/").content.decode()

    grouped = f"{region.population_2024:,}".replace(",", SEPARATORS[prefix])
    assert region.population_2024 > 1_000_000
    assert grouped in page
    assert str(region.population_2024) not in page


@pytest.mark.parametrize(
    ("prefix", "distance"), [("", "2,5 كلم"), ("/fr", "2,5 km"), ("/en", "2.5 km")]
)
def test_a_distance_has_the_decimal_sign_of_the_page(client, prefix, distance):
    make_center(at=(34.0240, -6.8225), category=Category.objects.get(code="disability"))

    page = client.get(f"{prefix}/", {"category": "disability", "lat": "34.024", "lon": "-6.795"})

    card = page.content.decode().split('class="center-card"')[1]
    assert distance in card


@pytest.mark.parametrize(
    ("prefix", "date"),
    [("", "2 دجنبر، 2026"), ("/fr", "2 décembre 2026"), ("/en", "Dec. 2, 2026")],
)
def test_a_date_is_written_as_the_page_language_writes_it(client, prefix, date):
    center = make_center(category=Category.objects.get(code="disability"))
    center.last_verified_on = datetime.date(2026, 12, 2)
    center.save()

    page = client.get(f"{prefix}/centers/{center.slug}/").content.decode()

    assert date in page
