"""Accepting a suggestion is writing its change: the review queue opens the center's own
form (or a new center's, for a center the directory lacks), and saving it changes the
center through the services, with "From suggestion #N" in its history, and records the
suggestion as accepted. Every role, on changing and on creating; merging duplicates."""

import pytest
from django.urls import reverse
from django.utils import translation

from centers.models import Center
from centers.roles import NATIONAL_ADMINISTRATORS, READ_ONLY_VIEWERS, REGIONAL_EDITORS
from suggestions.models import Suggestion
from tests.centers.factories import make_staff
from tests.forms_in_pages import form_values
from tests.suggestions.test_public_form import send

pytestmark = pytest.mark.django_db


def admin_url(name: str, *args) -> str:
    with translation.override("en"):
        return reverse(f"admin:{name}", args=args)


def sent_about(client, center) -> Suggestion:
    """A suggestion sent from the center's public page, without JavaScript."""
    response = send(client, f"/fr/centers/{center.slug}/suggest/", kind="phone")
    assert response.status_code == 302
    client.logout()
    return Suggestion.objects.get(center=center)


def open_from_queue(client, suggestion) -> tuple[str, str]:
    """Follows the review page's button to the center form; returns its address and page."""
    review = client.get(admin_url("suggestions_suggestion_change", suggestion.pk)).content.decode()
    link = f"?suggestion={suggestion.pk}"
    assert link in review
    target = (
        admin_url("centers_center_change", suggestion.center_id)
        if suggestion.center_id
        else admin_url("centers_center_add")
    )
    url = target + link
    assert url in review
    page = client.get(url)
    assert page.status_code == 200
    return url, page.content.decode()


@pytest.mark.parametrize("role", [NATIONAL_ADMINISTRATORS, REGIONAL_EDITORS])
def test_an_accepted_correction_changes_the_center_with_a_history_naming_it(
    client, api_client, directory, role
):
    rabat = directory["rabat"]
    suggestion = sent_about(client, rabat)
    client.force_login(make_staff("reviewer", role=role, regions=["04"]))

    url, page = open_from_queue(client, suggestion)
    assert suggestion.text in page  # what was suggested, beside the center's values
    data = form_values(page, "center_form")
    data.update(phones=["05 37 00 00 00"], change_reason=["Checked by phone"])
    response = client.post(url, data)

    assert response.status_code == 302, _errors(response)
    rabat.refresh_from_db()
    assert rabat.phones == ["+212537000000"]
    record = rabat.history.latest("history_date")
    assert record.history_change_reason == f"From suggestion #{suggestion.pk}: Checked by phone"
    assert record.history_user.username == "reviewer"
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.ACCEPTED
    assert suggestion.reviewed_by.username == "reviewer"
    assert suggestion.review_note == "Checked by phone"
    listed = api_client.get("/api/v1/centers/", {"q": "Centre Hassan"}).json()["results"]
    assert listed[0]["phones"] == ["+212537000000"]


def test_a_regional_editor_cannot_accept_another_regions_suggestion(client, directory):
    casablanca = directory["casablanca"]
    suggestion = sent_about(client, casablanca)
    client.force_login(make_staff("rabat", role=REGIONAL_EDITORS, regions=["04"]))

    review = client.get(admin_url("suggestions_suggestion_change", suggestion.pk))
    change = client.get(
        admin_url("centers_center_change", casablanca.pk) + f"?suggestion={suggestion.pk}"
    )

    assert review.status_code == 302 and change.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.WAITING


def test_a_rabat_editor_cannot_accept_it_through_a_rabat_center_either(client, directory):
    """The suggestion named by the form must be one the user reviews, about this center."""
    casablanca_suggestion = sent_about(client, directory["casablanca"])
    rabat = directory["rabat"]
    client.force_login(make_staff("rabat", role=REGIONAL_EDITORS, regions=["04"]))
    url = admin_url("centers_center_change", rabat.pk) + f"?suggestion={casablanca_suggestion.pk}"
    data = form_values(client.get(url).content.decode(), "center_form")
    data.update(phones=["05 37 00 00 00"])

    response = client.post(url, data)

    assert response.status_code == 200
    assert "reviewed by someone else since you opened it, or is not one you review" in (
        response.content.decode()
    )
    rabat.refresh_from_db()
    assert rabat.phones == []
    casablanca_suggestion.refresh_from_db()
    assert casablanca_suggestion.status == Suggestion.Status.WAITING


def test_a_read_only_viewer_sees_no_way_to_accept_and_cannot(client, directory):
    rabat = directory["rabat"]
    suggestion = sent_about(client, rabat)
    client.force_login(make_staff("viewer", role=READ_ONLY_VIEWERS))

    review = client.get(admin_url("suggestions_suggestion_change", suggestion.pk))
    url = admin_url("centers_center_change", rabat.pk) + f"?suggestion={suggestion.pk}"
    posted = client.post(url, {"suggestion_number": suggestion.pk, "phones": "0537000000"})

    assert review.status_code == 200
    assert f"?suggestion={suggestion.pk}" not in review.content.decode()
    assert posted.status_code == 403
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.WAITING


