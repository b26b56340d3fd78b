"""The HSDS 3 API: every answer validates against the official schemas; the records say
the listed centers' public facts and nothing of the others; pages, errors, HTTP caching
and query counts."""

import uuid

import pytest

from centers.models import LISTED_STATUSES, Center
from hsds import records, specification
from hsds.records import (
    LOCATION,
    ORGANIZATION,
    SERVICE,
    record_id,
)

from .answers import BASE, DETAILS, LISTS, PAGE_KEYS, every_answer, next_link, page_number, pages
from .directory import LISTED, NOT_LISTED
from .schemas import errors, openapi_response

pytestmark = pytest.mark.django_db


def service_of(client, center: Center) -> dict:
    response = client.get(f"{BASE}services/{record_id(SERVICE, center.pk)}")
    assert response.status_code == 200
    return response.json()


def test_every_page_and_record_validates_against_the_official_schemas(api_client, directory):
    answers = every_answer(api_client)

    # The root; three lists of a record per center, each by id; three organizations.
    assert len(answers) == 1 + 3 * 2 * len(LISTED) + 2 * 3
    for url, response in answers.items():
        assert response.status_code == 200, url
        assert response["Content-Type"] == "application/json", url
        body = response.json()
        if url == BASE:
            schema = openapi_response("/")
        else:
            name, _slash, rest = url.removeprefix(BASE).partition("/")
            schema = LISTS[name] if rest.startswith("?") else DETAILS[name]
            if rest.startswith("?"):
                assert set(body) == PAGE_KEYS, url
        assert errors(schema, body) == [], url


def test_a_service_is_a_listed_center_with_its_public_facts(api_client, directory):
    rabat = directory["rabat"]

    service = service_of(api_client, rabat)

    identifier = uuid.UUID(service["id"])
    assert identifier.version == 8 and identifier.int & (2**62 - 1) == rabat.pk
    assert (service["name"], service["alternate_name"]) == ("مركز حسان", "Centre Hassan")
    assert service["description"] == "مركز للتوجيه\n\nCentre d'orientation"
    assert service["eligibility_description"] == rabat.eligibility_fr
    assert (service["email"], service["url"]) == ("hassan@example.ma", "https://example.ma/hassan")
    assert service["status"] == "active"
    assert service["assured_date"] == "2026-03-01"
    assert service["last_modified"].endswith("Z")
    assert service["organization"]["name"] == "Entraide Nationale"
    assert service["organization_id"] == service["organization"]["id"]
    assert [phone["number"] for phone in service["phones"]] == rabat.phones
    assert [
        (s["byday"], s["opens_at"], s["closes_at"], s["freq"]) for s in service["schedules"]
    ] == [
        ("MO,TU", "08:30:00", "12:00:00", "WEEKLY"),
        ("MO,TU", "14:00:00", "16:30:00", "WEEKLY"),
        ("SA", "09:00:00", "12:00:00", "WEEKLY"),
    ]
    assert {s["notes"] for s in service["schedules"]} == {rabat.opening_hours_note}
    terms = {(a["taxonomy_term"]["code"], a["link_entity"]) for a in service["attributes"]}
    assert terms == {("disability", "service"), ("legal-aid", "service")}
    (at_location,) = service["service_at_locations"]
    location = at_location["location"]
    assert at_location["location_id"] == location["id"] == record_id(LOCATION, rabat.pk)
    assert (location["latitude"], location["longitude"]) == (34.024, -6.8225)
    assert location["location_type"] == "physical"
    assert "description" not in location  # an exact position
    (address,) = location["addresses"]
    assert (address["address_1"], address["address_2"]) == ("برج حسان", "Tour Hassan")
    assert (address["city"], address["country"], address["postal_code"]) == ("الرباط", "MA", "")
    assert [feature["description"] for feature in location["accessibility"]] == [
        rabat.accessibility.get().name_en
    ]
    assert "languages" not in service and "cost_options" not in service


def test_statuses_notes_missing_names_and_managing_bodies(api_client, directory):
    casablanca = service_of(api_client, directory["casablanca"])
    marrakech = service_of(api_client, directory["women-marrakech"])

    assert casablanca["status"] == "temporarily closed"
    assert casablanca["alert"] == "Travaux jusqu'en juin"
    assert casablanca["organization"]["name"] == "Managing body not recorded"
    (address,) = casablanca["service_at_locations"][0]["location"]["addresses"]
    assert (address["address_1"], address["city"]) == ("Boulevard d'Anfa", "Casablanca")
    assert "address_2" not in address
    assert marrakech["name"] == "فضاء تليلة" and "alternate_name" not in marrakech
    assert [(s.get("byday"), s["notes"]) for s in marrakech["schedules"]] == [
        (None, "Sur rendez-vous")
    ]
    assert marrakech["phones"] == [] and "email" not in marrakech


