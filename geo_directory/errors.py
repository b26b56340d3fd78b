"""Error pages: problem documents for the API, translated pages for the site."""

from django.views import defaults

from .middleware import is_api_request
from .problems import problem_response


def page_not_found(request, exception=None):
    if is_api_request(request):
        return problem_response("not-found", "No resource answers this address.", 404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if is_api_request(request):
        return problem_response("server-error", "The server could not answer.", 500)
    return defaults.server_error(request)
