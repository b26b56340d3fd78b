import pytest
from django.core.cache import cache

from tests.centers.factories import make_directory


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with no client counted against the suggestions' limit."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def directory():
    return make_directory()
