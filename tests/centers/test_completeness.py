"""A center's completeness: the share of the facts expected of it that its record gives
(centers/completeness.py), the same for staff, the public API and pages, whatever path
wrote it, and never dependent on a sensitive center's exact position."""

import csv
import html
import io
import re

import pytest
from django.core.cache import cache
from django.db import connection

from centers import completeness
from centers.models import Center
from centers.positions import position_resolve
from centers.services import category_update, center_update
from tests.centers.factories import SALE, CategoryFactory, make_center

pytestmark = pytest.mark.django_db

URL = "/api/v1/centers/"
HOURS = {"mon": [["08:30", "16:30"]]}
EVERY_FACT = {
    "name_ar": "مركز الرباط",
    "name_fr": "Centre de Rabat",
    "phones": ["+212537000000"],
    "opening_hours": HOURS,
}


def measured(center) -> tuple[int, list[str]]:
    read = Center.objects.with_completeness().get(pk=center.pk)
    return read.completeness, read.missing_facts


def public_item(client, center) -> dict:
    items = client.get(URL).json()
    return next(item for item in items["results"] if item["id"] == center.pk)


def test_a_center_that_gives_every_fact_is_complete():
    center = make_center(category=CategoryFactory(), **EVERY_FACT)

    assert measured(center) == (100, [])


def test_a_center_without_a_phone_is_80_percent_complete():
    center = make_center(category=CategoryFactory(), **{**EVERY_FACT, "phones": []})

    assert measured(center) == (80, ["phone"])


def test_what_a_center_lacks_is_listed_in_the_order_of_the_facts():
    center = make_center(
        category=CategoryFactory(), name_ar="مركز", name_fr="", precision="commune"
    )

    assert measured(center) == (20, ["phone", "opening_hours", "street_position", "name_fr"])


@pytest.mark.parametrize("precision", ["exact", "street", "commune"])
def test_a_street_level_position_is_not_expected_of_a_sensitive_center(precision):
    women = CategoryFactory(code="women", sensitive=True)
    center = make_center(category=women, precision=precision, **EVERY_FACT)
    without_a_phone = make_center(
        at=(SALE[0] + 0.001, SALE[1]),
        category=women,
        precision=precision,
        **{**EVERY_FACT, "name_fr": "Autre", "phones": []},
    )

    assert measured(center) == (100, [])
    assert measured(without_a_phone) == (75, ["phone"])


def test_moving_a_sensitive_center_or_changing_its_address_changes_nothing_public(client):
    cache.clear()
    shelter = make_center(
        at=SALE, category=CategoryFactory(code="women", sensitive=True), precision="commune"
    )
    shelter.refresh_from_db()
    before = {
        "measured": measured(shelter),
        "item": public_item(client, shelter),
        "detail": client.get(f"{URL}{shelter.slug}/").json(),
        "csv": client.get(URL, {"format": "csv"}).getvalue(),
        "clock": (shelter.public_updated_at, shelter.public_change),
    }

    moved = position_resolve(latitude=SALE[0] + 0.0004, longitude=SALE[1] + 0.0004)
    changed = center_update(
        user=None,
        center=shelter,
        fields={"address_fr": "12 rue de l'Abri", "address_ar": "12 زنقة"},
        position=moved,
    )

    shelter.refresh_from_db()
    assert set(changed) == {"location", "location_precision", "address_ar", "address_fr"}
    assert shelter.location_precision == "exact"
    after = {
        "measured": measured(shelter),
        "item": public_item(client, shelter),
        "detail": client.get(f"{URL}{shelter.slug}/").json(),
        "csv": client.get(URL, {"format": "csv"}).getvalue(),
        "clock": (shelter.public_updated_at, shelter.public_change),
    }
    assert after == before
    assert before["measured"] == (25, ["phone", "opening_hours", "name_ar"])


def test_a_category_made_sensitive_measures_its_centers_without_the_position():
    category = CategoryFactory(code="parenting")
    center = make_center(category=category, precision="commune", **EVERY_FACT)
    assert measured(center) == (80, ["street_position"])
    clock = Center.objects.values_list("public_updated_at", flat=True).get(pk=center.pk)

    category_update(user=None, category=category, fields={"sensitive": True})

    assert measured(center) == (100, [])
    center.refresh_from_db()
    assert center.public_updated_at > clock

    category_update(user=None, category=category, fields={"sensitive": False})

    assert measured(center) == (80, ["street_position"])


