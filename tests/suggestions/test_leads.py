"""The leads read in public sources wait in their regions' queues, each with the center it
proposes and its sources; a staff member who confirms one creates the center in one step.
The six parenting associations are published at once, with their sources."""

import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from centers.models import Center
from centers.roles import NATIONAL_ADMINISTRATORS, REGIONAL_EDITORS
from suggestions.models import Suggestion
from tests.centers.factories import make_staff
from tests.forms_in_pages import form_values

pytestmark = pytest.mark.django_db

LEADS = settings.BASE_DIR / "fixtures" / "leads.csv"


@pytest.fixture
def leads():
    call_command("load_reference_data", stdout=io.StringIO())
    call_command("load_leads", stdout=io.StringIO())
    return Suggestion.objects.exclude(lead_ref=None)


def test_the_fifteen_leads_wait_in_the_queue_of_their_region(leads):
    assert leads.count() == 15
    assert set(leads.values_list("status", flat=True)) == {Suggestion.Status.WAITING}
    for lead in leads.select_related("commune__province"):
        assert lead.kind == Suggestion.Kind.NEW_CENTER
        assert lead.region_id == lead.commune.province.region_id
        assert lead.proposed["source_urls"].startswith("http")
        assert lead.proposed["external_ref"] == lead.lead_ref
        assert lead.text  # what the source said, and why it is uncertain
    guelmim = leads.filter(region__code="10")
    assert guelmim.count() == 3
    assert not Center.objects.exists()  # none is published


def test_loading_again_leaves_the_queue_as_staff_made_it(leads):
    lead = leads.first()
    lead.status, lead.review_note = Suggestion.Status.REJECTED, "Pas un centre du réseau."
    lead.save()

    output = io.StringIO()
    call_command("load_leads", stdout=output)

    assert "0 leads put in the review queue, 15 already there" in output.getvalue()
    lead.refresh_from_db()
    assert lead.status == Suggestion.Status.REJECTED


@pytest.mark.parametrize(
    ("role", "regions"), [(NATIONAL_ADMINISTRATORS, []), (REGIONAL_EDITORS, ["10"])]
)
def test_a_confirmed_lead_becomes_a_center_in_one_step(client, leads, role, regions):
    lead = leads.get(lead_ref="lead-women-guelmim-1")
    client.force_login(make_staff("reviewer", role=role, regions=regions))
    with translation.override("en"):
        review = reverse("admin:suggestions_suggestion_change", args=[lead.pk])
        url = reverse("admin:centers_center_add") + f"?suggestion={lead.pk}"
    assert url in client.get(review).content.decode()

    page = client.get(url).content.decode()
    data = form_values(page, "center_form")
    data["change_reason"] = ["Confirmed with the delegation"]
    response = client.post(url, data)

    assert response.status_code == 302, page[:200]
    center = Center.objects.get(external_ref="lead-women-guelmim-1")
    assert center.name_ar == lead.proposed["name_ar"]
    assert center.category.code == "women"
    assert center.commune.code == lead.proposed["commune_code"]
    assert center.location_precision == Center.Precision.COMMUNE
    assert center.status == Center.Status.PLANNED  # under construction when reported
    assert center.source_urls == lead.proposed["source_urls"].split(" | ")
    (record,) = center.history.all()
    assert record.history_change_reason == (
        f"From suggestion #{lead.pk}: Confirmed with the delegation"
    )
    lead.refresh_from_db()
    assert lead.status == Suggestion.Status.ACCEPTED and lead.center == center


def test_a_regional_editor_cannot_create_a_center_from_another_regions_lead(client, leads):
    lead = leads.get(lead_ref="lead-women-guelmim-1")
    client.force_login(make_staff("rabat", role=REGIONAL_EDITORS, regions=["04"]))
    with translation.override("en"):
        url = reverse("admin:centers_center_add") + f"?suggestion={lead.pk}"

    page = client.get(url).content.decode()
    assert lead.proposed["name_ar"] not in page  # nothing of the lead is shown
    data = form_values(page, "center_form")
    data.update(
        name_fr=["Centre"],
        latitude=["34.02"],
        longitude=["-6.84"],
        suggestion_number=[str(lead.pk)],
    )
    response = client.post(url, data)

    assert response.status_code == 200
    assert not Center.objects.exists()
    lead.refresh_from_db()
    assert lead.status == Suggestion.Status.WAITING


def test_the_six_parenting_associations_are_published_with_their_sources(client, api_client):
    call_command("load_reference_data", stdout=io.StringIO())
    call_command(
        "import_centers", str(settings.BASE_DIR / "fixtures" / "centers.csv"), stdout=io.StringIO()
    )

    listed = api_client.get("/api/v1/centers/", {"category": "parenting"}).json()["results"]

    assert len(listed) == 6
    assert {item["location_precision"] for item in listed} == {"commune"}
    associations = Center.objects.filter(category__code="parenting")
    assert {c.region.code for c in associations} == {"01", "02", "04", "08", "09", "12"}
    for association in associations:
        assert association.source_urls
        page = client.get(f"/fr/centers/{association.slug}/").content.decode()
        assert association.source_urls[0].split("//", 1)[1][:20] in page
