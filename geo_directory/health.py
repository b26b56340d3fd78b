"""Endpoints for operators and researchers: `/healthz` (is the database reachable, and is
it really PostGIS?) and `/.well-known/security.txt` (where to report a vulnerability)."""

import datetime

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import Http404, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('server_version'), postgis_lib_version()")
            postgresql_version, postgis_version = cursor.fetchone()
    except DatabaseError as error:
        # A broken connection must not stay in the pool: the next request reconnects.
        connection.close_if_unusable_or_obsolete()
        return JsonResponse(
            {"status": "unavailable", "database": "unreachable", "detail": _first_line(error)},
            status=503,
        )
    return JsonResponse(
        {
            "status": "ok",
            "database": "ok",
            "postgresql": postgresql_version,
            "postgis": postgis_version,
        }
    )


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [error.__class__.__name__])[0]


@require_GET
def security_txt(request):
    """RFC 9116: where to report a vulnerability, valid for a year from today."""
    if not settings.SECURITY_CONTACT:
        raise Http404
    expires = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=365)
    lines = [
        f"Contact: {settings.SECURITY_CONTACT}",
        f"Expires: {expires:%Y-%m-%dT00:00:00Z}",
        "Preferred-Languages: ar, fr, en",
        f"Canonical: {request.build_absolute_uri()}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
