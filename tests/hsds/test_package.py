"""The tabular package: a zip of one CSV per HSDS table and a datapackage.json that
follows the bundled compiled/tabular.json; every row, read with its field's type,
validates against its table's JSON Schema; every reference resolves; the rows are the
API's records; HTTP caching."""

import csv
import io
import json
import zipfile

import pytest

from centers.services import center_archive
from hsds import package, specification
from hsds.api import PACKAGE_FILENAME

from .answers import BASE, pages
from .directory import LISTED
from .schemas import errors

pytestmark = pytest.mark.django_db

URL = f"{BASE}package.zip"
# The texts HSDS requires that the directory does not record: empty, never made up.
EMPTY_REQUIRED_TEXTS = {
    ("organization", "description"),
    ("address", "postal_code"),
    ("taxonomy_term", "description"),
}


def download(client, **headers):
    response = client.get(URL, **headers)
    assert response.status_code == 200
    return response, b"".join(response.streaming_content)


@pytest.fixture
def zipped(api_client, directory) -> zipfile.ZipFile:
    _response, content = download(api_client)
    return zipfile.ZipFile(io.BytesIO(content))


def descriptor(archive: zipfile.ZipFile) -> dict:
    return json.loads(archive.read("datapackage.json"))


def rows(archive: zipfile.ZipFile, resource: dict) -> tuple[list[str], list[dict]]:
    text = archive.read(resource["path"]).decode("utf-8")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader)
    return header, [dict(zip(header, row, strict=True)) for row in reader]


def typed(row: dict, resource: dict, table: dict) -> dict:
    """A row as the JSON record its fields' types say: a number is a number; an empty
    cell is no value, but for a text the table requires, which is an empty text."""
    required = set(specification.required(table))
    record = {}
    for field in resource["schema"]["fields"]:
        cell = row[field["name"]]
        if cell == "":
            if field["type"] == "string" and field["name"] in required:
                record[field["name"]] = ""
        elif field["type"] == "number":
            record[field["name"]] = float(cell)
        else:
            record[field["name"]] = cell
    return record


def test_the_package_is_a_zip_of_a_datapackage_and_one_csv_per_table(api_client, directory):
    response, content = download(api_client)

    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == f'attachment; filename="{PACKAGE_FILENAME}"'
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert archive.testzip() is None
        names = archive.namelist()
    assert names[0] == "datapackage.json"
    assert set(names[1:]) == {specification.table(name)["path"] for name in package.TABLES}
    assert {"organizations.csv", "services.csv", "locations.csv", "addresses.csv"} <= set(names)


def test_the_datapackage_follows_the_tabular_descriptor(zipped):
    package_descriptor = descriptor(zipped)

    assert package_descriptor["profile"] == "tabular-data-package"
    assert "Open Referral" in package_descriptor["description"]
    resources = package_descriptor["resources"]
    orders = [specification.table(r["name"])["datapackage_metadata"]["order"] for r in resources]
    assert orders == sorted(orders)
    for resource in resources:
        table = specification.table(resource["name"])
        metadata = table["datapackage_metadata"]
        assert (resource["path"], resource["description"]) == (table["path"], table["description"])
        assert (resource["profile"], resource["format"], resource["mediatype"]) == (
            metadata["profile"],
            metadata["format"],
            metadata["mediatype"],
        )
        columns = [
            p for p in table["properties"].values() if p.get("type") != "array" and "$ref" not in p
        ]
        fields = resource["schema"]["fields"]
        assert [f["name"] for f in fields] == [p["name"] for p in columns]
        required = set(table.get("required", [])) | set(table.get("tabular_required", []))
        for field, prop in zip(fields, columns, strict=True):
            assert field["type"] == prop.get("datapackage_type", prop["type"])
            assert field.get("format") == (
                None if "datapackage_type" in prop else prop.get("format")
            )
            assert field["constraints"]["required"] == (prop["name"] in required)
            assert field["constraints"]["unique"] == prop["constraints"]["unique"]
            assert field["constraints"].get("enum") == prop.get("enum")
            assert (field["title"], field["description"]) == (prop["title"], prop["description"])
        assert resource["schema"]["primaryKey"] == "id"
        names = {r["name"] for r in resources}
        for key in resource["schema"].get("foreignKeys", []):
            assert key["reference"]["resource"] in names
            assert key["fields"] == f"{key['reference']['resource']}_id"


