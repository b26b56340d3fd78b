"""The HSDS answers about real records against the API's own OpenAPI schema (the
fuzzer of tests/test_contract.py seldom draws a real id), and the HSDS checks of this
folder request every HSDS route."""

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.urls import URLResolver, get_resolver, resolve
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from hsds.records import LOCATION, ORGANIZATION, SERVICE, SERVICE_AT_LOCATION, record_id
from tests.test_contract import UNCOMPRESSED, call_and_validate, schema

from .answers import BASE, every_answer
from .directory import make_hsds_directory

KINDS = {
    "services": SERVICE,
    "locations": LOCATION,
    "service_at_locations": SERVICE_AT_LOCATION,
}


@pytest.fixture
def in_process_requests(db):
    """Requests through the WSGI application in the test's transaction (as in
    tests/test_contract.py)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield make_hsds_directory()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def known_requests(centers) -> list[tuple[str, dict, dict]]:
    rabat = centers["rabat"].pk
    requests = [
        (f"{BASE}", {}, {}),
        (f"{BASE}package.zip", {}, {}),
        (f"{BASE}organizations/{{id}}", {"id": record_id(ORGANIZATION, "Entraide Nationale")}, {}),
        (f"{BASE}organizations/{{id}}", {"id": record_id(ORGANIZATION, "")}, {}),
        (f"{BASE}organizations/", {}, {"per_page": 2, "page": 2}),
    ]
    for name, kind in KINDS.items():
        requests += [
            (f"{BASE}{name}/", {}, {}),
            (f"{BASE}{name}/", {}, {"per_page": 1, "page": 9}),
            (f"{BASE}{name}/{{id}}", {"id": record_id(kind, rabat)}, {}),
        ]
    return requests


def test_answers_about_real_records_match_the_documented_schema(in_process_requests):
    requests = known_requests(in_process_requests)
    operations = {
        operation.ok().path
        for operation in schema.get_all_operations()
        if operation.ok().path.startswith(BASE)
    }
    assert {path for path, _parameters, _query in requests} == operations

    for path, path_parameters, query in requests:
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
        assert response.status_code == 200, (path, path_parameters, query)


def hsds_routes() -> set[str]:
    def walk(patterns, prefix: str):
        for pattern in patterns:
            route = URLResolver._join_route(prefix, str(pattern.pattern))
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, route)
            else:
                yield route

    return {route for route in walk(get_resolver().url_patterns, "") if "hsds" in route}


@pytest.mark.django_db
def test_the_checks_of_every_answer_request_every_hsds_route(api_client):
    make_hsds_directory()

    requested = {resolve(url.partition("?")[0]).route for url in every_answer(api_client)}
    requested.add(resolve(f"{BASE}package.zip").route)

    assert requested == hsds_routes()
