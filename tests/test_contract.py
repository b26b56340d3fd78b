"""The public API against its own OpenAPI schema.

Schemathesis reads the schema the application serves and, for every operation, sends
generated requests, valid and invalid, through the WSGI application in-process: no
answer may be a server error, every answer must have a documented status code and
content type, and its body must match the documented one. Generation is bounded and
derandomized, so a run is reproducible and takes about a minute per test.
"""

import contextvars

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from geo_directory.wsgi import application
from partners.throttling import AnonymousRateThrottle
from tests.centers.factories import make_directory


def in_own_context(function, *args, **kwargs):
    """Schemathesis's WSGI client reads a response without closing it, so Django never
    finishes the request: run in a context of its own, the request's database limits
    (public: 1 s statements) do not stay on for the code after it, such as the test
    database's creation or a test that writes 40,000 centers."""
    return contextvars.copy_context().run(function, *args, **kwargs)


schema = in_own_context(schemathesis.openapi.from_wsgi, "/api/v1/schema/?format=json", application)

EXAMPLES_PER_OPERATION = 30
bounded = settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    database=None,
    # The directory fixture is read-only data shared by the examples of an operation.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Schemathesis's WSGI client asks for gzip, as `requests` does, but unlike `requests` it
# does not decompress: bodies are checked as sent uncompressed.
UNCOMPRESSED = {"Accept-Encoding": "identity"}


@pytest.fixture
def directory(db, monkeypatch):
    """Centers at known places, with the codes the schema's examples use; the women's
    space in Salé is sensitive. No quota: the fuzzer sends many requests a second."""
    monkeypatch.setattr(AnonymousRateThrottle, "rate", "100000/minute", raising=False)
    centers = make_directory()
    # The codes' ids are cached: forget those of other tests' databases.
    cache.clear()
    yield centers
    cache.clear()


@pytest.fixture
def in_process_requests(directory):
    """Requests through the WSGI application share the test's connection and transaction.
    As Django's test client does, Django is kept from closing the connection at the start
    and end of each request, which would abort the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield directory
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def call_and_validate(case, checks, headers=None):
    """One request in a savepoint rolled back afterwards: every example starts from the
    same data, and a statement that fails cannot poison the examples after it."""
    savepoint = transaction.savepoint()
    try:
        return in_own_context(case.call_and_validate, checks=checks, headers=headers)
    finally:
        transaction.savepoint_rollback(savepoint)


@pytest.mark.slow
@schema.parametrize()
@bounded
def test_no_request_gets_a_server_error(case, in_process_requests):
    call_and_validate(case, [not_a_server_error])


@pytest.mark.slow
@schema.parametrize()
@bounded
def test_every_answer_has_its_documented_content_type_and_body(case, in_process_requests):
    call_and_validate(case, [content_type_conformance, response_schema_conformance], UNCOMPRESSED)


@pytest.mark.slow
@schema.parametrize()
@bounded
def test_every_status_code_is_documented(case, in_process_requests):
    call_and_validate(case, [status_code_conformance])


# Generated identifiers seldom name a real center or area: these requests reach the
# answers that carry data, in every format.
KNOWN_REQUESTS = [
    ("/api/v1/coverage/", {}, {"category": "disability", "level": "commune"}),
    ("/api/v1/coverage/", {}, {"category": "women", "level": "region"}),
    ("/api/v1/centers/", {}, {"lat": 34.0209, "lon": -6.8416}),
    ("/api/v1/centers/", {}, {"lat": 31.5, "lon": -10.0, "radius_km": 5, "limit": "2"}),
    ("/api/v1/centers/", {}, {"region": "04", "format": "geojson"}),
    ("/api/v1/centers/", {}, {"lat": 34.0209, "lon": -6.8416, "format": "csv"}),
    ("/api/v1/centers/{slug}/", {"slug": "rabat"}, {}),
    ("/api/v1/centers/{slug}/", {"slug": "sale"}, {}),
    ("/api/v1/regions/", {}, {}),
    ("/api/v1/regions/{code}/", {"code": "04"}, {}),
    ("/api/v1/regions/boundaries.geojson", {}, {}),
    ("/api/v1/regions/{code}/provinces.geojson", {"code": "04"}, {}),
    ("/api/v1/provinces/", {}, {"region": "04"}),
    ("/api/v1/provinces/{code}/", {"code": "04.421"}, {}),
    ("/api/v1/communes/", {}, {"province": "04.421", "limit": 5}),
    ("/api/v1/communes/{code}/", {"code": "04.421.01.0"}, {}),
    ("/api/v1/places/", {}, {"q": "rabat"}),
    ("/api/v1/places/locate/", {}, {"lat": 34.0209, "lon": -6.8416}),
]


def test_known_requests_cover_every_operation():
    # The HSDS operations' known requests need HSDS ids: tests/hsds/test_openapi.py.
    operations = {
        operation.ok().path
        for operation in schema.get_all_operations()
        if not operation.ok().path.startswith("/api/v1/hsds/")
    }

    assert {path for path, _parameters, _query in KNOWN_REQUESTS} == operations


@pytest.mark.parametrize(("path", "path_parameters", "query"), KNOWN_REQUESTS)
def test_answers_about_known_centers_and_areas_match_the_schema(
    in_process_requests, path, path_parameters, query
):
    if "slug" in path_parameters:
        path_parameters = {"slug": in_process_requests[path_parameters["slug"]].slug}
    case = schema[path]["GET"].Case(path_parameters=path_parameters, query=query)

    response = call_and_validate(
        case,
        [
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
        UNCOMPRESSED,
    )

    assert response.status_code == 200
