"""The site as an installable web app: the manifest in each language, the icons and the
favicon, and the service worker: served from the site's root, never stored without asking
again, told which static files its pages use and which pages it may keep."""

import io
import json
import re
import struct
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.core.management import call_command

from centers.models import Category
from public_site import web_app
from tests.centers.factories import RABAT_AGDAL, RABAT_HASSAN_TOWER, make_center

pytestmark = pytest.mark.django_db

STYLESHEET = Path(__file__).resolve().parents[2] / "static" / "css" / "site.css"
LANGUAGES = [
    ("", "ar", "rtl", "المراكز الاجتماعية بالمغرب"),
    ("/fr", "fr", "ltr", "Centres sociaux du Maroc"),
    ("/en", "en", "ltr", "Social centers of Morocco"),
]
RABAT = {"lat": RABAT_HASSAN_TOWER[0], "lon": RABAT_HASSAN_TOWER[1]}


@pytest.fixture
def centers():
    call_command("load_reference_data", stdout=io.StringIO())
    return {
        "disability": make_center(
            at=RABAT_AGDAL, category=Category.objects.get(code="disability"), name_fr="Centre"
        ),
        "women": make_center(
            at=RABAT_AGDAL, category=Category.objects.get(code="women"), name_fr="Espace"
        ),
    }


def png_size(content: bytes) -> tuple[int, int]:
    assert content.startswith(b"\x89PNG\r\n\x1a\n") and content[12:16] == b"IHDR"
    return struct.unpack(">II", content[16:24])


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def worker_config(client) -> dict:
    first_line = client.get("/service-worker.js").content.decode().split("\n", 1)[0]
    return json.loads(re.fullmatch(r"const CONFIG = (.*);", first_line).group(1))


@pytest.mark.parametrize(("prefix", "lang", "direction", "name"), LANGUAGES)
def test_the_manifest_names_the_app_in_the_addresss_language_and_starts_at_its_home(
    client, prefix, lang, direction, name
):
    response = client.get(f"{prefix}/manifest.webmanifest")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == name and manifest["short_name"]
    assert (manifest["lang"], manifest["dir"]) == (lang, direction)
    assert manifest["start_url"] == f"{prefix}/"
    assert manifest["scope"] == "/"
    assert manifest["display"] == "standalone"


def test_the_manifests_colours_are_those_of_the_stylesheet(client):
    manifest = json.loads(client.get("/fr/manifest.webmanifest").content)

    stylesheet = STYLESHEET.read_text()
    colour = dict(re.findall(r"--(accent|background):\s*(#[0-9a-f]{6});", stylesheet))
    assert manifest["theme_color"] == colour["accent"]
    assert manifest["background_color"] == colour["background"]


def test_the_manifests_icons_are_served_as_the_images_it_says_and_are_small(client):
    manifest = json.loads(client.get("/manifest.webmanifest").content)

    sizes = set()
    for icon in manifest["icons"]:
        response = client.get(icon["src"])
        content = body(response)
        assert response.status_code == 200, icon
        assert response["Content-Type"] == icon["type"]
        assert len(content) < 8_000, icon
        if icon["type"] == "image/png":
            width, height = png_size(content)
            assert icon["sizes"] == f"{width}x{height}"
            sizes.add(width)
        else:
            assert content.startswith(b"<svg ") and icon["sizes"] == "any"
    assert {192, 512} <= sizes
    assert any(icon.get("purpose") == "maskable" for icon in manifest["icons"])


