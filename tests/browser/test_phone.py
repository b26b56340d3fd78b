"""A family's search on a cheap phone (360 by 740 pixels), in Arabic and French, with and without
JavaScript: the page opens on its results, the first of them in the first screen, with
focus on their heading; the map's popups name each center in its own language and write
distances as the page's language does."""

import re

import pytest

from .conftest import RABAT

PHONE = {"width": 360, "height": 740}
PREFIXES = {"ar": "", "fr": "/fr"}


@pytest.fixture(params=[True, False], ids=["with JavaScript", "without JavaScript"])
def phone(request, browser, site):
    context = browser.new_context(
        viewport=PHONE,
        locale="ar-MA",
        java_script_enabled=request.param,
        geolocation={"latitude": RABAT[0], "longitude": RABAT[1]},
        permissions=["geolocation"],
    )
    context.route(
        "**/*",
        lambda route: route.continue_() if route.request.url.startswith(site) else route.abort(),
    )
    page = context.new_page()
    page.javascript = request.param
    yield page
    context.close()


def search(page, site: str, language: str, category: str) -> None:
    """As a family does: the kind of help, then their position (with JavaScript) or
    their town typed in (without)."""
    page.goto(site + PREFIXES[language] + "/")
    page.locator(f"label[for=category-{category}]").click()
    if page.javascript:
        page.locator("#use-my-location").click()
    else:
        page.locator("#place").fill("Rabat")
        page.locator("button[type=submit]").click()
    page.locator("#results-title").wait_for()
    page.wait_for_load_state("load")


def in_first_screen(page, selector: str) -> bool:
    box = page.locator(selector).first.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"]


@pytest.mark.parametrize("category", ["women", "disability"])
@pytest.mark.parametrize("language", ["ar", "fr"])
def test_a_search_opens_on_its_results_with_the_first_in_the_first_screen(
    phone, site, language, category
):
    search(phone, site, language, category)

    # The first result's name and distance are in view, without scrolling.
    assert in_first_screen(phone, ".center-list .center-card h3")
    assert in_first_screen(phone, ".center-list .center-card .center-facts > div:first-child")
    # Focus is on the results' heading, which says how many were found and from where.
    heading = phone.locator("#results-title")
    assert phone.evaluate("document.activeElement.id") == "results-title"
    cards = phone.locator(".center-list .center-card").count()
    assert re.match(rf"^{cards}\D", heading.inner_text())
    # Above them, the search folded into one line that opens to change it.
    summary = phone.locator("#search-summary > summary")
    assert in_first_screen(phone, "#search-summary > summary")
    assert phone.locator("#search-form").is_hidden()
    summary.click()
    assert phone.locator("#search-form").is_visible()


def test_a_marker_popup_names_a_center_in_its_own_language(page, site):
    # The demo data's center of Oued Zem has a French name only.
    page.goto(site + "/?category=disability&place=Khouribga")
    page.wait_for_selector(".center-marker")
    marker = page.locator(".center-marker[lang=fr]").first
    assert marker.get_attribute("dir") == "ltr"
    marker.dispatch_event("click")

    link = page.locator(".map-popup a")
    link.wait_for()
    assert link.get_attribute("lang") == "fr" and link.get_attribute("dir") == "ltr"
    assert link.inner_text() == marker.get_attribute("title")
    # Arabic as Morocco writes it: a decimal comma, and the unit in Arabic.
    assert re.fullmatch(
        r"\d{1,3}(\.\d{3})*,\d كلم", page.locator(".map-popup-distance").inner_text()
    )
    page.console_errors.check()


def test_a_popup_writes_the_distance_as_french_does(page, site):
    page.goto(site + "/fr/?category=disability&place=Khouribga")
    page.wait_for_selector(".center-marker")
    page.locator(".center-marker").first.dispatch_event("click")

    distance = page.locator(".map-popup-distance")
    distance.wait_for()
    assert re.fullmatch(r"\d{1,3}([\u00a0\u202f]\d{3})*,\d km", distance.inner_text())
