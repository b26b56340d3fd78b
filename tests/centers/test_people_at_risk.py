"""What protects the people most of the directory serves: a sensitive center's exact
position and street address stay hidden whatever staff change, partners' copies and caches
follow every public change and only those, and every sensitive page offers a way to reach
help now."""

import html
import io
import time

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from centers.helplines import OFFLINE_COPY_KEY, helplines_when_offline
from centers.models import Center, Helpline
from centers.positions import position_resolve
from centers.services import center_update

from .factories import RABAT_AGDAL, RABAT_HASSAN_TOWER, CategoryFactory, make_center, make_staff

pytestmark = pytest.mark.django_db

API = "/api/v1/centers/"
# A street position in Rabat, 2.7 km from the Hassan Tower.
RABAT_AGDAL_STREET = {"latitude": RABAT_AGDAL[0], "longitude": RABAT_AGDAL[1]}


@pytest.fixture(autouse=True)
def reference_data():
    call_command("load_reference_data", stdout=io.StringIO())


@pytest.fixture
def women():
    from centers.models import Category

    return Category.objects.get(code="women")


@pytest.fixture
def shelter(women):
    return make_center(
        at=RABAT_HASSAN_TOWER, category=women, name_fr="Espace refuge", address_fr="5 impasse Nour"
    )


def admin_login(client):
    administrator = make_staff("national", role="National administrators")
    client.force_login(administrator)
    return administrator


