"""The public shape of a listed center is declared once (centers/public_shape.py): the
API's JSON and GeoJSON, its CSV, its OpenAPI schema and the site's map data all say
what the declaration says, and a key added in any one of them alone is caught."""

import csv
import io
import json
import re

import pytest
from django.core.cache import cache
from django.db import connection

from centers import public_shape
from centers.public_shape import PublicField
from tests.centers.factories import make_directory

pytestmark = pytest.mark.django_db

URL = "/api/v1/centers/"
RABAT = {"lat": "34.0209", "lon": "-6.8416"}


@pytest.fixture
def directory():
    cache.clear()
    yield make_directory()
    cache.clear()


def declared(*, from_a_point: bool) -> dict:
    """What the declaration says each output holds, read from its fields directly."""
    fields = [f for f in public_shape.all_fields() if from_a_point or not f.from_a_point]
    return {
        "item": [f.key for f in fields],
        "properties": [f.key for f in fields if f not in (public_shape.ID, public_shape.LOCATION)],
        "csv": [header for f in fields for header, _sql in f.csv_columns],
    }


def map_data(client, params: dict) -> dict:
    page = client.get("/fr/", params).content.decode()
    found = re.search(r'<script id="map-centers" type="application/json">(.*?)</script>', page)
    return json.loads(found.group(1))


def disagreements(client) -> list[str]:
    """Every place where an output of the directory differs from the declaration."""
    found = []
    for params, from_a_point in [({}, False), (RABAT, True)]:
        expected = declared(from_a_point=from_a_point)
        items = client.get(URL, {**params, "limit": 10}).json()["results"]
        found += [f"list item: {list(i)}" for i in items if list(i) != expected["item"]]
        features = client.get(URL, {**params, "limit": 10, "format": "geojson"}).json()
        found += [
            f"feature: {list(f['properties'])}"
            for f in features["features"]
            if list(f["properties"]) != expected["properties"] or set(f) != FEATURE_KEYS
        ]
        found += [
            f"list item and feature differ: {item['id']}"
            for item, feature in zip(items, features["features"], strict=True)
            if public_shape.feature_from_item(item) != feature
        ]
        lines = client.get(URL, {**params, "limit": 10, "format": "csv"}).getvalue()
        header = next(csv.reader(io.StringIO(lines.decode("utf-8-sig"))))
        if header != expected["csv"]:
            found.append(f"CSV header: {header}")
        if from_a_point:
            shown = map_data(client, params)["features"]
            if shown != features["features"]:
                found.append("the site's map data is not the API's features")
    schemas = client.get("/api/v1/schema/", {"format": "json"}).json()["components"]["schemas"]
    item_schema = schemas["CenterListItem"]
    if list(item_schema["properties"]) != declared(from_a_point=True)["item"]:
        found.append(f"schema of a list item: {list(item_schema['properties'])}")
    properties_schema = schemas["CenterFeature"]["properties"]["properties"]
    if list(properties_schema["properties"]) != declared(from_a_point=True)["properties"]:
        found.append(f"schema of a feature: {list(properties_schema['properties'])}")
    for name in ("CenterListItem", "CenterPage", "CenterFeatureCollection"):
        if schemas[name].get("additionalProperties") is not False:
            found.append(f"schema {name} allows undeclared keys")
    return found


FEATURE_KEYS = {"type", "id", "geometry", "properties"}


def test_every_output_says_what_the_declaration_says(client, directory):
    assert disagreements(client) == []


def test_a_key_added_to_the_database_function_alone_is_caught(client, directory):
    sql = public_shape.functions_sql().replace(
        "json_build_object('slug'", "json_build_object('extra', 1, 'slug'"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)  # rolled back with the test's transaction

    found = disagreements(client)

    assert any(line.startswith("list item:") for line in found)
    assert any(line.startswith("feature:") for line in found)


def test_a_key_added_to_the_schema_alone_is_caught(client, directory, monkeypatch):
    schema = public_shape.list_item_schema()
    schema["properties"]["extra"] = {"type": "string"}
    monkeypatch.setattr(public_shape, "list_item_schema", lambda: schema)

    assert disagreements(client) == [f"schema of a list item: {list(schema['properties'])}"]


def test_a_column_added_to_the_csv_alone_is_caught(client, directory, monkeypatch):
    columns = public_shape.csv_columns
    monkeypatch.setattr(
        public_shape, "csv_columns", lambda **kwargs: [*columns(**kwargs), ("extra", "1")]
    )

    found = disagreements(client)

    assert found and all(line.startswith("CSV header:") for line in found)


def test_a_key_added_to_the_map_data_alone_is_caught(client, directory, monkeypatch):
    from public_site import views

    feature_of = views.feature_from_item

    def with_extra(item):
        feature = feature_of(item)
        feature["properties"]["extra"] = 1
        return feature

    monkeypatch.setattr(views, "feature_from_item", with_extra)

    assert disagreements(client) == ["the site's map data is not the API's features"]


def test_a_field_declared_once_reaches_every_output_with_its_nulls(client, directory, monkeypatch):
    capacity = PublicField(
        "capacity", "c.capacity", {"type": "integer"}, nullable=True, description="Places."
    )
    monkeypatch.setattr(public_shape, "PROPERTIES", [*public_shape.PROPERTIES, capacity])
    public_shape.functions_create()  # rolled back with the test's transaction
    directory["rabat"].capacity = 40
    directory["rabat"].save()

    assert disagreements(client) == []
    items = {i["slug"]: i for i in client.get(URL).json()["results"]}
    # A null is a value of the shape: the key is there, not left out.
    assert items[directory["rabat"].slug]["capacity"] == 40
    assert items[directory["casablanca"].slug]["capacity"] is None
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    assert schema["components"]["schemas"]["CenterListItem"]["properties"]["capacity"] == {
        "type": "integer",
        "description": "Places.",
        "nullable": True,
    }


def test_the_functions_follow_the_models_names_on_every_migrate():
    """They are written from the declaration by the migrate command (post_migrate), not
    by a migration: the database holds exactly the declared text."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT prosrc FROM pg_proc WHERE proname = %(name)s",
            {"name": public_shape.PROPERTIES_FUNCTION},
        )
        (body,) = cursor.fetchone()
    assert body.strip() in public_shape.functions_sql()
    assert "json_strip_nulls" not in body
