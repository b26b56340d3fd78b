from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header

API_PREFIX = "/api/"
API_DEFAULT_LANGUAGE = "en"


def is_api_request(request) -> bool:
    return request.path_info.startswith(API_PREFIX)


class ApiLanguageMiddleware:
    """The API answers in the language the Accept-Language header asks for, and in
    English without one; the site's pages take theirs from the URL (Arabic by default)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if is_api_request(request):
            language = _accepted_language(request.META.get("HTTP_ACCEPT_LANGUAGE", ""))
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


def _accepted_language(header: str) -> str:
    for code, _quality in parse_accept_lang_header(header):
        if code == "*":
            break
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return API_DEFAULT_LANGUAGE
