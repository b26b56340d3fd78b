"""The public site in a real browser: Arabic first, the search from a phone's position,
languages, a center's call link, the quick exit, accessibility, and no console errors."""

import re

import pytest


def distances_in_km(page) -> list[float]:
    texts = page.locator(".center-list .center-facts dd").all_inner_texts()
    # "1,7 km" in French, "1,7 كلم" in Arabic.
    distance = re.compile(r"([\d.,]+)\s*(?:km|كلم)")
    return [float(m.group(1).replace(",", ".")) for t in texts if (m := distance.search(t))]


def test_home_page_is_arabic_and_right_to_left(page, site, screenshot):
    page.goto(site + "/")

    html = page.locator("html")
    assert html.get_attribute("lang") == "ar"
    assert html.get_attribute("dir") == "rtl"
    screenshot("home-ar")
    page.console_errors.check()


def test_search_from_my_position_lists_the_nearest_centers_and_maps_them(page, site, screenshot):
    page.goto(site + "/")
    page.locator("label[for=category-disability]").click()

    page.locator("#use-my-location").click()
    page.wait_for_url(re.compile(r"lat=34\.024&lon=-6\.82"))

    assert "category=disability" in page.url
    cards = page.locator(".center-list .center-card")
    assert cards.count() >= 3
    assert (
        "Centre d'essai Rabat" in cards.first.inner_text()
        or "مركز تجريبي الرباط" in cards.first.inner_text()
    )
    distances = distances_in_km(page)
    assert distances == sorted(distances) and len(distances) == cards.count()
    page.wait_for_selector(".center-marker, .marker-cluster")
    assert page.locator(".center-marker, .marker-cluster").count() >= 1
    # The region boundaries are drawn, with no base map tiles at all.
    page.wait_for_function("document.querySelectorAll('.leaflet-overlay-pane path').length >= 12")
    screenshot("results-ar")
    page.console_errors.check()


def test_switching_to_french_keeps_the_search_and_turns_the_page_left_to_right(
    page, site, screenshot
):
    page.goto(site + "/?category=disability&lat=34.024&lon=-6.822")

    page.locator(".language-switcher a[lang=fr]").click()
    page.wait_for_load_state()

    assert page.url.startswith(site + "/fr/?")
    assert "category=disability" in page.url and "lat=34.024" in page.url
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert page.locator(".center-list .center-card").count() >= 3
    screenshot("results-fr")
    page.console_errors.check()


def test_a_center_page_shows_its_call_link(page, site, screenshot):
    page.goto(site + "/fr/?category=disability&lat=34.024&lon=-6.822")
    page.locator(".center-list .center-card h3 a").first.click()
    page.wait_for_load_state()

    call = page.locator("a[href^='tel:']").first
    assert call.get_attribute("href") == "tel:+212537000001"
    assert call.is_visible()
    screenshot("center-fr")
    page.console_errors.check()


def test_quick_exit_leaves_at_once_and_replaces_the_page_in_history(page, site):
    page.goto(site + "/")
    page.goto(site + "/?category=women&lat=34.024&lon=-6.822")

    exit_button = page.locator("#quick-exit")
    assert exit_button.is_visible()
    exit_button.click()
    page.wait_for_url(site + "/healthz")

    page.go_back()
    page.wait_for_load_state()
    assert "category=women" not in page.url


def test_quick_exit_answers_the_escape_key_twice(page, site):
    page.goto(site + "/?category=women&lat=34.024&lon=-6.822")

    page.keyboard.press("Escape")
    page.keyboard.press("Escape")

    page.wait_for_url(site + "/healthz")


