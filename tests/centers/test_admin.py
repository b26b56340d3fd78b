"""The staff tools: map form, duplicate warning, and the regional permission matrix.

A regional editor of Rabat-Salé-Kénitra (04) must get nothing of Marrakech-Safi (07)
through any admin path; a national administrator reaches both."""

import pytest
from django.urls import reverse
from django.utils import translation

from centers.models import Center

from .factories import (
    MARRAKECH_JEMAA_EL_FNA,
    RABAT_AGDAL,
    RABAT_HASSAN_TOWER,
    CategoryFactory,
    make_center,
    make_staff,
)

pytestmark = pytest.mark.django_db


def admin_url(name: str, *args, language: str = "en") -> str:
    """The admin in English, whose messages these tests read (Arabic is the default)."""
    with translation.override(language):
        return reverse(f"admin:centers_center_{name}", args=args)


CHANGELIST = admin_url("changelist")
ADD = admin_url("add")
IMPORT = admin_url("import")


def change_url(center):
    return admin_url("change", center.pk)


def history_url(center):
    return admin_url("history", center.pk)


@pytest.fixture
def category():
    return CategoryFactory(code="disability")


@pytest.fixture
def rabat_center(category):
    return make_center(at=RABAT_HASSAN_TOWER, category=category, name_fr="Centre de Rabat")


@pytest.fixture
def marrakech_center(category):
    return make_center(at=MARRAKECH_JEMAA_EL_FNA, category=category, name_fr="Centre de Marrakech")


@pytest.fixture
def rabat_editor(client):
    return make_staff("rabat-editor", role="Regional editors", regions=["04"])


@pytest.fixture
def national_admin():
    return make_staff("national", role="National administrators")


def form_data(center=None, **overrides):
    """What the change form posts, starting from a center's current values."""
    data = {
        "name_ar": "",
        "name_fr": center.name_fr if center else "Nouveau centre",
        "name_en": "",
        "category": center.category_id if center else "",
        "status": "open",
        "status_note": "",
        "description_ar": "",
        "description_fr": "",
        "address_ar": "",
        "address_fr": "",
        "eligibility_ar": "",
        "eligibility_fr": "",
        "managing_organisation": "",
        "capacity": "",
        "phones": "",
        "email": "",
        "website": "",
        "opening_hours_note": "",
        "last_verified_on": "",
        "source_urls": "",
        "external_ref": "",
        "location_precision": "exact",
        "latitude": center.location.y if center else "",
        "longitude": center.location.x if center else "",
        "commune_code": "",
        "change_reason": "",
        "read_version": center.version if center else "",
    }
    for index in range(28):
        data[f"opening_hours_{index}"] = ""
    data.update(overrides)
    return data


def test_change_form_shows_the_map_and_the_commune(client, national_admin, rabat_center):
    client.force_login(national_admin)

    page = client.get(change_url(rabat_center)).content.decode()

    assert 'id="position-map"' in page
    assert "admin-position.js" in page
    assert "Rabat" in page and "04.421" in page
    assert 'name="latitude"' in page and 'value="34.024' in page