def test_a_suggestion_is_accepted_once(client, directory):
    rabat = directory["rabat"]
    suggestion = sent_about(client, rabat)
    client.force_login(make_staff("national", role=NATIONAL_ADMINISTRATORS))
    url, page = open_from_queue(client, suggestion)
    data = form_values(page, "center_form")
    data.update(phones=["05 37 00 00 00"])
    assert client.post(url, data).status_code == 302

    again = form_values(client.get(url).content.decode(), "center_form")
    again.update(phones=["05 37 99 99 99"], suggestion_number=[str(suggestion.pk)])
    response = client.post(url, again)

    assert response.status_code == 200
    rabat.refresh_from_db()
    assert rabat.phones == ["+212537000000"]


def test_a_center_the_directory_lacks_is_created_from_the_suggestion(client, directory):
    region_page = "/fr/regions/04/suggest/"
    response = send(client, region_page, kind="new_center", text="Un centre à Témara.")
    assert response.status_code == 302
    client.logout()
    suggestion = Suggestion.objects.get(kind="new_center")
    client.force_login(make_staff("rabat", role=REGIONAL_EDITORS, regions=["04"]))

    url, page = open_from_queue(client, suggestion)
    data = form_values(page, "center_form")
    data.update(
        name_fr=["Centre de Témara"],
        category=[str(directory["rabat"].category_id)],
        latitude=["33.9287"],
        longitude=["-6.9063"],
        location_precision=["street"],
    )
    response = client.post(url, data)

    assert response.status_code == 302, _errors(response)
    center = Center.objects.get(name_fr="Centre de Témara")
    assert center.region.code == "04"
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.ACCEPTED and suggestion.center == center
    (record,) = center.history.all()
    assert record.history_change_reason == f"From suggestion #{suggestion.pk}"


def test_merged_duplicates_wait_on_the_oldest(client, directory):
    rabat = directory["rabat"]
    first, second, third = (
        Suggestion.objects.create(
            center=rabat, region=rabat.region, kind="phone", text=f"Numéro {n}", language="fr"
        )
        for n in range(3)
    )
    elsewhere = Suggestion.objects.create(
        center=directory["casablanca"],
        region=directory["casablanca"].region,
        kind="phone",
        text="Autre",
        language="fr",
    )
    client.force_login(make_staff("national", role=NATIONAL_ADMINISTRATORS))
    changelist = admin_url("suggestions_suggestion_changelist")

    refused = client.post(
        changelist,
        {"action": "merge", "_selected_action": [first.pk, elsewhere.pk]},
        follow=True,
    )
    merged = client.post(
        changelist, {"action": "merge", "_selected_action": [third.pk, second.pk, first.pk]}
    )

    assert "Only suggestions about the same center" in refused.content.decode()
    assert merged.status_code == 302
    statuses = {s.pk: (s.status, s.merged_into_id) for s in Suggestion.objects.all()}
    assert statuses[first.pk] == (Suggestion.Status.WAITING, None)
    assert statuses[second.pk] == (Suggestion.Status.MERGED, first.pk)
    assert statuses[third.pk] == (Suggestion.Status.MERGED, first.pk)
    assert statuses[elsewhere.pk] == (Suggestion.Status.WAITING, None)
    page = client.get(admin_url("suggestions_suggestion_change", first.pk)).content.decode()
    assert "Numéro 1" in page and "Numéro 2" in page


def test_a_regional_editor_merges_only_within_their_regions(client, directory):
    casablanca = directory["casablanca"]
    theirs = [
        Suggestion.objects.create(
            center=casablanca, region=casablanca.region, kind="phone", text="x", language="fr"
        )
        for _n in range(2)
    ]
    client.force_login(make_staff("rabat", role=REGIONAL_EDITORS, regions=["04"]))

    client.post(
        admin_url("suggestions_suggestion_changelist"),
        {"action": "merge", "_selected_action": [s.pk for s in theirs]},
    )

    assert not Suggestion.objects.filter(status=Suggestion.Status.MERGED).exists()


def _errors(response) -> str:
    """The form's errors, to say why a save was refused."""
    form = response.context["adminform"].form if response.context else None
    return repr(form.errors) if form is not None else response.content.decode()[:2000]


def test_a_reason_too_long_for_the_history_with_its_origin_is_refused(client, directory):
    rabat = directory["rabat"]
    suggestion = sent_about(client, rabat)
    client.force_login(make_staff("national", role=NATIONAL_ADMINISTRATORS))
    url, page = open_from_queue(client, suggestion)
    data = form_values(page, "center_form")
    data.update(phones=["05 37 00 00 00"], change_reason=["x" * 90])

    response = client.post(url, data)

    assert response.status_code == 200
    assert "change_reason" in response.context["adminform"].form.errors
    rabat.refresh_from_db()
    assert rabat.phones == []
