import io

import pytest
from django.core.management import call_command


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database holds Morocco's real administrative areas, loaded once."""
    with django_db_blocker.unblock():
        call_command("load_admin_areas", stdout=io.StringIO())


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture(autouse=True)
def english_outside_requests():
    """Code called outside a request speaks the active language, Arabic by default: tests
    read its messages in English. Requests still follow their own address's language."""
    from django.utils import translation

    with translation.override("en"):
        yield
