from rest_framework.throttling import SimpleRateThrottle

from .models import ApiKey


class AnonymousRateThrottle(SimpleRateThrottle):
    """Clients without a key share a quota per address (setting API_ANONYMOUS_RATE)."""

    scope = "anonymous"

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiKey):
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class ApiKeyRateThrottle(SimpleRateThrottle):
    """A partner's key carries its own quota."""

    scope = "api_key"

    def allow_request(self, request, view):
        if not isinstance(request.auth, ApiKey):
            return True
        self.rate = request.auth.rate
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_rate(self):
        # The rate comes from the key, set in allow_request.
        return None

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
