"""Protections a visitor, a partner or an attacker meets: the Content Security Policy,
sign-in lockout, hostile text in searches, keys that open nothing private, and imports
that never leave half their rows behind."""

import re

import pytest
from django.core.cache import cache
from django.db import OperationalError
from django.urls import reverse
from django.utils import translation

from centers import imports, sheets
from centers.models import Center
from partners.models import ApiKey
from partners.throttling import AnonymousRateThrottle
from tests.centers.factories import (
    MARRAKECH_JEMAA_EL_FNA,
    RABAT_HASSAN_TOWER,
    CategoryFactory,
    make_center,
    make_staff,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_quota(monkeypatch):
    cache.clear()
    monkeypatch.setattr(AnonymousRateThrottle, "rate", "100000/minute", raising=False)


@pytest.fixture
def centers():
    women = CategoryFactory(code="women", sensitive=True)
    disability = CategoryFactory(code="disability")
    return {
        "women": make_center(at=MARRAKECH_JEMAA_EL_FNA, category=women, name_fr="Espace"),
        "rabat": make_center(at=RABAT_HASSAN_TOWER, category=disability, name_fr="Centre"),
    }


def test_pages_forbid_inline_scripts_without_the_pages_nonce(client, centers):
    response = client.get("/?category=disability&lat=34.02&lon=-6.84")

    policy = response["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]+)", policy).group(1)
    assert "'unsafe-inline'" not in script_src
    nonce = re.search(r"'nonce-([^']+)'", script_src).group(1)
    page = response.content.decode()
    inline_scripts = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)([^>]*)>", page)
    assert inline_scripts, "the map page has its start-up script"
    assert all(f'nonce="{nonce}"' in attributes for attributes in inline_scripts)
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy


def test_repeated_failed_sign_ins_lock_the_account_for_a_while(client):
    staff = make_staff("regional", role="Regional editors", regions=["04"])
    with translation.override("en"):
        login = reverse("admin:login")

    for _ in range(5):
        client.post(login, {"username": "regional", "password": "wrong-password"})
    locked = client.post(login, {"username": "regional", "password": "a-long-test-password"})

    assert locked.status_code == 429
    assert "locked" in locked.content.decode().lower()
    assert not client.session.get("_auth_user_id")
    assert staff.is_active


@pytest.mark.parametrize(
    "hostile",
    [
        "'; DROP TABLE centers_center; --",
        "%' OR '1'='1",
        "%%> search_normalize('x')",
        "_%\\",
        "<script>alert(1)</script>",
        "ء" * 100,
    ],
)
def test_hostile_text_in_searches_is_only_text(client, api_client, centers, hostile):
    for response in (
        api_client.get("/api/v1/centers/", {"q": hostile}),
        api_client.get("/api/v1/places/", {"q": hostile}),
        api_client.get("/api/v1/centers/", {"category": hostile}),
        api_client.get("/api/v1/centers/", {"region": hostile, "bbox": hostile}),
    ):
        assert response.status_code in {200, 400}, response.content[:300]
        assert response["Content-Type"].endswith("json")
    page = client.get("/", {"place": hostile})
    assert page.status_code == 200
    assert b"<script>alert(1)</script>" not in page.content
    assert Center.objects.count() == 2


def test_an_api_key_opens_nothing_the_public_cannot_see(api_client, centers):
    key = ApiKey(organisation="Partner")
    secret = key.issue()
    key.save()
    anonymous = api_client.get("/api/v1/centers/", {"format": "geojson"}).getvalue()
    exact = centers["women"].location

    with_key = api_client.get("/api/v1/centers/", {"format": "geojson"}, HTTP_X_API_KEY=secret)
    as_csv = api_client.get("/api/v1/centers/", {"format": "csv"}, HTTP_X_API_KEY=secret)

    assert with_key.getvalue() == anonymous
    for body in (with_key.getvalue().decode(), as_csv.getvalue().decode()):
        assert f"{exact.y:.6f}" not in body and f"{exact.x:.6f}" not in body


def test_staff_exports_need_a_staff_sign_in(client, centers):
    with translation.override("en"):
        changelist = reverse("admin:centers_center_changelist")
        template = reverse("admin:centers_center_import_template", args=["csv"])

    export = client.post(
        changelist, {"action": "export_csv", "_selected_action": [centers["women"].pk]}
    )
    download = client.get(template)

    for response in (export, download):
        assert response.status_code == 302
        assert "/login/" in response["Location"]


