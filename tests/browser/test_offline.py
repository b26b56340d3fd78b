"""Offline in a real browser: the service worker keeps the searches and centers' pages
viewed and shows them without a network, saying when they were saved; it keeps nothing of
a search or a page of a sensitive category; the quick exit deletes what it kept."""

import datetime
import re
import time

import pytest
from playwright.sync_api import Error as PlaywrightError

SEARCH = "/?category=disability&lat=34.024&lon=-6.822"
WOMEN_SEARCH = "/fr/?category=women&lat=34.024&lon=-6.822"
# The kept pages, by address (the worker's cache of pages, public_site/service_worker.js).
KEPT_PAGES = """async () => {
  if (!(await caches.has("pages"))) {
    return null;
  }
  const cache = await caches.open("pages");
  return (await cache.keys()).map((request) => request.url);
}"""
# Everything in the phone's cache storage: each cache's addresses, and the text of pages.
CACHE_STORAGE = """async () => {
  const stored = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      const response = await cache.match(request);
      const type = response.headers.get("Content-Type") || "";
      const text = type.startsWith("text/") ? await response.text() : "";
      stored.push({ cache: name, url: request.url, text });
    }
  }
  return stored;
}"""
# What the browser reports of a request that could not be sent.
OFFLINE_ERROR = "Failed to load resource: net::ERR_INTERNET_DISCONNECTED"
# Digits other than 0-9: Arabic-Indic and Eastern Arabic-Indic.
OTHER_DIGITS = re.compile("[\u0660-\u0669\u06f0-\u06f9]")


def until(condition, seconds: float = 15):
    deadline = time.monotonic() + seconds
    while (value := condition()) is None or value is False:
        assert time.monotonic() < deadline, "not within the time given"
        time.sleep(0.1)
    return value


def open_with_worker(page, url: str) -> None:
    """Opens a page and waits until the service worker controls it."""
    page.goto(url)
    page.wait_for_function("navigator.serviceWorker.controller !== null")


def kept_pages(page) -> list[str] | None:
    return page.evaluate(KEPT_PAGES)


def wait_until_kept(page, *urls: str) -> None:
    until(lambda: set(urls) <= set(kept_pages(page) or []))


def test_a_search_and_a_center_viewed_are_shown_offline_saying_when_they_were_saved(
    page, site, screenshot
):
    open_with_worker(page, site + "/")
    page.goto(site + SEARCH)
    link = page.locator(".center-list .center-card h3 a").first
    name = link.inner_text()
    link.click()
    page.wait_for_load_state()
    center = page.url
    assert "/centers/" in center
    wait_until_kept(page, site + SEARCH, center)
    page.go_back()
    page.wait_for_load_state()
    assert page.locator("#saved-note").is_hidden()  # online: the page from the network

    failed = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.context.set_offline(True)
    page.reload()

    note = page.locator("#saved-note")
    assert note.is_visible() and note.get_attribute("role") == "status"
    text = note.inner_text()
    assert str(datetime.date.today().year) in text and re.search(r"\d{1,2}:\d{2}", text)
    assert not OTHER_DIGITS.search(text), text  # Latin digits, as written in Morocco
    assert page.locator(".center-list .center-card").count() >= 3
    page.wait_for_selector(".center-marker, .marker-cluster")  # the map, from the shell
    screenshot("offline-results-ar")

    page.locator(".center-list .center-card h3 a").first.click()
    page.wait_for_load_state()
    assert page.url == center
    assert page.locator("#saved-note").is_visible()
    assert page.locator("h1").inner_text() == name
    assert page.locator("a[href^='tel:']").count() >= 1

    with pytest.raises(PlaywrightError, match="ERR_INTERNET_DISCONNECTED"):
        page.goto(site + "/regions/")  # never kept
    page.context.set_offline(False)
    # Nothing of the shell was missing: only the API (the map's boundaries), never kept,
    # and the page never viewed could not be had.
    paths = {url.removeprefix(site) for url in failed}
    assert "/regions/" in paths
    assert all(path.startswith("/api/v1/regions/") for path in paths - {"/regions/"}), paths
    assert [error for error in page.console_errors if OFFLINE_ERROR not in error] == []


def test_a_french_page_kept_says_when_in_french(page, site):
    open_with_worker(page, site + "/fr/")
    page.goto(site + "/fr" + SEARCH)
    wait_until_kept(page, site + "/fr" + SEARCH)

    page.context.set_offline(True)
    page.reload()

    text = page.locator("#saved-note").inner_text()
    page.context.set_offline(False)
    months = "janvier février mars avril mai juin juillet août septembre octobre novembre décembre"
    assert any(month in text for month in months.split()), text