@pytest.mark.parametrize(
    ("language", "not_recorded"),
    [("fr", "Organisme gestionnaire non renseigné"), ("ar", "الهيئة المسيّرة غير مسجّلة")],
)
def test_the_directorys_own_texts_follow_the_language_asked_for(
    api_client, directory, language, not_recorded
):
    casablanca = directory["casablanca"]
    url = f"{BASE}services/{record_id(SERVICE, casablanca.pk)}"

    service = api_client.get(url, HTTP_ACCEPT_LANGUAGE=language).json()

    assert service["organization"]["name"] == not_recorded
    term = service["attributes"][0]["taxonomy_term"]
    assert term["language"] == language
    assert term["name"] == getattr(casablanca.category, f"name_{language}")
    # What staff wrote is given as they wrote it.
    assert service["name"] == "Centre Anfa"


def test_one_organization_per_managing_body_and_one_for_those_not_recorded(api_client, directory):
    body = api_client.get(f"{BASE}organizations/").json()

    names = [organization["name"] for organization in body["contents"]]
    assert names == ["Managing body not recorded", "Association Tilila", "Entraide Nationale"]
    entraide = body["contents"][2]
    assert entraide["id"] == record_id(ORGANIZATION, "Entraide Nationale")
    detail = api_client.get(f"{BASE}organizations/{entraide['id']}").json()
    assert {service["id"] for service in detail["services"]} == {
        record_id(SERVICE, directory[name].pk) for name in ("rabat", "women-rabat")
    }


def test_centers_that_are_not_listed_are_nowhere(api_client, directory):
    answers = every_answer(api_client)
    text = "".join(response.content.decode() for response in answers.values())

    for name in NOT_LISTED:
        center = directory[name]
        assert center.name_fr not in text
        assert center.managing_organisation not in text
        for kind, path in ((SERVICE, "services"), (LOCATION, "locations")):
            assert record_id(kind, center.pk) not in text
            assert api_client.get(f"{BASE}{path}/{record_id(kind, center.pk)}").status_code == 404
        organization = record_id(ORGANIZATION, center.managing_organisation)
        assert api_client.get(f"{BASE}organizations/{organization}").status_code == 404
    total = api_client.get(f"{BASE}services/").json()["total_items"]
    assert total == len(LISTED) == Center.objects.listed().count()


def test_every_listed_status_has_an_hsds_status():
    assert set(records.STATUS) == set(LISTED_STATUSES)


def test_pages_follow_page_and_per_page_and_link_their_neighbours(api_client, directory):
    response = api_client.get(f"{BASE}services/", {"page": "2", "per_page": "1"})

    body = response.json()
    assert {key: body[key] for key in PAGE_KEYS - {"contents"}} == {
        "total_items": 4,
        "total_pages": 4,
        "page_number": 2,
        "size": 1,
        "first_page": False,
        "last_page": False,
        "empty": False,
    }
    links = dict(
        (link.split("; ")[1], link.split("; ")[0]) for link in response["Link"].split(", ")
    )
    assert page_number(links['rel="next"'][1:-1]) == 3
    assert page_number(links['rel="prev"'][1:-1]) == 1
    assert "per_page=1" in links['rel="next"']
    every = [
        item["id"] for page in pages(api_client, "services") for item in page.json()["contents"]
    ]
    assert every == [record_id(SERVICE, pk) for pk in sorted(directory[n].pk for n in LISTED)]


def test_the_default_page_holds_fifty_and_the_last_page_has_no_next(api_client, directory):
    response = api_client.get(f"{BASE}locations/")

    body = response.json()
    assert body["page_number"] == 1 and body["size"] == 4
    assert body["first_page"] and body["last_page"]
    assert "Link" not in response
    assert api_client.get(f"{BASE}locations/", {"per_page": "3", "page": "2"})["Link"].endswith(
        'rel="prev"'
    )


def test_a_page_beyond_the_last_is_empty_and_links_back_to_the_last(api_client, directory):
    response = api_client.get(f"{BASE}organizations/", {"page": "9", "per_page": "2"})

    body = response.json()
    assert response.status_code == 200
    assert body["contents"] == [] and body["empty"] and body["size"] == 0
    assert body["last_page"] and not body["first_page"]
    assert (body["total_items"], body["total_pages"]) == (3, 2)
    assert next_link(response) is None
    assert response["Link"].endswith('rel="prev"') and "page=2" in response["Link"]


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"page": "0"}, "page"),
        ({"page": "-1"}, "page"),
        ({"page": "two"}, "page"),
        ({"page": "99999999999"}, "page"),
        ({"per_page": "0"}, "per_page"),
        ({"per_page": "101"}, "per_page"),
        ({"per_page": "1.5"}, "per_page"),
    ],
)
@pytest.mark.parametrize("name", list(LISTS))
def test_a_bad_page_is_a_400_problem_naming_the_parameter(
    api_client, directory, name, params, parameter
):
    response = api_client.get(f"{BASE}{name}/", params)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["parameter"] == parameter
    assert problem["type"] == "/api/v1/problems/invalid-parameter"


