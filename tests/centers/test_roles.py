"""Every role on every staff path, adding included, in the editor's region and outside it:
a regional editor of Rabat-Salé-Kénitra (04) works on 04 only; a read-only viewer sees
every region and changes nothing; a national administrator reaches everything but
superuser rights; accounts cannot grant more than their author has."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import translation

from centers.models import Center, StaffAssignment
from centers.roles import ROLES, roles_apply

from .factories import (
    MARRAKECH_JEMAA_EL_FNA,
    RABAT_HASSAN_TOWER,
    CategoryFactory,
    make_center,
    make_staff,
)
from .test_admin import form_data

pytestmark = pytest.mark.django_db

# Témara, in region 04; Marrakech, in region 07.
TEMARA = (33.9280, -6.9060)
ROLE_NAMES = {
    "national": "National administrators",
    "regional": "Regional editors",
    "viewer": "Read-only viewers",
}


def url(name: str, *args) -> str:
    with translation.override("en"):
        return reverse(f"admin:{name}", args=args)


@pytest.fixture
def category():
    return CategoryFactory(code="disability")


@pytest.fixture
def centers(category):
    return {
        "own": make_center(at=RABAT_HASSAN_TOWER, category=category, name_fr="Centre de Rabat"),
        "other": make_center(
            at=MARRAKECH_JEMAA_EL_FNA, category=category, name_fr="Centre de Marrakech"
        ),
    }


@pytest.fixture(params=["national", "regional", "viewer"])
def role(request, client):
    name = request.param
    regions = ["04"] if name == "regional" else []
    client.force_login(make_staff(f"{name}-member", role=ROLE_NAMES[name], regions=regions))
    return name


def may_write(role: str, where: str) -> bool:
    return role == "national" or (role == "regional" and where == "own")


@pytest.mark.parametrize("where", ["own", "other"])
def test_adding_a_center(client, role, category, where):
    latitude, longitude = TEMARA if where == "own" else MARRAKECH_JEMAA_EL_FNA

    response = client.post(
        url("centers_center_add"),
        form_data(
            name_fr="Centre ajouté", category=category.pk, latitude=latitude, longitude=longitude
        ),
    )

    created = Center.objects.filter(name_fr="Centre ajouté").first()
    if may_write(role, where):
        assert response.status_code == 302, response.content.decode()[:2000]
        assert created is not None and created.external_ref.startswith("ref-")
    else:
        assert response.status_code in {200, 403}
        assert created is None


@pytest.mark.parametrize("where", ["own", "other"])
def test_changing_a_center(client, role, centers, where):
    center = centers[where]

    response = client.post(
        url("centers_center_change", center.pk), form_data(center, capacity="25")
    )

    center.refresh_from_db()
    assert (center.capacity == 25) is may_write(role, where)
    # Refused: forbidden, or (outside the editor's regions) not found and sent back.
    assert (
        response.status_code == 302
        if may_write(role, where)
        else response.status_code
        in {
            302,
            403,
        }
    )


@pytest.mark.parametrize("where", ["own", "other"])
def test_archiving_then_restoring_a_center_with_a_reason(client, role, centers, where):
    center = centers[where]

    def act(action: str, reason: str):
        return client.post(
            url("centers_center_changelist"),
            {
                "action": action,
                "_selected_action": [center.pk],
                "index": 0,
                "apply": "1",
                "reason": reason,
            },
        )

    act("archive", "Closed for good")
    center.refresh_from_db()
    assert center.archived is may_write(role, where)
    if may_write(role, where):
        assert center.history.latest().history_change_reason == "Closed for good"
        act("restore", "Reopened")
        center.refresh_from_db()
        assert not center.archived
        assert center.history.latest().history_change_reason == "Reopened"


def test_archiving_asks_for_a_reason_first(client, centers):
    client.force_login(make_staff("national-member", role=ROLE_NAMES["national"]))

    response = client.post(
        url("centers_center_changelist"),
        {"action": "archive", "_selected_action": [centers["own"].pk], "index": 0},
    )

    assert response.status_code == 200 and 'name="reason"' in response.content.decode()
    centers["own"].refresh_from_db()
    assert not centers["own"].archived


@pytest.mark.parametrize("where", ["own", "other"])
def test_reading_a_center_and_its_history(client, role, centers, where):
    center = centers[where]
    may_read = role in {"national", "viewer"} or where == "own"

    for path in (url("centers_center_change", center.pk), url("centers_center_history", center.pk)):
        response = client.get(path)
        assert (response.status_code == 200) is may_read, path
        if not may_read:
            assert "Centre de Marrakech" not in response.content.decode()


def test_exports_hold_only_the_centers_a_role_may_see(client, role, centers):
    response = client.post(
        url("centers_center_changelist"),
        {
            "action": "export_csv",
            "_selected_action": [centers["own"].pk, centers["other"].pk],
            "index": 0,
        },
    )

    body = (
        b"".join(response.streaming_content) if response.streaming else response.content
    ).decode("utf-8-sig")
    assert "Centre de Rabat" in body
    assert ("Centre de Marrakech" in body) is (role != "regional")


def test_api_keys_are_for_national_administrators(client, role):
    response = client.get(url("partners_apikey_add"))

    assert (response.status_code == 200) is (role == "national")


def test_account_management_is_for_national_administrators(client, role):
    response = client.get(url("auth_user_changelist"))

    assert (response.status_code == 200) is (role == "national")


def test_a_new_regional_editor_is_one_form(client):
    client.force_login(make_staff("national-member", role=ROLE_NAMES["national"]))

    response = client.post(
        url("auth_user_add"),
        {
            "username": "clerk-04",
            "password1": "a-long-clerk-password-2026",
            "password2": "a-long-clerk-password-2026",
            "role": "Regional editors",
            "regions": [
                StaffAssignment._meta.get_field("region").related_model.objects.get(code="04").pk
            ],
        },
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    clerk = get_user_model().objects.get(username="clerk-04")
    assert clerk.is_staff and not clerk.is_superuser
    assert [group.name for group in clerk.groups.all()] == ["Regional editors"]
    assert [a.region.code for a in clerk.region_assignments.all()] == ["04"]


def test_a_regional_role_needs_a_region(client):
    client.force_login(make_staff("national-member", role=ROLE_NAMES["national"]))

    response = client.post(
        url("auth_user_add"),
        {
            "username": "clerk-x",
            "password1": "a-long-clerk-password-2026",
            "password2": "a-long-clerk-password-2026",
            "role": "Regional editors",
        },
    )

    assert response.status_code == 200
    assert not get_user_model().objects.filter(username="clerk-x").exists()


def test_a_national_administrator_cannot_make_anyone_a_superuser(client):
    administrator = make_staff("national-member", role=ROLE_NAMES["national"])
    client.force_login(administrator)
    change = url("auth_user_change", administrator.pk)

    form = client.get(change).context["adminform"].form
    assert "is_superuser" not in form.fields and "user_permissions" not in form.fields
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update(
        is_superuser="on",
        groups=[g.pk for g in Group.objects.filter(name="National administrators")],
        **{
            "region_assignments-TOTAL_FORMS": "0",
            "region_assignments-INITIAL_FORMS": "0",
        },
    )
    client.post(change, data)

    administrator.refresh_from_db()
    assert not administrator.is_superuser


def test_a_superusers_account_is_out_of_reach_of_the_others(client):
    superuser = get_user_model().objects.create_superuser("root", password="x" * 20)
    client.force_login(make_staff("national-member", role=ROLE_NAMES["national"]))

    change = url("auth_user_change", superuser.pk)
    assert client.post(change, {"username": "taken", "is_superuser": "on"}).status_code == 403
    assert client.get(url("auth_user_password_change", superuser.pk)).status_code == 403
    superuser.refresh_from_db()
    assert superuser.username == "root"


def test_roles_are_made_to_match_their_definition(category):
    group = Group.objects.get(name="Regional editors")
    from django.contrib.auth.models import Permission

    group.permissions.add(Permission.objects.get(codename="delete_center"))

    roles_apply()

    for role in ROLES:
        granted = {
            f"{p.content_type.app_label}.{p.codename}"
            for p in Group.objects.get(name=role.name).permissions.all()
        }
        assert granted == set(role.permissions), role.name
