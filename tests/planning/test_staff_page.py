"""The staff coverage page, its map's GeoJSON and its CSV export: staff only, in the
three languages, the most underserved first, with what the directory holds."""

import csv
import datetime
import io
import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone, translation

from centers.positions import Position
from centers.services import center_update, center_verify
from planning.indicators import INDICATORS, Level, coverage_by_area
from planning.services import coverage_refresh

from .conftest import BOUKRAA, LAAYOUNE_REGION

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.planning.urls")]


def url(name: str, language: str = "ar", **query) -> str:
    with translation.override(language):
        address = reverse(f"planning:{name}")
    if query:
        address += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return address


@pytest.fixture
def refreshed(scene):
    coverage_refresh()
    return scene


@pytest.mark.parametrize("name", ["coverage", "coverage-csv", "coverage-geojson"])
def test_anonymous_visitors_are_sent_to_the_login_page(client, categories, name):
    response = client.get(url(name))

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.parametrize("name", ["coverage", "coverage-csv", "coverage-geojson"])
def test_signed_in_non_staff_are_sent_to_the_login_page(client, categories, name):
    user = get_user_model().objects.create_user(username="citizen", password="a-long-password-1")
    client.force_login(user)

    response = client.get(url(name))

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_page_is_arabic_right_to_left_by_default(staff_client, refreshed, categories):
    response = staff_client.get(url("coverage"))
    html = response.content.decode()

    assert response.status_code == 200
    assert '<html lang="ar" dir="rtl">' in html
    assert categories["disability"].name_ar in html


def test_page_in_french_is_left_to_right(staff_client, refreshed, categories):
    response = staff_client.get(url("coverage", "fr"))
    html = response.content.decode()

    assert response.status_code == 200
    assert '<html lang="fr" dir="ltr">' in html
    assert categories["disability"].name_fr in html
    assert categories["disability"].name_ar not in html


def test_page_says_what_the_directory_holds_against_national_totals(
    staff_client, refreshed, categories
):
    response = staff_client.get(url("coverage", "en"))
    html = response.content.decode()

    for code, count in [("disability", 86), ("women", 65), ("child-protection", 43)]:
        assert categories[code].national_total.statement_en in html
        assert f">{count}<" in html
    assert "The directory holds 3 of the 86 known nationally" in html
    assert "Minister&#x27;s statement to parliament" in html


def test_table_lists_the_most_underserved_first(staff_client, refreshed, categories):
    response = staff_client.get(url("coverage", category="disability", level="commune"))
    rows = response.context["rows"]

    assert len(rows) == 1503
    beyond = [row["population_beyond_50km"] for row in rows]
    assert beyond == sorted(beyond, reverse=True)
    boukraa = next(row for row in rows if row["code"] == BOUKRAA)
    assert boukraa["nearest_center_name"] == "Centre au nord de Boukraa"
    assert boukraa["percent_beyond_20km"] == 100.0


def test_table_is_sortable_by_keyboard_without_a_library(staff_client, refreshed):
    html = staff_client.get(url("coverage", level="region")).content.decode()
    table = html[
        html.index('<table class="coverage-table"') : html.index(
            "</table>", html.index('coverage-table"')
        )
    ]

    assert "data-sortable" in table
    assert table.count('<button type="button"') == table.count('<th scope="col"') == 12
    assert table.count('aria-sort="descending"') == 1
    assert table.count("<tr>") == 13
    assert "planning/sortable-table.js" in html


def test_page_has_no_inline_code_of_its_own(staff_client, refreshed):
    html = staff_client.get(url("coverage")).content.decode()
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", html, re.DOTALL)

    for attributes, code in inline:
        # Data for the scripts (json_script), or django-leaflet's own map initialiser.
        assert 'type="application/json"' in attributes or "L.Map.djangoMap" in code, code
    config = json.loads(re.search(r'id="coverage-map-config"[^>]*>(.*?)</script>', html).group(1))
    assert config["indicator"] == "mean_distance_m"
    assert config["geojsonUrl"] == url("coverage-geojson", category="disability", level="province")
    assert "planning/coverage-map.js" in html
    assert 'id="coverage-map"' in html


def test_map_geojson_carries_every_indicator(staff_client, refreshed, categories):
    response = staff_client.get(url("coverage-geojson", category="disability", level="region"))
    collection = response.json()

    assert response["Content-Type"] == "application/geo+json"
    assert collection["type"] == "FeatureCollection"
    assert len(collection["features"]) == 12
    laayoune = next(f for f in collection["features"] if f["id"] == LAAYOUNE_REGION)
    assert laayoune["geometry"]["type"] == "MultiPolygon"
    expected = coverage_by_area(Level.REGION, categories["disability"]).get(code=LAAYOUNE_REGION)
    for name in INDICATORS:
        assert laayoune["properties"][name] == pytest.approx(getattr(expected, name)), name
    assert laayoune["properties"]["name_fr"] == "Laâyoune-Sakia El Hamra"


