"""The public's suggestions: sent without JavaScript from a center's or a region's page,
kept for the region's staff and shown nowhere public; machines and floods are refused
without any third-party service; a sensitive center's form asks nothing of where it is."""

import re
import time

import pytest
from django.test import override_settings

from suggestions.forms import shown_at_token
from suggestions.models import Suggestion

pytestmark = pytest.mark.django_db

TEXT = "Le numéro affiché ne répond pas : le bon est le 0537 00 00 00."


def form_fields(page: str) -> dict:
    """The form's hidden fields, as a browser sends them back."""
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page))


def send(client, url: str, *, meta=None, **fields):
    """The form as a person sends it half a minute after it was shown; `fields` change
    what is sent (`shown_at="now"`: at once)."""
    page = client.get(url).content.decode()
    data = {**form_fields(page), "kind": "phone", "text": TEXT, "contact": "", "website": ""}
    data["shown_at"] = shown_at_token(at=time.time() - 30)
    if fields.get("shown_at") == "now":
        fields["shown_at"] = shown_at_token()
    return client.post(url, {**data, **fields}, **(meta or {}))


def test_a_suggestion_sent_without_javascript_waits_for_its_region(client, directory):
    rabat = directory["rabat"]
    url = f"/fr/centers/{rabat.slug}/suggest/"
    page = client.get(url)
    form = page.content.decode().split("<form")[1].split("</form>")[0]
    assert page.status_code == 200 and "<script" not in form

    # As a person would: the form's own hidden fields, a few seconds later.
    time.sleep(3.1)
    data = {**form_fields(page.content.decode()), "kind": "phone", "text": TEXT, "website": ""}
    sent = client.post(url, data)

    assert sent.status_code == 302
    suggestion = Suggestion.objects.get()
    assert (suggestion.center, suggestion.region, suggestion.status) == (
        rabat,
        rabat.region,
        Suggestion.Status.WAITING,
    )
    assert suggestion.language == "fr"
    receipt = client.get(sent["Location"])
    assert f"{suggestion.pk}" in receipt.content.decode()


def test_a_suggestion_appears_nowhere_public(client, api_client, directory):
    rabat = directory["rabat"]
    send(client, f"/centers/{rabat.slug}/suggest/")

    for url in (f"/centers/{rabat.slug}/", f"/fr/regions/{rabat.region.code}/", "/"):
        assert "0537 00 00 00" not in client.get(url).content.decode()
    for url in (f"/api/v1/centers/{rabat.slug}/", "/api/v1/centers/?format=geojson"):
        assert "0537 00 00 00" not in api_client.get(url).getvalue().decode()


@pytest.mark.parametrize(
    "fields",
    [
        {"website": "http://spam.example"},  # the field people do not see
        {"shown_at": "now"},  # sent at once
        {"shown_at": "forged"},
        {"text": "x" * 2001},
        {"kind": "new_center"},  # not a choice on a center's page
    ],
)
def test_what_machines_send_is_refused_and_nothing_kept(client, directory, fields):
    response = send(client, f"/fr/centers/{directory['rabat'].slug}/suggest/", **fields)

    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert not Suggestion.objects.exists()


def test_a_sensitive_centers_form_neither_shows_nor_asks_where_it_is(client, directory):
    sale = directory["sale"]
    url = f"/fr/centers/{sale.slug}/suggest/"

    page = client.get(url).content.decode()
    refused = send(client, url, kind="address")

    assert "secrète" not in page and 'value="address"' not in page and 'value="moved"' not in page
    assert refused.status_code == 200 and not Suggestion.objects.exists()
    assert send(client, url, kind="closed").status_code == 302


@override_settings(SUGGESTIONS_PER_HOUR=10)
def test_a_flood_from_one_client_is_refused_after_the_limit_and_keeps_what_came_first(
    client, directory
):
    url = f"/centers/{directory['rabat'].slug}/suggest/"
    statuses = [send(client, url, text=f"{TEXT} ({n})").status_code for n in range(200)]

    assert statuses[:10] == [302] * 10 and set(statuses[10:]) == {429}
    kept = sorted(Suggestion.objects.values_list("text", flat=True))
    assert kept == sorted(f"{TEXT} ({n})" for n in range(10))
    other = send(client, url, meta={"REMOTE_ADDR": "192.0.2.7"})
    assert other.status_code == 302


def test_a_region_page_takes_a_center_it_lacks(client, directory):
    rabat = directory["rabat"]
    url = f"/fr/regions/{rabat.region.code}/suggest/?commune={rabat.commune.code}"

    sent = send(client, url, kind="new_center", text="Un centre ouvert en 2025 près du marché.")

    assert sent.status_code == 302
    suggestion = Suggestion.objects.get()
    assert (suggestion.center, suggestion.region, suggestion.commune) == (
        None,
        rabat.region,
        rabat.commune,
    )
    assert "suggest" in client.get(f"/fr/regions/{rabat.region.code}/").content.decode()


def test_a_search_that_finds_nothing_near_asks_who_knows_a_center_there(client, directory):
    # In the desert east of Dakhla, far from every listed center.
    far = client.get("/fr/", {"lat": "23.0", "lon": "-13.5"}).content.decode()
    near = client.get("/fr/", {"lat": "34.024", "lon": "-6.8225"}).content.decode()

    assert "/suggest/?commune=" in far and "/suggest/?commune=" not in near


def test_a_forged_receipt_is_not_found(client):
    assert client.get("/suggestions/received/forged/").status_code == 404
