"""Browser tests: the real site under gunicorn, on a database of its own, driven by
Debian's Chromium through Playwright. Nothing outside localhost is reached: requests to
other hosts are refused, the base map has no tiles, and the quick exit leads to a local
page."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from tests.servers import PROJECT, database_url, free_port, gunicorn

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = PROJECT / "test-artifacts" / "screenshots"
# (latitude, longitude) of the Hassan Tower, Rabat.
RABAT = (34.0240, -6.8225)

# Test centers, clearly named as such, near Rabat (with phones), one sensitive, and one in
# the town of Khouribga, 30 km from the demo data's center of Oued Zem.
TEST_CENTERS = "\n".join(
    [
        "external_ref,name_ar,name_fr,category,phones,latitude,longitude,opening_hours",
        "test-rabat-1,مركز تجريبي الرباط,Centre d'essai Rabat,disability,+212537000001,"
        "34.0200,-6.8400,mon 08:30-16:30; tue 08:30-16:30",
        "test-rabat-2,مركز تجريبي أكدال,Centre d'essai Agdal,disability,+212537000002,"
        "33.9950,-6.8500,",
        "test-temara,مركز تجريبي تمارة,Centre d'essai Témara,disability,,33.9280,-6.9060,",
        "test-women-rabat,فضاء تجريبي,Espace d'essai,women,+212537000003,34.0100,-6.8300,",
        "test-khouribga,مركز تجريبي خريبكة,Centre d'essai Khouribga,disability,,32.8825,-6.9070,",
        "",
    ]
)


# A test that uses any of these fixtures, itself or through another fixture, needs Chromium
# or the site served on a database prepared as `make run` prepares one.
BROWSER_FIXTURES = {"site_database", "site", "browser", "page"}


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Marks `browser` each test that uses the fixtures above, before `-m` selects."""
    for item in items:
        if BROWSER_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)


STAFF_USERNAME = "browser-administrator"
STAFF_PASSWORD = "a-long-browser-test-password"
CREATE_STAFF = f"""
from django.contrib.auth import get_user_model
get_user_model().objects.create_superuser({STAFF_USERNAME!r}, password={STAFF_PASSWORD!r})
"""


@pytest.fixture(scope="session")
def site_database(django_db_blocker, tmp_path_factory):
    """The environment of a site whose database is prepared as `make run` prepares one
    (the Makefile's own data step), with test centers and a staff account added."""
    name = f"{settings.DATABASES['default']['NAME']}_browser"
    with django_db_blocker.unblock(), connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    environment = {
        **os.environ,
        "DATABASE_URL": database_url(name),
        # The settings `make run` serves with: compressed, collected static files.
        "DJANGO_SETTINGS_MODULE": "geo_directory.settings.base",
        "MAP_TILES_URL": "",
        "API_ANONYMOUS_RATE": "100000/minute",
    }
    sheet = tmp_path_factory.mktemp("browser") / "test-centers.csv"
    sheet.write_text(TEST_CENTERS, encoding="utf-8")
    subprocess.run(
        ["make", "-s", "static", "data"],
        cwd=PROJECT,
        env=environment,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    for command in (
        ["import_centers", str(sheet)],
        ["shell", "-c", CREATE_STAFF],
    ):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=PROJECT,
            env=environment,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    try:
        yield environment
    finally:
        with django_db_blocker.unblock(), connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


@pytest.fixture(scope="session")
def site(site_database):
    """The site's address, served by gunicorn; its quick exit leads to a local page."""
    port = free_port()
    environment = {**site_database, "QUICK_EXIT_URL": f"http://127.0.0.1:{port}/healthz"}
    with gunicorn(environment, port) as base:
        yield base


@pytest.fixture(scope="module")
def browser(site):
    """Chromium, for one module: Playwright keeps an event loop running meanwhile, during
    which Django refuses database work, so the site's database is prepared before."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


class ConsoleErrors(list):
    def check(self):
        assert not self, "\n".join(self)


@pytest.fixture
def page(browser, site):
    """A fresh page at the site; records console errors and refuses other hosts."""
    context = browser.new_context(
        locale="ar-MA",
        geolocation={"latitude": RABAT[0], "longitude": RABAT[1]},
        permissions=["geolocation"],
        # axe-core is injected as a script tag, which the site's policy would refuse.
        bypass_csp=True,
    )
    context.route(
        "**/*",
        lambda route: route.continue_() if route.request.url.startswith(site) else route.abort(),
    )
    page = context.new_page()
    page.console_errors = ConsoleErrors()
    page.on(
        "console",
        lambda message: (
            page.console_errors.append(f"{page.url}: {message.text}")
            if message.type == "error"
            else None
        ),
    )
    page.on("pageerror", lambda error: page.console_errors.append(f"{page.url}: {error}"))
    yield page
    context.close()


@pytest.fixture
def screenshot(page):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> None:
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    return take


AXE = PROJECT / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture
def axe_violations(page):
    def run() -> list[str]:
        page.add_script_tag(path=str(AXE))
        result = page.evaluate(
            "async () => await axe.run(document, "
            "{runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']})"
        )
        return [
            f"{v['id']} ({v['impact']}): {v['help']} — "
            + "; ".join(node["target"][0] for node in v["nodes"][:3])
            for v in result["violations"]
        ]

    return run