def test_nothing_of_a_sensitive_search_or_centers_page_stays_in_the_phones_storage(page, site):
    open_with_worker(page, site + "/fr/")
    page.goto(site + "/fr" + SEARCH)
    page.goto(site + WOMEN_SEARCH)
    link = page.locator(".center-list .center-card h3 a").first
    slug = link.get_attribute("href").strip("/").split("/")[-1]
    link.click()
    page.wait_for_load_state()
    assert "Espace d" in page.locator("h1").inner_text()
    # Pages are kept one after another: once the next ordinary page is kept, whatever would
    # have been kept of the women's pages would be there.
    page.goto(site + "/en/")
    wait_until_kept(page, site + "/fr" + SEARCH, site + "/en/")

    stored = page.evaluate(CACHE_STORAGE)

    assert {entry["cache"] for entry in stored} >= {"pages"}
    assert any(entry["cache"].startswith("shell-") for entry in stored)
    # Every visitor's worker stores every category's icon (women.svg too): it tells nothing.
    for entry in stored:
        assert "category=women" not in entry["url"] and slug not in entry["url"], entry["url"]
        for words in ("Espace d", "فضاء تجريبي", slug):
            assert words not in entry["text"], (entry["url"], words)


def test_an_answer_sent_no_store_or_private_is_not_kept_and_removes_the_copy_kept_before(
    page, site
):
    """What the worker does itself, whatever the page: here the server's answers to an
    ordinary search and center are given the headers of a sensitive page on their way."""
    open_with_worker(page, site + "/")
    page.goto(site + SEARCH)
    center = site + page.locator(".center-list .center-card h3 a").first.get_attribute("href")
    wait_until_kept(page, site + SEARCH)

    def sent_with(cache_control: str):
        def answer(route):
            response = route.fetch()
            route.fulfill(
                response=response, headers={**response.headers, "cache-control": cache_control}
            )

        return answer

    page.context.route(lambda url: url == site + SEARCH, sent_with("no-store"))
    page.context.route(lambda url: url == center, sent_with("private"))
    page.reload()
    page.goto(center)
    page.goto(site + "/fr/")
    wait_until_kept(page, site + "/fr/")

    assert not {site + SEARCH, center} & set(kept_pages(page))


def test_quick_exit_deletes_the_kept_pages(page, site):
    open_with_worker(page, site + "/")
    page.goto(site + SEARCH)
    wait_until_kept(page, site + SEARCH)

    page.locator("#quick-exit").click()
    page.wait_for_url(site + "/healthz")

    until(lambda: kept_pages(page) is None)


def test_the_worker_keeps_the_last_20_pages_viewed(page, site):
    open_with_worker(page, site + "/")
    searches = [f"{site}/?category=disability&lat=34.{n:03d}&lon=-6.822" for n in range(23)]
    for url in searches[:22]:
        page.goto(url)
    page.goto(searches[2])  # viewed again: the latest, no longer the oldest
    page.goto(searches[22])

    kept = until(lambda: (pages := kept_pages(page)) and pages[-1] == searches[22] and pages)
    assert len(kept) == 20
    assert kept[-2] == searches[2]
    assert not {searches[0], searches[1], searches[3]} & set(kept)


@pytest.mark.parametrize(
    ("prefix", "name"), [("", "Social centers of Morocco"), ("/fr", "Centres sociaux du Maroc")]
)
def test_chromium_reads_the_manifest_of_the_pages_language_and_finds_the_site_installable(
    page, site, prefix, name
):
    open_with_worker(page, f"{site}{prefix}/")
    page.reload()  # now controlled by the worker, as an installed app's pages are
    cdp = page.context.new_cdp_session(page)

    manifest = cdp.send("Page.getAppManifest")
    installability = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]

    assert manifest["url"] == f"{site}{prefix}/manifest.webmanifest"
    assert manifest["errors"] == []
    assert manifest["manifest"]["startUrl"] == f"{site}{prefix}/"
    assert manifest["manifest"]["display"] == "kStandalone"
    # The tests' browser window is a private one, where nothing is installed.
    assert [
        error["errorId"] for error in installability if error["errorId"] != "in-incognito"
    ] == []


def test_no_page_asks_for_anything_missing(page, site):
    missing = []
    page.on("response", lambda r: missing.append(r.url) if r.status >= 400 else None)
    open_with_worker(page, site + "/")

    page.goto(site + SEARCH)
    page.goto(site + page.locator(".center-list .center-card h3 a").first.get_attribute("href"))
    for path in ["/fr/", "/fr/regions/", "/fr/regions/04/"]:
        page.goto(site + path)
        page.wait_for_load_state("networkidle")

    assert missing == []
    page.console_errors.check()
