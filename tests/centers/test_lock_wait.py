"""A staff save never hangs on a row another writer holds: it is told so within the
staff's lock timeout (DATABASE_TIMEOUTS), with its changes kept. The center is committed
(the `committed` fixture), so that the other writer's connection can lock it."""

import time

import pytest
from django.db import connection

from tests.servers import connect

from .factories import RABAT_HASSAN_TOWER, CategoryFactory, make_center, make_staff
from .test_admin import change_url, form_data
from .test_concurrency import opened_version

pytestmark = pytest.mark.slow


def test_a_staff_save_does_not_wait_on_a_center_an_import_is_writing(client, committed):
    """An import holds the rows it writes until it commits: a staff save meanwhile is told
    so within the staff's lock timeout, with its changes kept, instead of hanging."""
    category = CategoryFactory(code="disability")
    center = make_center(at=RABAT_HASSAN_TOWER, category=category, name_fr="Centre de Rabat")
    client.force_login(make_staff("amina", role="National administrators"))
    version = opened_version(client, center)
    writer = connect(connection.settings_dict["NAME"])
    writer.execute("SELECT 1 FROM centers_center WHERE id = %s FOR NO KEY UPDATE", [center.pk])
    try:
        started = time.monotonic()
        response = client.post(
            change_url(center), form_data(center, read_version=version, email="a@example.org")
        )
        waited = time.monotonic() - started
    finally:
        writer.rollback()
        writer.close()

    assert response.status_code == 200 and waited < 10
    page = response.content.decode()
    assert "This center is being written right now" in page
    assert 'value="a@example.org"' in page
    center.refresh_from_db()
    assert center.email == ""


def test_archiving_leaves_a_center_an_import_is_writing_and_says_so(client, committed):
    from django.contrib import admin
    from django.urls import reverse
    from django.utils import translation

    category = CategoryFactory(code="disability")
    held = make_center(at=RABAT_HASSAN_TOWER, category=category, name_fr="Centre tenu")
    free = make_center(at=(34.05, -6.80), category=category, name_fr="Centre libre")
    client.force_login(make_staff("amina", role="National administrators"))
    with translation.override("en"):
        changelist = reverse("admin:centers_center_changelist")
    writer = connect(connection.settings_dict["NAME"])
    writer.execute("SELECT 1 FROM centers_center WHERE id = %s FOR NO KEY UPDATE", [held.pk])
    try:
        response = client.post(
            changelist,
            {
                "action": "archive",
                "apply": "1",
                "reason": "Fermé",
                admin.helpers.ACTION_CHECKBOX_NAME: [held.pk, free.pk],
            },
            follow=True,
        )
    finally:
        writer.rollback()
        writer.close()

    page = response.content.decode()
    assert response.status_code == 200
    assert "1 center archived" in page and "being written by an import" in page
    held.refresh_from_db()
    free.refresh_from_db()
    assert (held.archived, free.archived) == (False, True)


def test_a_category_change_waiting_on_an_import_says_the_record_is_busy(client, committed):
    """An import holds the categories of the centers it writes until it commits; making
    one sensitive meanwhile gives up after the staff's lock timeout, with a page saying
    what happened (not that the database is unreachable)."""
    from django.urls import reverse
    from django.utils import translation

    category = CategoryFactory(code="disability")
    client.force_login(make_staff("amina", role="National administrators"))
    with translation.override("fr"):
        change = reverse("admin:centers_category_change", args=[category.pk])
    fields = {
        name: getattr(category, name)
        for name in ("code", "name_ar", "name_fr", "name_en", "position", "icon", "color")
    }
    fields.update(
        description_ar="-",
        description_fr="-",
        description_en="-",
        sensitive="on",
        change_reason="x",
    )
    writer = connect(connection.settings_dict["NAME"])
    writer.execute("SELECT 1 FROM centers_category WHERE id = %s FOR SHARE", [category.pk])
    try:
        started = time.monotonic()
        response = client.post(change, fields)
        waited = time.monotonic() - started
    finally:
        writer.rollback()
        writer.close()

    assert response.status_code == 503 and waited < 10
    assert response["Retry-After"] == "5"
    assert "en cours d'écriture" in response.content.decode()
    category.refresh_from_db()
    assert not category.sensitive
