from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from .models import ApiKey

API_KEY_HEADER = "X-Api-Key"


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """A partner sends its key in the X-Api-Key header; without one, the client is
    anonymous. An unknown or revoked key is refused rather than silently ignored."""

    def authenticate(self, request):
        presented = request.headers.get(API_KEY_HEADER)
        if not presented:
            return None
        key = ApiKey.objects.matching(presented)
        if key is None:
            raise exceptions.AuthenticationFailed(_("Unknown or revoked API key."))
        return AnonymousUser(), key

    def authenticate_header(self, request):
        return API_KEY_HEADER