def test_every_csv_header_is_its_resources_fields(zipped):
    for resource in descriptor(zipped)["resources"]:
        header, _rows = rows(zipped, resource)

        assert header == [field["name"] for field in resource["schema"]["fields"]]


def test_every_row_read_with_its_types_validates_against_its_tables_schema(zipped):
    counts = {}
    empty_required = set()
    for resource in descriptor(zipped)["resources"]:
        table = specification.table(resource["name"])
        _header, table_rows = rows(zipped, resource)
        counts[resource["name"]] = len(table_rows)
        for number, row in enumerate(table_rows, start=1):
            record = typed(row, resource, table)

            assert errors(table, record) == [], (resource["path"], number)
            missing = [key for key in table.get("tabular_required", []) if key not in record]
            assert missing == [], (resource["path"], number)
            empty_required |= {
                (resource["name"], key) for key, value in record.items() if value == ""
            }

    assert empty_required == EMPTY_REQUIRED_TEXTS
    assert counts["service"] == counts["location"] == counts["service_at_location"] == len(LISTED)
    # The Rabat center's two numbers and the Salé women's space's one.
    assert counts["phone"] == 3
    # Rabat and Casablanca: the women's spaces have no public address.
    assert counts["address"] == 2
    assert counts["organization"] == 3
    assert counts["taxonomy"] == 2


def test_every_reference_in_the_package_is_to_a_row_in_it(zipped):
    resources = descriptor(zipped)["resources"]
    ids = {r["name"]: {row["id"] for row in rows(zipped, r)[1]} for r in resources}
    for resource in resources:
        _header, table_rows = rows(zipped, resource)
        for key in resource["schema"].get("foreignKeys", []):
            referenced = ids[key["reference"]["resource"]]
            values = {row[key["fields"]] for row in table_rows} - {""}
            assert values <= referenced, (resource["name"], key["fields"])
    attributes = rows(zipped, next(r for r in resources if r["name"] == "attribute"))[1]
    assert {row["link_id"] for row in attributes} <= ids["service"]


def test_the_rows_are_the_apis_records(api_client, zipped):
    resources = {r["name"]: r for r in descriptor(zipped)["resources"]}
    for name, path in (("service", "services"), ("location", "locations")):
        table = specification.table(name)
        in_package = {
            row["id"]: typed(row, resources[name], table)
            for row in rows(zipped, resources[name])[1]
        }
        columns = [f["name"] for f in resources[name]["schema"]["fields"]]
        from_api = {
            item["id"]: {key: value for key, value in item.items() if key in columns}
            for page in pages(api_client, path, per_page=50)
            for item in page.json()["contents"]
        }
        assert in_package == from_api


def test_the_same_directory_makes_the_same_bytes_and_a_304(api_client, directory):
    first, content = download(api_client)
    again, same = download(api_client)

    assert content == same and first["ETag"] == again["ETag"]
    assert first["Last-Modified"]
    assert api_client.get(URL, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert api_client.get(URL, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304


def test_a_copy_still_current_costs_no_build_and_a_change_gives_a_new_package(
    api_client, directory, monkeypatch
):
    first, _content = download(api_client)

    def no_build(*args, **kwargs):
        raise AssertionError("a 304 builds no package")

    with monkeypatch.context() as patched:
        patched.setattr(package, "package_write", no_build)
        assert api_client.get(URL, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    center_archive(user=None, center=directory["rabat"])
    changed = api_client.get(URL, HTTP_IF_NONE_MATCH=first["ETag"])

    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]
    assert "Content-Encoding" not in api_client.get(URL, HTTP_ACCEPT_ENCODING="gzip")


def test_the_package_is_read_in_chunks_in_a_few_queries(
    api_client, directory, monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr(package, "CHUNK", 2)
    # The directory's last change and state (its ETag), the savepoint around the build
    # (its transaction, within the test's), the cursor the centers come through, then for
    # each of the two chunks their services and accessibility features.
    with django_assert_num_queries(2 + 2 + 1 + 2 * 2):
        _response, content = download(api_client)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert len(rows(archive, descriptor(archive)["resources"][1])[1]) == len(LISTED)


def test_an_empty_directory_is_a_package_of_empty_tables(api_client, db):
    _response, content = download(api_client)

    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for resource in descriptor(archive)["resources"]:
            expected = 2 if resource["name"] == "taxonomy" else 0
            assert len(rows(archive, resource)[1]) == expected, resource["name"]
