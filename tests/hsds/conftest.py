import pytest
from django.core.cache import cache

from .directory import make_hsds_directory


@pytest.fixture(autouse=True)
def empty_cache():
    """The codes' ids are cached: forget those of other tests' databases."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def directory(db):
    return make_hsds_directory()
