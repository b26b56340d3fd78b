"""Safety in a real browser: with a third-party tile server configured but not declared the
operator's own, a sensitive search and the staff form of a women's center ask no other
host; a sensitive search leaves neither its query nor its place in the history; quick exit
is on every page."""

import re

import pytest

from tests.servers import free_port, gunicorn

from .conftest import STAFF_PASSWORD, STAFF_USERNAME

THIRD_PARTY_TILES = "https://tiles.third-party.test/{z}/{x}/{y}.png"


@pytest.fixture(scope="module")
def site_with_third_party_tiles(site_database):
    environment = {**site_database, "MAP_TILES_URL": THIRD_PARTY_TILES}
    with gunicorn(environment, free_port(), workers=1) as base:
        yield base


def serve_only(page, base: str) -> None:
    """Requests to this server go through; those to any other host are refused."""
    page.context.route(
        "**/*",
        lambda route: route.continue_() if route.request.url.startswith(base) else route.abort(),
    )


def other_hosts_asked(page, base: str, visit) -> list[str]:
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    serve_only(page, base)
    visit()
    page.wait_for_load_state("networkidle")
    return [url for url in requested if not url.startswith(base)]


def test_a_sensitive_search_asks_no_other_host(page, site_with_third_party_tiles):
    base = site_with_third_party_tiles

    def search():
        page.goto(base + "/fr/?category=women&lat=34.024&lon=-6.822")
        page.locator(".leaflet-container").wait_for()

    assert other_hosts_asked(page, base, search) == []
    assert page.locator(".region-label").count() > 0  # our own layers are drawn instead


def test_an_ordinary_search_loads_the_configured_tiles_without_a_referrer(
    page, site_with_third_party_tiles
):
    base = site_with_third_party_tiles
    referrers = []
    page.on(
        "request",
        lambda request: (
            referrers.append(request.headers.get("referer"))
            if "third-party" in request.url
            else None
        ),
    )

    def search():
        page.goto(base + "/fr/?category=disability&lat=34.024&lon=-6.822")
        page.locator(".leaflet-container").wait_for()

    asked = other_hosts_asked(page, base, search)

    assert asked and all(url.startswith("https://tiles.third-party.test/") for url in asked)
    assert referrers and not any(referrers)


def sign_in(page, base: str) -> None:
    page.goto(base + "/fr/admin/login/")
    page.fill("#id_username", STAFF_USERNAME)
    page.fill("#id_password", STAFF_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r".*/admin/$"))


def test_the_staff_form_of_a_womens_center_asks_no_other_host(page, site_with_third_party_tiles):
    base = site_with_third_party_tiles
    serve_only(page, base)
    sign_in(page, base)
    page.goto(base + "/fr/admin/centers/center/?q=Espace+d%27essai")
    change_url = page.locator("#result_list tbody a").first.get_attribute("href")

    def open_form():
        page.goto(base + change_url)
        page.locator("#position-map.leaflet-container").wait_for()

    assert other_hosts_asked(page, base, open_form) == []
    assert page.locator("#position-map .region-label").count() > 0


def test_a_sensitive_search_leaves_no_trace_in_the_history(page, site):
    page.goto(site + "/fr/")
    assert page.locator("#quick-exit").is_visible()
    page.check("#category-women")
    page.fill("#place", "Rabat")
    page.click("#search-form button[type=submit]")
    page.locator("#results-title").wait_for()
    page.wait_for_load_state()

    assert page.url == site + "/fr/"
    page.locator("#quick-exit").click()
    page.wait_for_url(site + "/healthz")
    page.go_back()
    page.wait_for_load_state()
    assert page.url == site + "/fr/"
    visited = page.evaluate("() => [location.href, document.title]")
    assert "Rabat" not in " ".join(visited) and "women" not in " ".join(visited)


@pytest.mark.parametrize("path", ["/", "/fr/regions/", "/fr/regions/04/", "/fr/no-such-page/"])
def test_quick_exit_is_on_every_page(page, site, path):
    page.goto(site + path)

    page.keyboard.press("Escape")
    page.keyboard.press("Escape")

    page.wait_for_url(site + "/healthz")


def test_the_staff_form_shows_its_pin_and_loads_nothing_missing(page, site):
    sign_in(page, site)
    page.goto(site + "/fr/admin/centers/center/?q=Centre+d%27essai+Rabat")
    change_url = page.locator("#result_list tbody a").first.get_attribute("href")
    missing = []
    page.on("response", lambda r: missing.append(r.url) if r.status >= 400 else None)

    page.goto(site + change_url)
    page.wait_for_load_state("networkidle")

    pin = page.locator("#position-map .position-pin")
    assert pin.count() == 1 and pin.is_visible()
    assert missing == []
    page.console_errors.check()
