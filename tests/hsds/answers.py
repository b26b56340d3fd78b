"""Every JSON answer of the HSDS API, page by page and record by record."""

from urllib.parse import parse_qs, urlsplit

from hsds.specification import BASE_URI

from .schemas import openapi_response

BASE = "/api/v1/hsds/"
# Each list, with the schema of its pages: HSDS's openapi.json gives it for all but the
# locations, whose page is HSDS's Page of location records.
LISTS = {
    "services": openapi_response("/services"),
    "organizations": openapi_response("/organizations"),
    "service_at_locations": openapi_response("/service_at_locations"),
    "locations": {
        "allOf": [{"$ref": BASE_URI + "openapi.json#/components/schemas/Page"}],
        "properties": {
            "contents": {"type": "array", "items": {"$ref": BASE_URI + "location.json"}}
        },
    },
}
# The schema of a record by id. HSDS's openapi.json names the compiled service.json and
# organization.json, which inline the tables whose files are bundled; for a
# service_at_location it names the service's by mistake.
DETAILS = {
    "services": "service.json",
    "organizations": "organization.json",
    "service_at_locations": "service_at_location.json",
    "locations": "location.json",
}
PAGE_KEYS = {
    "total_items",
    "total_pages",
    "page_number",
    "size",
    "first_page",
    "last_page",
    "empty",
    "contents",
}


def next_link(response) -> str | None:
    for link in response.get("Link", "").split(", "):
        if link.endswith('rel="next"'):
            return link[1 : link.index(">")]
    return None


def pages(client, name: str, *, per_page: int = 1, **headers) -> list:
    """The responses of every page of a list, following the Link header's next."""
    responses = []
    url = f"{BASE}{name}/?per_page={per_page}"
    while url:
        response = client.get(url, **headers)
        assert response.status_code == 200, (url, response.content)
        responses.append(response)
        url = next_link(response)
    return responses


def page_number(url: str) -> int:
    return int(parse_qs(urlsplit(url).query)["page"][0])


def every_answer(client, **headers) -> dict[str, object]:
    """{url: response} of the API's root, every page of every list (one record a page)
    and every record by id."""
    answers = {BASE: client.get(BASE, **headers)}
    for name in LISTS:
        for response in pages(client, name, **headers):
            answers[response.wsgi_request.get_full_path()] = response
            for record in response.json()["contents"]:
                url = f"{BASE}{name}/{record['id']}"
                answers[url] = client.get(url, **headers)
    return answers