def test_typing_khouribga_and_choosing_its_first_suggestion_searches_from_the_town(page, site):
    page.goto(site + "/en/")
    page.locator("label[for=category-disability]").click()

    page.locator("#place").press_sequentially("Khouribga")
    first = page.locator("#place-suggestions option").first
    first.wait_for(state="attached")
    suggestion = first.get_attribute("value")
    page.locator("#place").fill(suggestion)
    page.locator("#search-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"place=05\.311\.01\.07"))

    assert suggestion == "Khouribga — 05.311.01.07"
    assert page.locator("#measured-from").inner_text() == "Distances from Khouribga (town)."
    names = page.locator(".center-list .center-card h3").all_inner_texts()
    distances = dict(zip(names, distances_in_km(page), strict=True))
    assert names[0] == "Centre d'essai Khouribga" and distances[names[0]] < 2
    oued_zem = next(name for name in names if "Oued Zem" in name)
    assert 25 < distances[oued_zem] < 35
    page.console_errors.check()


def test_typing_a_district_suggests_it_with_its_city_and_searches_from_it(page, site):
    page.goto(site + "/fr/")

    page.locator("#place").press_sequentially("Maarif")
    first = page.locator("#place-suggestions option").first
    first.wait_for(state="attached")
    suggestion = first.get_attribute("value")
    page.locator("#place").fill(suggestion)
    page.locator("#search-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"place=06\.141\.01\.03"))

    assert suggestion == "Maârif, Casablanca — 06.141.01.03"
    assert "Maârif, Casablanca" in page.locator("#measured-from").inner_text()
    page.console_errors.check()


@pytest.mark.parametrize(
    ("path", "suggested"),
    [("/fr/", "Tangier → Tanger — 01.511.01.0"), ("/", "Tangier ← طنجة — 01.511.01.0")],
)
def test_typing_an_other_name_suggests_the_town_saying_which_name_matched(
    page, site, path, suggested
):
    page.goto(site + path)  # French, then Arabic (the site's language without a prefix)

    page.locator("#place").press_sequentially("Tangier")
    first = page.locator("#place-suggestions option").first
    first.wait_for(state="attached")
    suggestion = first.get_attribute("value")
    page.locator("#place").fill(suggestion)
    page.locator("#search-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"place=01\.511\.01\.0"))

    assert suggestion == suggested
    page.console_errors.check()


def test_keyboard_alone_goes_from_the_question_to_calling_a_center(page, site):
    page.goto(site + "/fr/")

    def focused(attribute: str) -> str:
        return page.evaluate(f"document.activeElement.getAttribute('{attribute}') || ''")

    def tab_until(attribute: str, value: str, limit: int = 80) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if focused(attribute).startswith(value):
                return
        raise AssertionError(f"Tab never reached [{attribute}^={value}]")

    tab_until("name", "category")  # the question comes first
    while focused("id") != "category-disability":
        page.keyboard.press("ArrowDown")
    tab_until("id", "place")
    page.keyboard.type("Rabat")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"category=disability.*place=Rabat"))
    page.wait_for_load_state()

    tab_until("href", "tel:")
    assert focused("href").startswith("tel:+2125370000")


@pytest.mark.parametrize("language", ["", "/fr"])
@pytest.mark.parametrize(
    "path",
    ["/", "/?category=disability&lat=34.024&lon=-6.822", "/regions/", "/regions/04/", "center"],
)
def test_pages_have_no_accessibility_violations(
    page, site, axe_violations, screenshot, language, path
):
    if path == "center":
        page.goto(f"{site}{language}/?category=disability&lat=34.024&lon=-6.822")
        path = page.locator(".center-list .center-card h3 a").first.get_attribute("href")
        page.goto(site + path)
    else:
        page.goto(f"{site}{language}{path}")
    page.wait_for_load_state("networkidle")

    assert axe_violations() == []
    name = (language.strip("/") or "ar") + "-" + (re.sub(r"\W+", "-", path).strip("-") or "home")
    screenshot(f"axe-{name}"[:80])
    page.console_errors.check()


def test_no_page_loads_anything_from_another_host(page, site):
    requested = []
    page.on("request", lambda request: requested.append(request.url))

    for path in ["/", "/?category=women&lat=34.024&lon=-6.822", "/regions/04/"]:
        page.goto(site + path)
        page.wait_for_load_state("networkidle")

    assert requested and all(url.startswith(site) for url in requested), [
        url for url in requested if not url.startswith(site)
    ]


def test_first_screen_of_the_results_weighs_under_200_kb_before_map_tiles(page, site):
    transferred = []

    def record(response):
        sizes = response.request.sizes()
        transferred.append(sizes["responseBodySize"] + sizes["responseHeadersSize"])

    page.on("response", record)
    page.goto(site + "/?category=disability&lat=34.024&lon=-6.822")
    page.wait_for_load_state("networkidle")

    print(f"first screen: {sum(transferred)} bytes in {len(transferred)} responses")
    assert sum(transferred) < 200_000, sum(transferred)
    page.console_errors.check()