def test_adding_a_center_derives_its_place_and_records_history(client, national_admin, category):
    client.force_login(national_admin)

    response = client.post(
        ADD,
        form_data(
            category=category.pk,
            latitude=RABAT_AGDAL[0],
            longitude=RABAT_AGDAL[1],
            change_reason="New center",
            opening_hours_0="08:30",
            opening_hours_1="12:00",
            opening_hours_2="14:00",
            opening_hours_3="16:30",
        ),
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    center = Center.objects.get(name_fr="Nouveau centre")
    assert center.region.code == "04"
    assert center.opening_hours == {"mon": [["08:30", "12:00"], ["14:00", "16:30"]]}
    record = center.history.get()
    assert record.history_user == national_admin
    assert record.history_change_reason == "New center"


@pytest.mark.parametrize(
    ("latitude", "longitude", "message"),
    [
        (40.4168, -3.7038, "outside Morocco"),
        (-6.8225, 34.0240, "look swapped"),
    ],
)
def test_form_refuses_points_outside_morocco_and_swapped_coordinates(
    client, national_admin, category, latitude, longitude, message
):
    client.force_login(national_admin)

    response = client.post(
        ADD, form_data(category=category.pk, latitude=latitude, longitude=longitude)
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Center.objects.filter(name_fr="Nouveau centre").exists()


def test_possible_duplicate_is_flagged_before_saving(client, national_admin, rabat_center):
    client.force_login(national_admin)
    # 50 m from the existing center of the same category, under another name.
    nearby = {"latitude": RABAT_HASSAN_TOWER[0] + 0.00045, "longitude": RABAT_HASSAN_TOWER[1]}

    response = client.post(ADD, form_data(category=rabat_center.category_id, **nearby))

    assert response.status_code == 200
    assert "Possible duplicate" in response.content.decode()
    assert "Centre de Rabat" in response.content.decode()
    assert not Center.objects.filter(name_fr="Nouveau centre").exists()

    confirmed = client.post(
        ADD, form_data(category=rabat_center.category_id, not_a_duplicate="on", **nearby)
    )
    assert confirmed.status_code == 302
    assert Center.objects.filter(name_fr="Nouveau centre").exists()


def test_same_name_in_the_same_commune_is_a_possible_duplicate(
    client, national_admin, rabat_center
):
    client.force_login(national_admin)
    other_category = CategoryFactory(code="parenting")

    response = client.post(
        ADD,
        form_data(
            name_fr="centre de RABAT",
            category=other_category.pk,
            latitude=RABAT_AGDAL[0],
            longitude=RABAT_AGDAL[1],
        ),
    )

    assert "Possible duplicate" in response.content.decode()


def test_nobody_can_delete_a_center(client, national_admin, rabat_center):
    client.force_login(national_admin)

    response = client.post(admin_url("delete", rabat_center.pk), {"post": "yes"})

    assert response.status_code == 403
    assert Center.objects.filter(pk=rabat_center.pk).exists()


def test_list_filters_by_verification_age(client, national_admin, category):
    import datetime

    client.force_login(national_admin)
    make_center(category=category, name_fr="Vérifié", last_verified_on=datetime.date.today())
    make_center(
        at=RABAT_AGDAL,
        category=category,
        name_fr="Ancien",
        last_verified_on=datetime.date.today() - datetime.timedelta(days=400),
    )

    page = client.get(CHANGELIST, {"verified": "stale"}).content.decode()

    assert "Ancien" in page and "Vérifié" not in page


# The regional permission matrix.


def test_regional_editor_lists_only_the_centers_of_their_regions(
    client, rabat_editor, rabat_center, marrakech_center
):
    client.force_login(rabat_editor)

    page = client.get(CHANGELIST).content.decode()

    assert "Centre de Rabat" in page
    assert "Centre de Marrakech" not in page


def test_regional_editor_cannot_open_or_change_a_center_of_another_region(
    client, rabat_editor, marrakech_center
):
    client.force_login(rabat_editor)

    opened = client.get(change_url(marrakech_center))
    posted = client.post(change_url(marrakech_center), form_data(marrakech_center, name_fr="Pris"))

    assert opened.status_code == 302 and "Centre de Marrakech" not in opened.content.decode()
    assert posted.status_code == 302
    marrakech_center.refresh_from_db()
    assert marrakech_center.name_fr == "Centre de Marrakech"


def test_regional_editor_cannot_see_the_history_of_another_region(
    client, rabat_editor, marrakech_center
):
    client.force_login(rabat_editor)

    response = client.get(history_url(marrakech_center))

    assert response.status_code in {403, 404}
    assert "Centre de Marrakech" not in response.content.decode()


def test_regional_editor_cannot_create_a_center_in_another_region(client, rabat_editor, category):
    client.force_login(rabat_editor)

    response = client.post(
        ADD,
        form_data(
            category=category.pk,
            latitude=MARRAKECH_JEMAA_EL_FNA[0],
            longitude=MARRAKECH_JEMAA_EL_FNA[1],
        ),
    )

    assert response.status_code == 200
    assert "You may only work on centers of your regions" in response.content.decode()
    assert not Center.objects.filter(name_fr="Nouveau centre").exists()


def test_regional_editor_cannot_move_their_center_into_another_region(
    client, rabat_editor, rabat_center
):
    client.force_login(rabat_editor)

    response = client.post(
        change_url(rabat_center),
        form_data(
            rabat_center, latitude=MARRAKECH_JEMAA_EL_FNA[0], longitude=MARRAKECH_JEMAA_EL_FNA[1]
        ),
    )

    assert response.status_code == 200
    rabat_center.refresh_from_db()
    assert rabat_center.region.code == "04"


def test_regional_editor_edits_their_own_region(client, rabat_editor, rabat_center):
    client.force_login(rabat_editor)

    response = client.post(change_url(rabat_center), form_data(rabat_center, capacity="25"))

    assert response.status_code == 302
    rabat_center.refresh_from_db()
    assert rabat_center.capacity == 25


@pytest.mark.parametrize("action", ["archive", "export_csv", "export_xlsx"])
def test_bulk_actions_of_a_regional_editor_skip_other_regions(
    client, rabat_editor, rabat_center, marrakech_center, action
):
    client.force_login(rabat_editor)

    response = client.post(
        CHANGELIST,
        {
            "action": action,
            "_selected_action": [rabat_center.pk, marrakech_center.pk],
            "index": 0,
            "apply": "1",
            "reason": "Closed for good",
        },
    )

    marrakech_center.refresh_from_db()
    assert not marrakech_center.archived
    if action.startswith("export"):
        assert response.status_code == 200
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert b"Centre de Rabat" in body or action == "export_xlsx"
        assert b"Centre de Marrakech" not in body
    else:
        rabat_center.refresh_from_db()
        assert rabat_center.archived


def test_national_administrator_reaches_every_region(
    client, national_admin, rabat_center, marrakech_center
):
    client.force_login(national_admin)

    page = client.get(CHANGELIST).content.decode()
    assert "Centre de Rabat" in page and "Centre de Marrakech" in page
    assert client.get(change_url(marrakech_center)).status_code == 200
    assert client.get(history_url(marrakech_center)).status_code == 200
    client.post(
        CHANGELIST,
        {
            "action": "archive",
            "_selected_action": [marrakech_center.pk],
            "index": 0,
            "apply": "1",
            "reason": "Closed for good",
        },
    )
    marrakech_center.refresh_from_db()
    assert marrakech_center.archived


def test_the_arabic_admin_explains_refusals_in_arabic(client, national_admin, category):
    client.force_login(national_admin)

    response = client.post(
        admin_url("add", language="ar"),
        form_data(category=category.pk, latitude=40.4168, longitude=-3.7038),
    )

    page = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in page
    assert "خارج المغرب" in page
