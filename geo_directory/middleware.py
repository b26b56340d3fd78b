from django.conf import settings
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse
from django.middleware.gzip import GZipMiddleware
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header
from psycopg.errors import LockNotAvailable

from centers.helplines import helplines_when_offline

from .database import timeouts
from .problems import problem_response

API_PREFIX = "/api/"
API_DEFAULT_LANGUAGE = "en"
# Staff pages (the admin and the planning tools) in every language: /admin/, /fr/admin/.
STAFF_PREFIX = "/admin/"


def is_api_request(request) -> bool:
    return request.path_info.startswith(API_PREFIX)


def is_staff_request(request) -> bool:
    path = request.path_info
    language = translation.get_language_from_path(path)
    if language:
        path = path.removeprefix(f"/{language}")
    return path.startswith(STAFF_PREFIX)


class DatabaseTimeoutsMiddleware:
    """Staff pages get the staff database limits, whose statements may take seconds
    (imports, exports); everything else the public ones, short enough that a stuck database
    gives a quick 503 (setting DATABASE_TIMEOUTS). They hold until the request is finished,
    then work outside requests gets the background ones (geo_directory.database.timeouts)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        timeouts.begin(timeouts.STAFF if is_staff_request(request) else timeouts.PUBLIC)
        return self.get_response(request)


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


class DatabaseUnavailableMiddleware:
    """When the database cannot be reached, a clear 503 rather than a server error: a
    problem document for the API, a short page in the visitor's language for the site.
    The connection is dropped so that the next request connects afresh: service resumes
    by itself when the database is back."""

    RETRY_AFTER_SECONDS = 30
    # A write that waited too long for a row another one is writing (an import): the
    # database is fine, and the write can be made again in a moment.
    BUSY_RETRY_AFTER_SECONDS = 5

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        connection.close_if_unusable_or_obsolete()
        busy = isinstance(exception.__cause__, LockNotAvailable)
        if is_api_request(request):
            detail = (
                translation.gettext("The record is being written; try again in a moment.")
                if busy
                else translation.gettext(
                    "The directory's database cannot be reached; try again soon."
                )
            )
            response = problem_response("service-unavailable", detail, 503)
        else:
            context = {
                "LANGUAGE_BIDI": translation.get_language_bidi(),
                "QUICK_EXIT_URL": settings.QUICK_EXIT_URL,
                "helplines": helplines_when_offline(),
                "busy": busy,
            }
            response = HttpResponse(render_to_string("503.html", context), status=503)
        retry_after = self.BUSY_RETRY_AFTER_SECONDS if busy else self.RETRY_AFTER_SECONDS
        response["Retry-After"] = str(retry_after)
        return response


class NulCharacterMiddleware:
    """Refuses an address whose path or query holds a NUL character, which no field of ours
    accepts and which PostgreSQL cannot store: a 400, before any view looks it up."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            "\x00" in request.path
            or "\x00" in request.META.get("QUERY_STRING", "")
            or any("\x00" in value for values in request.GET.lists() for value in values[1])
        ):
            message = translation.gettext("The address holds a NUL character.")
            if is_api_request(request):
                return problem_response("invalid-parameter", message, 400)
            return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


# Answers already compressed (the HSDS package): gzip would spend time and gain nothing.
COMPRESSED_TYPES = {"application/zip"}


class GZipWithoutSecretsMiddleware(GZipMiddleware):
    """Compresses the API's answers (the region boundaries weigh 120 KB as text, about a
    quarter once compressed) and the public pages that hold no secret: a search's page
    weighs about 33 KB, 6 KB compressed, which on a weak connection is seconds. What
    holds a secret beside text an attacker may choose is left alone, since compressing
    it would let the attacker guess the secret from the sizes (BREACH): a page given a
    CSRF token (the suggestion form: a page that renders one is sent the CSRF cookie
    with it), a staff page, and whatever a signed-in staff member is sent (records of
    sensitive centers)."""

    def process_response(self, request, response):
        if response.get("Content-Type") in COMPRESSED_TYPES:
            return response
        if not is_api_request(request) and _may_hold_a_secret(request, response):
            return response
        return super().process_response(request, response)


def _may_hold_a_secret(request, response) -> bool:
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    holds_a_token = settings.CSRF_COOKIE_NAME in response.cookies
    return is_staff_request(request) or signed_in or holds_a_token