def test_csv_export_is_the_table_in_the_same_order(staff_client, refreshed):
    response = staff_client.get(url("coverage-csv", category="disability", level="commune"))
    page = staff_client.get(url("coverage", category="disability", level="commune"))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="coverage-disability-commune.csv"' in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["code"] for row in rows] == [row["code"] for row in page.context["rows"]]
    boukraa = next(row for row in rows if row["code"] == BOUKRAA)
    assert boukraa["population"] == "1171"
    assert boukraa["centers_count"] == "1"
    assert boukraa["percent_beyond_20km"] == "100.0"
    assert boukraa["percent_beyond_50km"] == "0.0"
    assert 27 < float(boukraa["mean_distance_km"]) < 28.5
    assert boukraa["province_code"] == "11.321"
    assert boukraa["nearest_center_name_fr"] == "Centre au nord de Boukraa"


def test_csv_export_at_region_level(staff_client, refreshed):
    response = staff_client.get(url("coverage-csv", category="parenting", level="region"))
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))

    assert len(rows) == 12
    assert set(rows[0]) == {
        "code",
        "name_ar",
        "name_fr",
        "name_en",
        "population",
        "centers_count",
        "centers_per_100k",
        "mean_distance_km",
        "percent_beyond_20km",
        "percent_beyond_50km",
        "population_beyond_50km",
        "records_count",
        "mean_completeness",
        "percent_verified_recently",
        "never_verified_count",
        "oldest_verified_on",
    }
    assert all(row["mean_distance_km"] == "" for row in rows)
    assert all(row["percent_beyond_50km"] == "100.0" for row in rows)
    # No center of the category: no record to measure.
    assert all(row["records_count"] == "0" and row["mean_completeness"] == "" for row in rows)


def test_each_region_says_how_complete_and_fresh_its_records_are(staff_client, refreshed):
    """Published records of the category, whatever their status (the archived one at
    Tarfaya counts for nothing): completeness is the mean of centers/completeness.py's,
    freshness the share verified in the last 12 months and the oldest verification."""
    today = timezone.localdate()
    laayoune, semara = refreshed["laayoune"], refreshed["semara_planned"]
    # A phone and hours: 4 of 5 facts (no name in Arabic), 80 %.
    center_update(
        user=None,
        center=laayoune,
        fields={"phones": ["+212528000000"], "opening_hours": {"mon": [["08:30", "16:30"]]}},
        position=position_of(laayoune),
    )
    center_update(
        user=None,
        center=semara,
        fields={"last_verified_on": today - datetime.timedelta(days=400)},
        position=position_of(semara),
    )
    verified = refreshed["north_of_boukraa"]
    center_verify(user=None, center=verified, reason="Called")

    response = staff_client.get(url("coverage-csv", category="disability", level="region"))
    rows = {
        row["code"]: row
        for row in csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))
    }
    page = staff_client.get(url("coverage", "en", category="disability", level="region"))

    # Laâyoune 80 %; north of Boukraa and Es-Semara 40 % (a position and a French name).
    assert rows[LAAYOUNE_REGION]["records_count"] == "3"
    assert rows[LAAYOUNE_REGION]["mean_completeness"] == "53.333"
    assert rows[LAAYOUNE_REGION]["percent_verified_recently"] == "33.333"
    assert rows[LAAYOUNE_REGION]["never_verified_count"] == "1"
    assert rows[LAAYOUNE_REGION]["oldest_verified_on"] == str(today - datetime.timedelta(days=400))
    # Rabat's one record, never verified.
    assert rows["04"]["records_count"] == "1" and rows["04"]["mean_completeness"] == "40.0"
    assert rows["04"]["percent_verified_recently"] == "0.0"
    assert rows["04"]["oldest_verified_on"] == ""
    html = page.content.decode()
    assert "Mean completeness of the records" in html
    assert "never (1 record not verified)" in html
    start = html.index('class="coverage-national"')
    national = html[start : html.index("</section>", start)]
    assert "Published records" in national and ">4<" in national
    # (80 + 40 + 40 + 40) / 4
    assert ">50 %<" in national


def position_of(center) -> Position:
    return Position(center.location, center.commune, center.location_precision)


def test_page_warns_when_coverage_was_never_computed(staff_client, scene):
    html = staff_client.get(url("coverage", "en")).content.decode()

    assert "Coverage has not been computed for this category yet" in html


@pytest.mark.parametrize("name", ["coverage", "coverage-csv", "coverage-geojson"])
def test_bad_choices_are_refused(staff_client, categories, name):
    response = staff_client.get(url(name, "en", category="nope", level="country"))

    assert response.status_code == 400
    assert b"Select a valid choice" in response.content