def test_an_import_interrupted_midway_leaves_nothing_behind(monkeypatch):
    CategoryFactory(code="disability")
    sheet = (
        b"external_ref,name_fr,category,latitude,longitude\n"
        b"i-1,Un,disability,34.02,-6.84\n"
        b"i-2,Deux,disability,34.00,-6.83\n"
        b"i-3,Trois,disability,33.99,-6.85\n"
    )
    replace = imports._replace_relations
    calls = []

    # The centers and their services are written; the connection drops before the rest.
    def failing_on_the_second_relation(*args, **kwargs):
        calls.append(args)
        if len(calls) == 2:
            raise OperationalError("server closed the connection unexpectedly")
        return replace(*args, **kwargs)

    monkeypatch.setattr(imports, "_replace_relations", failing_on_the_second_relation)
    rows, errors = sheets.read_sheet(sheet, "centers.csv")

    with pytest.raises(OperationalError):
        imports.centers_import(user=None, rows=rows, errors=errors, dry_run=False, reason="x")

    assert not Center.objects.filter(external_ref__startswith="i-").exists()
    assert not Center.history.filter(external_ref__startswith="i-").exists()


def test_a_nul_character_in_the_address_is_a_400_everywhere(client, api_client):
    for response in (
        api_client.get("/api/v1/centers/", {"q": "a\x00b"}),
        client.get("/", {"place": "x\x00"}),
        client.get("/admin/", {"q": "\x00"}),
    ):
        assert response.status_code == 400


@pytest.mark.parametrize(
    ("latitude", "longitude"), [("nan", "-6.84"), ("34.02", "inf"), ("1e400", "0")]
)
def test_staff_form_refuses_coordinates_that_are_not_finite(client, latitude, longitude):
    admin = make_staff("admin", role="National administrators")
    category = CategoryFactory(code="disability")
    client.force_login(admin)
    with translation.override("en"):
        add = reverse("admin:centers_center_add")

    response = client.post(
        add,
        {
            "name_fr": "Centre",
            "category": category.pk,
            "status": "open",
            "location_precision": "exact",
            "latitude": latitude,
            "longitude": longitude,
            **{f"opening_hours_{index}": "" for index in range(28)},
        },
    )

    assert response.status_code == 200
    assert "Give a finite number of decimal degrees." in response.content.decode()
    assert not Center.objects.exists()


@pytest.mark.parametrize("cell", ["nan", "inf", "-inf", "1e400", "34,0,1"])
def test_import_refuses_coordinates_that_are_not_finite_and_writes_nothing(cell):
    CategoryFactory(code="disability")
    sheet = f"external_ref,name_fr,category,latitude,longitude\nn-1,Un,disability,{cell},-6.84\n"
    rows, errors = sheets.read_sheet(sheet.encode(), "centers.csv")

    report = imports.centers_import(user=None, rows=rows, errors=errors, dry_run=False, reason="x")

    assert not report.applied
    assert (report.errors[0].line, report.errors[0].column) == (2, "latitude")
    assert not Center.objects.exists()


def test_searched_positions_and_places_are_not_written_to_the_logs(client, api_client, caplog):
    caplog.set_level("DEBUG")

    client.get("/", {"category": "women", "lat": "34.0123", "lon": "-6.8765"})
    client.get("/fr/", {"place": "Tiflet"})
    api_client.get("/api/v1/centers/", {"lat": "34.0123", "lon": "-6.8765", "q": "Tiflet"})
    api_client.get("/api/v1/places/", {"q": "Tiflet"})

    logged = caplog.text
    assert "34.0123" not in logged and "-6.8765" not in logged
    assert "Tiflet" not in logged


def compressed(response) -> bool:
    return response.get("Content-Encoding") == "gzip"


def test_public_pages_are_compressed_unless_they_hold_a_secret(client, centers):
    gzip = {"HTTP_ACCEPT_ENCODING": "gzip"}
    center = centers["rabat"]
    search = client.get("/", {"category": "disability", "lat": "34.024", "lon": "-6.822"}, **gzip)
    assert compressed(search)
    assert compressed(client.get(f"/fr/centers/{center.slug}/", **gzip))
    # A page with a CSRF token beside text the visitor chose would let an attacker guess
    # the token from the compressed sizes (BREACH): never compressed.
    form = client.get(f"/fr/centers/{center.slug}/suggest/", **gzip)
    assert b"csrfmiddlewaretoken" in form.content and not compressed(form)
    assert not compressed(client.get("/fr/admin/login/", **gzip))
    # Nor is what a signed-in staff member is sent, the public pages included.
    client.force_login(make_staff("editor", role="Regional editors", regions=["04"]))
    assert not compressed(
        client.get("/", {"category": "disability", "lat": "34.024", "lon": "-6.822"}, **gzip)
    )
    assert not compressed(client.get("/fr/admin/centers/center/", **gzip))