def test_favicon_ico_is_an_icon_of_16_and_32_pixels_kept_a_day(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/vnd.microsoft.icon"
    assert "max-age=86400" in response["Cache-Control"]
    reserved, kind, count = struct.unpack("<HHH", response.content[:6])
    assert (reserved, kind) == (0, 1)
    sizes = []
    for number in range(count):
        width, _h, _c, _r, _p, _b, length, offset = struct.unpack(
            "<BBBBHHII", response.content[6 + 16 * number : 22 + 16 * number]
        )
        assert png_size(response.content[offset : offset + length]) == (width, width)
        sizes.append(width)
    assert sorted(sizes) == [16, 32]


@pytest.mark.parametrize(("prefix", "lang", "direction", "name"), LANGUAGES)
def test_every_page_links_its_languages_manifest_and_icons_that_are_served(
    client, centers, prefix, lang, direction, name
):
    slug = centers["disability"].slug
    for path in ["/", "/regions/", f"/centers/{slug}/", "/no-such-page/"]:
        page = client.get(prefix + path).content.decode()

        assert f'<link rel="manifest" href="{prefix}/manifest.webmanifest">' in page, path
        icons = re.findall(r'<link rel="(?:icon|apple-touch-icon)" href="([^"]+)"', page)
        assert "/favicon.ico" in icons and len(icons) == 3, path
        for icon in icons:
            assert client.get(icon).status_code == 200, icon


def test_the_pages_policy_lets_the_worker_and_the_manifest_come_from_this_site_only(client):
    header = client.get("/fr/")["Content-Security-Policy"]

    policy = dict(directive.strip().split(" ", 1) for directive in header.split(";"))
    assert policy["worker-src"] == "'self'"
    assert policy["manifest-src"] == "'self'"


def test_the_service_worker_is_served_at_the_root_for_the_whole_site_and_never_kept(client):
    response = client.get("/service-worker.js")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Service-Worker-Allowed"] == "/"
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"no-cache", "max-age=0"} <= directives
    # The browser's check for a new version is a short answer when there is none.
    again = client.get("/service-worker.js", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    assert client.get("/fr/service-worker.js").status_code == 404


def test_the_worker_stores_every_static_file_of_the_pages_it_keeps(client, centers):
    shell = worker_config(client)["shell"]

    pages = [
        "/",
        "/?" + urlencode({"category": "disability", **RABAT}),
        f"/centers/{centers['disability'].slug}/",
    ]
    named = set()
    for prefix in ("", "/fr"):
        for path in pages:
            page = client.get(prefix + path).content.decode()
            named |= set(re.findall(r'(?:src|href)="(/static/[^"]+)"', page))
    assert named, "the pages name their static files"
    assert named - set(shell.values()) == set()
    for url in shell.values():
        assert client.get(url).status_code == 200, url


def test_the_worker_may_keep_only_the_home_page_its_searches_and_the_centers_pages(client):
    patterns = [re.compile(pattern) for pattern in worker_config(client)["pages"]]

    def kept(path: str) -> bool:
        return any(pattern.search(path) for pattern in patterns)

    for prefix in ("", "/fr", "/en"):
        assert kept(f"{prefix}/") and kept(f"{prefix}/centers/centre-rabat/")
        for path in [
            "/centers/centre-rabat/suggest/",
            "/regions/",
            "/regions/04/",
            "/suggestions/received/a-receipt/",
            "/admin/",
            "/admin/centers/center/",
            "/manifest.webmanifest",
        ]:
            assert not kept(prefix + path), prefix + path
    for path in ["/api/v1/centers/", "/api/v1/places/", "/healthz", "/service-worker.js"]:
        assert not kept(path), path
    assert worker_config(client)["pagesKept"] == web_app.PAGES_KEPT


def test_a_new_shell_is_a_new_version_of_the_worker(client, monkeypatch):
    before = worker_config(client)["version"]
    monkeypatch.setattr(web_app, "SHELL", [*web_app.SHELL, "icons/app-512.png"])

    assert worker_config(client)["version"] != before


def test_pages_of_a_sensitive_category_are_no_store_and_others_may_be_kept_with_a_note(
    client, centers
):
    """The worker keeps what is not sent no-store or private: the server decides. A page
    it may keep has the note that says when it was saved, hidden until shown offline."""
    sensitive = [
        client.get("/fr/", {"category": "women", **RABAT}),
        client.get("/fr/", RABAT),  # every kind of help: the women's space is listed
        client.get(f"/fr/centers/{centers['women'].slug}/"),
    ]
    ordinary = [
        client.get("/fr/", {"category": "disability", **RABAT}),
        client.get(f"/fr/centers/{centers['disability'].slug}/"),
    ]

    for response in sensitive:
        assert "no-store" in response["Cache-Control"]
        assert 'id="saved-note"' not in response.content.decode()
    for response in ordinary:
        assert response.status_code == 200
        assert not response.has_header("Cache-Control") or not re.search(
            r"no-store|private", response["Cache-Control"]
        )
        assert re.search(
            r'<p class="saved-note" id="saved-note" role="status" hidden>.*'
            r'<time id="saved-at"></time>',
            response.content.decode(),
        )
    assert 'id="saved-note"' not in client.get("/fr/regions/").content.decode()
