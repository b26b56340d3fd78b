"""Errors of the API as problem documents (RFC 9457, `application/problem+json`).

Every error carries `type`, `title`, `status` and `detail`; a bad query parameter also
names the `parameter`, and `errors` lists every parameter that was refused.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, JsonResponse
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.views import exception_handler

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "/api/v1/problems/"

# slug: (title, when it happens); the documentation lists them at PROBLEM_TYPE_BASE.
PROBLEM_TYPES = {
    "invalid-parameter": (_("Invalid parameter"), _("A query parameter was refused.")),
    "not-found": (_("Not found"), _("No resource answers this address.")),
    "outside-morocco": (_("Outside Morocco"), _("The point lies in no commune of Morocco.")),
    "method-not-allowed": (_("Method not allowed"), _("The API is read-only.")),
    "throttled": (_("Too many requests"), _("The client's request quota is used up.")),
    "not-authenticated": (_("Not authenticated"), _("The API key is missing or unknown.")),
    "forbidden": (_("Forbidden"), _("The client may not use this resource.")),
    "not-acceptable": (_("Not acceptable"), _("The requested format is not offered here.")),
    "service-unavailable": (_("Service unavailable"), _("The database cannot be reached.")),
    "server-error": (_("Server error"), _("An unexpected error; it has been logged.")),
}

_TYPE_OF_EXCEPTION = [
    (exceptions.ValidationError, "invalid-parameter"),
    (exceptions.ParseError, "invalid-parameter"),
    (exceptions.NotFound, "not-found"),
    (exceptions.MethodNotAllowed, "method-not-allowed"),
    (exceptions.Throttled, "throttled"),
    (exceptions.NotAuthenticated, "not-authenticated"),
    (exceptions.AuthenticationFailed, "not-authenticated"),
    (exceptions.PermissionDenied, "forbidden"),
    (exceptions.NotAcceptable, "not-acceptable"),
]


class OutsideMorocco(exceptions.NotFound):
    default_detail = _("This point is outside Morocco.")


def problem(slug: str, detail: str, status_code: int, **extra) -> dict:
    title, _description = PROBLEM_TYPES[slug]
    return {
        "type": PROBLEM_TYPE_BASE + slug,
        "title": str(title),
        "status": status_code,
        "detail": str(detail),
        **extra,
    }


def problem_response(slug: str, detail: str, status_code: int, **extra) -> JsonResponse:
    return JsonResponse(
        problem(slug, detail, status_code, **extra),
        status=status_code,
        content_type=PROBLEM_CONTENT_TYPE,
        json_dumps_params={"ensure_ascii": False},
    )


def problem_exception_handler(exc, context):
    """DRF's exception handler, with its errors rewritten as problem documents."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    slug = "outside-morocco" if isinstance(exc, OutsideMorocco) else _slug_of(exc)
    if isinstance(exc, exceptions.ValidationError):
        errors = _parameter_errors(exc.detail)
        first = errors[0]
        body = problem(
            slug, first["detail"], response.status_code, parameter=first["parameter"], errors=errors
        )
    else:
        body = problem(slug, _flatten(exc.detail), response.status_code)
    response.data = body
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


def _slug_of(exc) -> str:
    for exception_class, slug in _TYPE_OF_EXCEPTION:
        if isinstance(exc, exception_class):
            return slug
    return "invalid-parameter" if exc.status_code == status.HTTP_400_BAD_REQUEST else "not-found"


def _parameter_errors(detail) -> list[dict]:
    if isinstance(detail, dict):
        return [
            {"parameter": name, "detail": _flatten(messages)} for name, messages in detail.items()
        ]
    return [{"parameter": None, "detail": _flatten(detail)}]


def _flatten(detail) -> str:
    if isinstance(detail, dict):
        return " ".join(_flatten(value) for value in detail.values())
    if isinstance(detail, list):
        return " ".join(_flatten(value) for value in detail)
    return str(detail)


def problem_types(request, slug=None):
    """The problem types the API uses, for the `type` member of its errors."""
    if slug is not None:
        if slug not in PROBLEM_TYPES:
            return problem_response("not-found", "No such problem type.", 404)
        title, description = PROBLEM_TYPES[slug]
        return JsonResponse(
            {"type": PROBLEM_TYPE_BASE + slug, "title": title, "description": description}
        )
    return JsonResponse(
        {
            "problem_types": [
                {"type": PROBLEM_TYPE_BASE + name, "title": title, "description": description}
                for name, (title, description) in PROBLEM_TYPES.items()
            ]
        },
        json_dumps_params={"ensure_ascii": False},
    )