def change_category(client, category, **changes):
    with translation.override("en"):
        url = reverse("admin:centers_category_change", args=[category.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update(changes)
    return client.post(url, data)


def detail(api_client, center):
    return api_client.get(f"{API}{center.slug}/")


def wait_for_next_second():
    """HTTP dates count whole seconds: a change must come in a later second to show."""
    time.sleep(1.05)


def test_making_a_category_not_sensitive_then_sensitive_again_hides_the_street_address(
    client, api_client, women, shelter
):
    admin_login(client)
    change_category(client, women, sensitive="", change_reason="Reviewed")
    assert detail(api_client, shelter).json()["location_precision"] == "exact"

    response = change_category(client, women, sensitive="on", change_reason="Shelters again")

    assert response.status_code == 302
    body = detail(api_client, shelter).json()
    assert body["location_precision"] == "commune" and body["address_fr"] == ""
    page = client.get(f"/fr/centers/{shelter.slug}/").content.decode()
    assert "impasse Nour" not in page


def test_a_sensitivity_change_needs_a_reason_and_is_in_every_centers_history(
    client, women, shelter
):
    administrator = admin_login(client)

    refused = change_category(client, women, sensitive="")
    assert refused.status_code == 200 and "Say why the sensitivity changes" in refused.text
    women.refresh_from_db()
    assert women.sensitive

    change_category(client, women, sensitive="", change_reason="Decided by the ministry")

    record = shelter.history.latest()
    assert record.history_user == administrator
    assert record.history_change_reason == "Decided by the ministry"
    category_record = women.history.latest()
    assert category_record.history_user == administrator and not category_record.sensitive


def test_a_sensitivity_change_reaches_sync_and_every_etag(client, api_client, women, shelter):
    admin_login(client)
    before = detail(api_client, shelter)
    listing = api_client.get(API)
    since = before.json()["updated_at"]
    wait_for_next_second()

    change_category(client, women, sensitive="", change_reason="Reviewed")

    synced = api_client.get(API, {"modified_since": since}).json()["results"]
    assert [item["slug"] for item in synced] == [shelter.slug]
    for url, etag in [
        (f"{API}{shelter.slug}/", before["ETag"]),
        (API, listing["ETag"]),
        (f"{API}?format=geojson", None),
    ]:
        if etag:
            assert api_client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200
    assert (
        api_client.get(
            f"{API}{shelter.slug}/", HTTP_IF_MODIFIED_SINCE=before["Last-Modified"]
        ).status_code
        == 200
    )


def test_editing_only_a_sensitive_centers_exact_position_tells_the_public_nothing(
    api_client, shelter
):
    before = detail(api_client, shelter)
    csv_before = b"".join(api_client.get(API, {"format": "csv"}).streaming_content)
    wait_for_next_second()

    changed = center_update(
        user=None,
        center=Center.objects.get(pk=shelter.pk),
        fields={"address_fr": "12 rue des Oliviers"},
        position=position_resolve(**RABAT_AGDAL_STREET),
    )

    assert set(changed) == {"location", "address_fr"}
    after = detail(api_client, shelter)
    assert after.content == before.content
    assert after["ETag"] == before["ETag"] and after["Last-Modified"] == before["Last-Modified"]
    assert (
        api_client.get(API, {"modified_since": before.json()["updated_at"]}).json()["results"] == []
    )
    assert b"".join(api_client.get(API, {"format": "csv"}).streaming_content) == csv_before
    staff_clock = Center.objects.get(pk=shelter.pk)
    assert staff_clock.updated_at > staff_clock.public_updated_at


def test_editing_an_ordinary_centers_position_is_a_public_change(api_client):
    center = make_center(at=RABAT_HASSAN_TOWER, category=CategoryFactory(code="disability"))
    before = detail(api_client, center).json()
    wait_for_next_second()

    center_update(
        user=None,
        center=Center.objects.get(pk=center.pk),
        fields={},
        position=position_resolve(**RABAT_AGDAL_STREET),
    )

    synced = api_client.get(API, {"modified_since": before["updated_at"]}).json()["results"]
    assert [item["slug"] for item in synced] == [center.slug]


@pytest.mark.parametrize(
    ("language", "call_now"),
    [("ar", "مساعدة الآن"), ("fr", "Besoin d'aide maintenant"), ("en", "Need help now")],
)
def test_sensitive_pages_offer_the_helplines_with_their_year(client, shelter, language, call_now):
    prefix = "" if language == "ar" else f"/{language}"
    pages = [
        f"{prefix}/centers/{shelter.slug}/",
        f"{prefix}/?category=women&lat=34.02&lon=-6.83",
        f"{prefix}/?category=women&place=Rabat",
        f"{prefix}/regions/04/",
    ]
    for url in pages:
        page = client.get(url).content.decode()
        assert call_now in page, url
        for number in ("8350", "19", "177", "15"):
            assert f'href="tel:{number}"' in page, (url, number)
        assert 'href="tel:2511"' not in page, url  # the children's line is for children
        assert "2020" in page, url  # the year 8350 was last confirmed


def test_a_childrens_center_offers_the_childrens_line(client):
    from centers.models import Category

    unit = make_center(
        at=RABAT_HASSAN_TOWER, category=Category.objects.get(code="child-protection")
    )

    page = client.get(f"/fr/centers/{unit.slug}/").content.decode()

    assert 'href="tel:2511"' in page and 'href="tel:8350"' not in page


def test_a_withdrawn_number_is_shown_nowhere(client, shelter):
    Helpline.objects.filter(number="8350").update(withdrawn=True)

    page = client.get(f"/fr/centers/{shelter.slug}/").content.decode()

    assert 'href="tel:8350"' not in page and 'href="tel:19"' in page


def test_ordinary_pages_show_no_helplines(client):
    center = make_center(at=RABAT_HASSAN_TOWER, category=CategoryFactory(code="disability"))

    page = client.get(f"/fr/centers/{center.slug}/").content.decode()

    assert "tel:8350" not in page


def test_the_unavailable_page_names_the_helplines_without_the_database(shelter, client):
    client.get(f"/fr/centers/{shelter.slug}/")  # a sensitive page keeps the offline copy
    Helpline.objects.filter(number="177").update(last_confirmed_year=2025)  # not yet read

    numbers = [helpline.number for helpline in helplines_when_offline()]

    assert numbers == ["8350", "2511", "19", "177", "15"]


def test_without_any_copy_the_unavailable_page_uses_the_shipped_numbers(settings):
    from django.core.cache import cache

    cache.delete(OFFLINE_COPY_KEY)

    offline = helplines_when_offline()

    assert [helpline.number for helpline in offline] == ["8350", "2511", "19", "177", "15"]
    assert offline[0].last_confirmed_year == 2020


def test_a_commune_precision_position_offers_no_directions(client, women):
    approximate = make_center(at=RABAT_HASSAN_TOWER, category=women, precision="exact")

    for url in (f"/fr/centers/{approximate.slug}/", "/fr/?category=women&place=Rabat"):
        page = client.get(url).content.decode()
        assert "openstreetmap.org/directions" not in page, url
        assert "google.com/maps" not in page and "waze.com" not in page, url
        assert "L'adresse exacte n'est pas publiée." in html.unescape(page), url


def test_an_exact_public_position_keeps_its_directions(client):
    center = make_center(at=RABAT_HASSAN_TOWER, category=CategoryFactory(code="disability"))

    page = client.get(f"/fr/centers/{center.slug}/").content.decode()

    assert "openstreetmap.org/directions" in page


def test_sensitive_searches_and_pages_are_never_stored(client, shelter):
    for url in (f"/fr/centers/{shelter.slug}/", "/fr/?category=women&place=Rabat"):
        response = client.get(url)
        assert "no-store" in response["Cache-Control"], url
        assert "data-neutral-url" in response.content.decode(), url


@pytest.mark.parametrize("url", ["/", "/fr/", "/en/regions/", "/fr/regions/04/", "/fr/nowhere/"])
def test_every_public_page_has_the_quick_exit(client, url):
    page = client.get(url).content.decode()

    assert 'id="quick-exit"' in page, url


@pytest.mark.parametrize(
    "url",
    [
        "/fr/centers/%00/",
        "/api/v1/centers/%00/",
        "/fr/regions/%00/",
        "/api/v1/regions/%00/provinces.geojson",
        "/api/v1/regions/%00/",
        "/%00",
        "/fr/centers/a%00b/?q=x",
    ],
)
def test_a_nul_character_in_a_path_is_refused_not_a_server_error(client, url):
    assert client.get(url).status_code in {400, 404}