def test_the_api_gives_completeness_and_last_verification_in_every_format(client):
    cache.clear()
    center = make_center(
        category=CategoryFactory(), last_verified_on="2026-01-31", **{**EVERY_FACT, "phones": []}
    )
    never = make_center(at=SALE, category=CategoryFactory(), name_fr="Jamais vérifié")

    items = {item["id"]: item for item in client.get(URL).json()["results"]}
    features = {
        feature["id"]: feature["properties"]
        for feature in client.get(URL, {"format": "geojson", "limit": 10}).json()["features"]
    }
    rows = {
        row["id"]: row
        for row in csv.DictReader(
            io.StringIO(client.get(URL, {"format": "csv"}).getvalue().decode("utf-8-sig"))
        )
    }
    detail = client.get(f"{URL}{center.slug}/").json()

    for shown in (items[center.pk], features[center.pk], detail):
        assert (shown["last_verified_on"], shown["completeness"]) == ("2026-01-31", 80)
    for shown in (items[never.pk], features[never.pk]):
        assert (shown["last_verified_on"], shown["completeness"]) == (None, 40)
    assert (rows[str(center.pk)]["last_verified_on"], rows[str(center.pk)]["completeness"]) == (
        "2026-01-31",
        "80",
    )
    assert (rows[str(never.pk)]["last_verified_on"], rows[str(never.pk)]["completeness"]) == (
        "",
        "40",
    )


def test_the_database_functions_are_those_declared():
    """Written from FACTS after every migrate, as the public shape's are."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT proname, prosrc FROM pg_proc WHERE proname = ANY(%(names)s)",
            {"names": [completeness.MISSING_FUNCTION, completeness.COMPLETENESS_FUNCTION]},
        )
        bodies = dict(cursor.fetchall())
    assert len(bodies) == 2
    for body in bodies.values():
        assert body.strip() in completeness.functions_sql()


def test_street_level_precisions_are_precisions_of_a_center():
    assert set(completeness.STREET_LEVEL_PRECISIONS) < set(Center.Precision.values)
    assert Center.Precision.COMMUNE not in completeness.STREET_LEVEL_PRECISIONS


def paragraph(page: str, css_class: str) -> str:
    found = re.search(rf'<p class="{css_class}">(.*?)</p>', page, re.DOTALL)
    assert found, css_class
    return html.unescape(found.group(1))


@pytest.mark.parametrize(
    ("prefix", "date"),
    [("/", "31 يناير، 2026"), ("/fr/", "31 janvier 2026"), ("/en/", "Jan. 31, 2026")],
)
def test_the_center_page_says_when_its_information_was_checked_in_its_language(
    client, prefix, date
):
    center = make_center(category=CategoryFactory(), last_verified_on="2026-01-31")

    page = client.get(f"{prefix}centers/{center.slug}/").content.decode()

    assert date in paragraph(page, "checked-on")


def test_the_center_page_says_what_is_not_known_yet_in_words(client):
    center = make_center(category=CategoryFactory(), name_ar="مركز", precision="commune")
    sensitive = make_center(
        at=SALE,
        category=CategoryFactory(code="women", sensitive=True),
        precision="exact",
        **EVERY_FACT,
    )

    page = client.get(f"/en/centers/{center.slug}/").content.decode()
    sensitive_page = client.get(f"/en/centers/{sensitive.slug}/").content.decode()

    assert paragraph(page, "checked-on") == "Information not yet checked."
    assert paragraph(page, "completeness") == (
        "2 of 5 key facts known. Not known yet: phone number, opening hours, street-level position."
    )
    assert paragraph(sensitive_page, "completeness") == "4 of 4 key facts known."
    for prefix in ("/", "/fr/"):
        translated = client.get(f"{prefix}centers/{center.slug}/").content.decode()
        assert re.search(r"\b2\b.*\b5\b", paragraph(translated, "completeness"))
