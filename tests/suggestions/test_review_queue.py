"""The regional review queue, for every role: a regional editor sees and reviews only the
suggestions of their regions, national staff every region's, a read-only viewer sees
and changes nothing; no one adds or deletes one; a rejection needs a reason."""

import pytest
from django.urls import reverse
from django.utils import translation

from centers.roles import NATIONAL_ADMINISTRATORS, READ_ONLY_VIEWERS, REGIONAL_EDITORS
from suggestions.models import Suggestion
from tests.centers.factories import make_directory, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue():
    centers = make_directory()
    rabat, casablanca = centers["rabat"], centers["casablanca"]
    return {
        "rabat": Suggestion.objects.create(
            center=rabat, region=rabat.region, kind="phone", text="Le 0537", language="fr"
        ),
        "casablanca": Suggestion.objects.create(
            center=casablanca,
            region=casablanca.region,
            kind="hours",
            text="Ouvert le samedi",
            language="fr",
        ),
    }


def admin_url(name: str, *args) -> str:
    with translation.override("en"):
        return reverse(f"admin:suggestions_suggestion_{name}", args=args)


@pytest.mark.parametrize(
    ("role", "regions", "sees"),
    [
        (NATIONAL_ADMINISTRATORS, [], {"rabat", "casablanca"}),
        (REGIONAL_EDITORS, ["04"], {"rabat"}),
        (READ_ONLY_VIEWERS, [], {"rabat", "casablanca"}),
    ],
)
def test_each_role_sees_the_queue_of_its_regions(client, queue, role, regions, sees):
    client.force_login(make_staff("reviewer", role=role, regions=regions))

    listing = client.get(admin_url("changelist")).content.decode()

    for name, suggestion in queue.items():
        assert (admin_url("change", suggestion.pk) in listing) == (name in sees), name
        detail = client.get(admin_url("change", suggestion.pk))
        assert detail.status_code == (200 if name in sees else 302), name


@pytest.mark.parametrize(
    ("role", "regions", "may_review"),
    [
        (NATIONAL_ADMINISTRATORS, [], {"rabat", "casablanca"}),
        (REGIONAL_EDITORS, ["04"], {"rabat"}),
        (READ_ONLY_VIEWERS, [], set()),
    ],
)
def test_each_role_reviews_only_within_its_regions(client, queue, role, regions, may_review):
    user = make_staff("reviewer", role=role, regions=regions)
    client.force_login(user)

    for name, suggestion in queue.items():
        client.post(
            admin_url("change", suggestion.pk),
            {"status": "rejected", "review_note": "Le numéro affiché est le bon."},
        )
        suggestion.refresh_from_db()
        reviewed = suggestion.status == Suggestion.Status.REJECTED
        assert reviewed == (name in may_review), name
        if reviewed:
            assert suggestion.reviewed_by == user and suggestion.reviewed_at


def test_the_review_form_does_not_accept_without_writing_the_change(client, queue):
    client.force_login(make_staff("national", role=NATIONAL_ADMINISTRATORS))

    response = client.post(
        admin_url("change", queue["rabat"].pk), {"status": "accepted", "review_note": "Oui."}
    )

    assert response.status_code == 200  # refused: accepted is not one of its choices
    queue["rabat"].refresh_from_db()
    assert queue["rabat"].status == Suggestion.Status.WAITING


def test_no_role_adds_or_deletes_a_suggestion(client, queue):
    for role in (NATIONAL_ADMINISTRATORS, REGIONAL_EDITORS):
        client.force_login(make_staff(f"staff-{role}", role=role, regions=["04"]))
        assert client.get(admin_url("add")).status_code == 403
        client.post(admin_url("delete", queue["rabat"].pk), {"post": "yes"})
        assert Suggestion.objects.filter(pk=queue["rabat"].pk).exists()


def test_a_rejection_needs_a_reason_and_the_queue_shows_the_centers_facts(client, queue):
    client.force_login(make_staff("national", role=NATIONAL_ADMINISTRATORS))
    suggestion = queue["rabat"]

    page = client.get(admin_url("change", suggestion.pk)).content.decode()
    refused = client.post(admin_url("change", suggestion.pk), {"status": "rejected"})

    assert "Tour Hassan" in page  # the center's address, beside the suggestion
    assert refused.status_code == 200
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.WAITING


@pytest.mark.parametrize(
    ("role", "regions", "counted"),
    [(NATIONAL_ADMINISTRATORS, [], {"04", "06"}), (REGIONAL_EDITORS, ["04"], {"04"})],
)
def test_the_admins_first_page_counts_what_waits_in_each_region(
    client, queue, role, regions, counted
):
    client.force_login(make_staff("reviewer", role=role, regions=regions))

    with translation.override("en"):
        page = client.get(reverse("admin:index")).content.decode()

    box = page.split('id="suggestions-waiting"')[1].split("</div>")[0]
    for name, suggestion in queue.items():
        shown = f"region__id__exact={suggestion.region.pk}" in box
        assert shown == (suggestion.region.code in counted), name
