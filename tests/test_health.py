import socket

import pytest
from django.db import connection


@pytest.mark.django_db
def test_healthz_reports_postgresql_and_postgis_versions(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok"
    assert body["postgis"].startswith("3.")
    assert body["postgresql"].split(".")[0].isdigit()


@pytest.fixture
def database_on_a_closed_port(django_db_blocker):
    """Point the default connection at a loopback port where nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    saved = {key: connection.settings_dict[key] for key in ("HOST", "PORT")}
    with django_db_blocker.unblock():
        connection.close()
        connection.settings_dict.update(HOST="127.0.0.1", PORT=closed_port)
        yield
        connection.close()
        connection.settings_dict.update(saved)


def test_healthz_answers_503_json_naming_the_problem_when_database_is_unreachable(
    client, database_on_a_closed_port
):
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["database"] == "unreachable"
    assert "refused" in body["detail"].lower() or "failed" in body["detail"].lower()


def test_security_txt_names_the_contact_when_one_is_set(client, settings):
    settings.SECURITY_CONTACT = "mailto:security@example.org"

    response = client.get("/.well-known/security.txt")

    assert response.status_code == 200
    assert "Contact: mailto:security@example.org" in response.content.decode()
    assert "Expires: " in response.content.decode()


def test_security_txt_is_absent_without_a_contact(client, settings):
    settings.SECURITY_CONTACT = ""

    assert client.get("/.well-known/security.txt").status_code == 404