def test_a_bad_page_is_refused_in_the_users_language(api_client, directory):
    response = api_client.get(f"{BASE}services/", {"per_page": "500"}, HTTP_ACCEPT_LANGUAGE="fr")

    assert response.json()["detail"] == "Indiquez un nombre entier de 1 à 100."


@pytest.mark.parametrize("name", list(DETAILS))
def test_an_unknown_id_is_a_404_problem(api_client, directory, name):
    for path in (f"{BASE}{name}/{uuid.uuid4()}", f"{BASE}{name}/not-a-uuid"):
        response = api_client.get(path)
        assert response.status_code == 404, path
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["type"] == "/api/v1/problems/not-found"


def test_a_centers_records_carry_its_id_and_no_other_kinds(api_client, directory):
    rabat = directory["rabat"]
    ids = {kind: uuid.UUID(record_id(kind, rabat.pk)) for kind in records.CENTER_KINDS}

    assert len(set(ids.values())) == 3
    for kind, identifier in ids.items():
        assert identifier.version == 8 and identifier.variant == uuid.RFC_4122
        assert records.center_id_of(kind, identifier) == rabat.pk
        for other in set(records.CENTER_KINDS) - {kind}:
            assert records.center_id_of(other, identifier) is None
    assert api_client.get(f"{BASE}services/{ids[LOCATION]}").status_code == 404
    assert records.center_id_of(SERVICE, uuid.UUID(record_id(ORGANIZATION, "x"))) is None
    key = records.organization_key_of(uuid.UUID(record_id(ORGANIZATION, "Entraide Nationale")))
    assert key == "Entraide Nationale"


@pytest.mark.parametrize("name", list(LISTS))
def test_a_page_is_a_few_queries_whatever_its_size(
    api_client, directory, django_assert_num_queries, name
):
    # The count, the page, the directory's last change.
    for per_page in ("1", "50"):
        with django_assert_num_queries(3):
            assert api_client.get(f"{BASE}{name}/", {"per_page": per_page}).status_code == 200


def test_a_record_by_id_is_a_few_queries(api_client, directory, django_assert_num_queries):
    rabat = directory["rabat"]
    # The center with its category, its services, its accessibility features.
    for kind, path in ((SERVICE, "services"), (LOCATION, "locations")):
        with django_assert_num_queries(3):
            api_client.get(f"{BASE}{path}/{record_id(kind, rabat.pk)}")
    # The organization's key, then its centers.
    with django_assert_num_queries(2):
        api_client.get(f"{BASE}organizations/{record_id(ORGANIZATION, 'Entraide Nationale')}")


def test_answers_carry_etag_and_last_modified_and_get_304(api_client, directory):
    rabat = directory["rabat"]
    for url in (f"{BASE}services/", f"{BASE}services/{record_id(SERVICE, rabat.pk)}"):
        first = api_client.get(url)
        assert first["ETag"] and first["Last-Modified"]
        assert api_client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
        last_modified = first["Last-Modified"]
        assert api_client.get(url, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304


def test_the_root_says_the_hsds_version_and_where_the_openapi_schema_is(api_client, db):
    body = api_client.get(BASE).json()

    assert body["version"] == "3.0"
    assert api_client.get(body["openapi_url"]).status_code == 200


def test_the_schema_documents_the_hsds_operations_with_hsds_parameters(api_client, db):
    schema = api_client.get("/api/v1/schema/", {"format": "json"}).json()
    hsds = specification_parameters()

    operations = {
        path: methods["get"] for path, methods in schema["paths"].items() if path.startswith(BASE)
    }
    assert set(operations) == {
        BASE,
        f"{BASE}package.zip",
        *(f"{BASE}{name}/" for name in LISTS),
        *(f"{BASE}{name}/{{id}}" for name in DETAILS),
    }
    for path, operation in operations.items():
        assert operation["tags"] == ["hsds"], path
        if path.endswith("/") and path != BASE:
            parameters = {p["name"]: p["schema"]["type"] for p in operation["parameters"]}
            assert parameters == {name: hsds[name] for name in ("page", "per_page")}, path
            assert "400" in operation["responses"] and "304" in operation["responses"]
        if path.endswith("{id}"):
            assert "404" in operation["responses"]


def specification_parameters() -> dict[str, str]:
    parameters = specification.schema("openapi.json")["components"]["parameters"]
    return {name: parameter["schema"]["type"] for name, parameter in parameters.items()}
