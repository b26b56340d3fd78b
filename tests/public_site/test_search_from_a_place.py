"""A search from a typed place lists the centers nearest to where people are: a town, or
the seat of a province or region, never a point inside a large boundary; and the page
says which place the distances are measured from."""

import io
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils.html import strip_tags

from centers.models import Category
from regions.models import Place
from tests.centers.factories import make_center

pytestmark = pytest.mark.django_db

# (latitude, longitude)
KHOURIBGA_TOWN = (32.8825, -6.9070)
OUED_ZEM = (32.8630, -6.5740)  # about 30 km east of Khouribga
BENI_MELLAL = (32.3375, -6.3498)
KHOURIBGA_COMMUNE = "05.311.01.07"


@pytest.fixture(autouse=True)
def centers():
    call_command("load_reference_data", stdout=io.StringIO())
    disability = Category.objects.get(code="disability")
    return {
        "Oued Zem": make_center(at=OUED_ZEM, category=disability, name_fr="Centre Oued Zem"),
        "Khouribga": make_center(
            at=KHOURIBGA_TOWN, category=disability, name_fr="Centre Khouribga"
        ),
        "Béni Mellal": make_center(
            at=BENI_MELLAL, category=disability, name_fr="Centre Béni Mellal"
        ),
    }


def metres_from(place_code: str, center) -> float:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_Distance(p.origin::geography, c.location::geography) "
            "FROM regions_place p, centers_center c WHERE p.code = %s AND c.id = %s",
            [place_code, center.pk],
        )
        return cursor.fetchone()[0]


def listed(response) -> list[tuple[str, float]]:
    return [(card.item["name_fr"], card.item["distance_m"]) for card in response.context["centers"]]


def test_typing_khouribga_lists_the_centers_nearest_the_town_with_distances_from_it(
    client, centers
):
    response = client.get("/fr/", {"place": "Khouribga"})

    names = [name for name, _distance in listed(response)]
    assert names[:2] == ["Centre Khouribga", "Centre Oued Zem"]
    distances = dict(listed(response))
    for town in ("Khouribga", "Oued Zem"):
        expected = metres_from(KHOURIBGA_COMMUNE, centers[town])
        assert distances[f"Centre {town}"] == pytest.approx(expected, abs=1)
    assert 25_000 < distances["Centre Oued Zem"] < 35_000
    assert distances["Centre Khouribga"] < 2_000


def page_text(response) -> str:
    """The page's words, without its markup (names in French are marked so in English)."""
    return " ".join(strip_tags(response.content.decode()).split())


def test_the_page_says_the_town_it_measured_from(client):
    response = client.get("/en/", {"place": "Khouribga"})

    assert "Distances from Khouribga (town)." in page_text(response)
    # English has no name of its own for the town: its French name, marked so.
    assert 'Distances from <span lang="fr" dir="ltr">Khouribga</span> (town).' in (
        response.content.decode()
    )


def test_a_chosen_suggestion_searches_from_the_town_it_names(client, api_client):
    # With JavaScript: the first suggestion is sent as its code.
    suggestion = api_client.get("/api/v1/places/", {"q": "Khouribga", "limit": 8}).json()
    code = suggestion["results"][0]["code"]

    by_name = listed(client.get("/fr/", {"place": "Khouribga"}))
    by_code = listed(client.get("/fr/", {"place": code}))

    assert code == KHOURIBGA_COMMUNE
    assert by_code == by_name


def test_a_search_from_a_province_measures_from_its_seat_and_says_so(client, centers):
    response = client.get("/en/", {"place": "05.311"})

    assert listed(response) == listed(client.get("/en/", {"place": KHOURIBGA_COMMUNE}))
    assert (
        "Distances from the province of Khouribga, measured from its seat Khouribga."
        in page_text(response)
    )


def test_a_search_from_a_region_measures_from_its_seat_and_says_so(client, centers):
    response = client.get("/en/", {"place": "05"})

    region = Place.objects.get(code="05")
    name, distance = listed(response)[0]
    assert name == "Centre Béni Mellal"
    assert distance == pytest.approx(metres_from("05", centers["Béni Mellal"]), abs=1)
    assert distance < 3_000
    assert region.seat_name_fr == "Béni Mellal"
    assert (
        "Distances from the region of Béni Mellal-Khénifra, measured from its seat Béni Mellal."
        in page_text(response)
    )


def test_typing_a_district_measures_from_the_district_and_names_it_with_its_city(client):
    maarif = Place.objects.get(code="06.141.01.03")
    near = make_center(
        at=(33.5905, -7.6490),
        category=Category.objects.get(code="disability"),
        name_fr="Centre Maârif",
    )

    response = client.get("/en/", {"place": "Maarif"})

    assert response.context["origin"].point == maarif.origin
    assert listed(response)[0] == (
        "Centre Maârif",
        pytest.approx(metres_from(maarif.code, near), abs=1),
    )
    page = page_text(response)
    assert re.search(r"\d+ centers? nearest to Maârif, Casablanca", page)
    assert "Distances from Maârif, Casablanca (district)." in page


def test_the_page_names_the_place_in_its_language(client):
    french = client.get("/fr/", {"place": "Khouribga"}).content.decode()
    arabic = client.get("/", {"place": "Khouribga"}).content.decode()

    assert "Khouribga" in french
    assert "خريبكة" in arabic
