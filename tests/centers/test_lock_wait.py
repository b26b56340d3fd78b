"""A staff save never hangs on a row another writer holds: it is told so within the
staff's lock timeout (DATABASE_TIMEOUTS), with its changes kept. The center is committed
(the `committed` fixture), so that the other writer's connection can lock it."""

import time

from django.db import connection

from tests.servers import connect

from .factories import RABAT_HASSAN_TOWER, CategoryFactory, make_center, make_staff
from .test_admin import change_url, form_data
from .test_concurrency import opened_version


def test_a_staff_save_does_not_wait_on_a_center_an_import_is_writing(client, committed):
    """An import holds the rows it writes until it commits: a staff save meanwhile is told
    so within the staff's lock timeout, with its changes kept, instead of hanging."""
    category = CategoryFactory(code="disability")
    center = make_center(at=RABAT_HASSAN_TOWER, category=category, name_fr="Centre de Rabat")
    client.force_login(make_staff("amina", role="National administrators"))
    version = opened_version(client, center)
    writer = connect(connection.settings_dict["NAME"])
    writer.execute("SELECT 1 FROM centers_center WHERE id = %s FOR UPDATE", [center.pk])
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
