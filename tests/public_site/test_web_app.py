"""The site as an installable web app: the manifest in each language, the icons and the
favicon."""

import io
import json
import re
import struct
from pathlib import Path

import pytest
from django.core.management import call_command

from centers.models import Category
from tests.centers.factories import RABAT_AGDAL, make_center

pytestmark = pytest.mark.django_db

STYLESHEET = Path(__file__).resolve().parents[2] / "static" / "css" / "site.css"
LANGUAGES = [
    ("", "ar", "rtl", "المراكز الاجتماعية بالمغرب"),
    ("/fr", "fr", "ltr", "Centres sociaux du Maroc"),
    ("/en", "en", "ltr", "Social centers of Morocco"),
]


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


def test_the_pages_policy_lets_the_manifest_come_from_this_site_only(client):
    header = client.get("/fr/")["Content-Security-Policy"]

    policy = dict(directive.strip().split(" ", 1) for directive in header.split(";"))
    assert policy["manifest-src"] == "'self'"
