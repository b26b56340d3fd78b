"""How many suggestions one client may send: SUGGESTIONS_PER_HOUR, counted on the shared
cache (CACHE_URL) so that every process counts the same. The client is known by its
address, kept only as a keyed hash in the cache for the hour, never in the database."""

import hashlib
import hmac

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import BaseThrottle

WINDOW_SECONDS = 60 * 60


def _client_key(request) -> str:
    """The client's address, as the API's quotas read it (behind API_NUM_PROXIES
    proxies), as a keyed hash."""
    address = BaseThrottle().get_ident(request)
    digest = hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256)
    return f"suggestions:client:{digest.hexdigest()[:32]}"


def allow(request) -> bool:
    """Counts the client's suggestion, and says whether it is within the limit."""
    key = _client_key(request)
    cache.add(key, 0, WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # it expired between the two calls
        cache.set(key, 1, WINDOW_SECONDS)
        count = 1
    return count <= settings.SUGGESTIONS_PER_HOUR
