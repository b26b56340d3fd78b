"""The OpenAPI shapes of the HSDS answers, for drf-spectacular, derived from the bundled
schema files: each record's keys with their types, formats, enumerations and
descriptions (HSDS's own, CC BY-SA 4.0: hsds/schema/SOURCE.md); nested records are
followed to a depth without their descriptions (the schema would weigh half a megabyte
with them), and given as plain objects beyond it. The tests validate the answers against
the official JSON Schemas themselves (tests/hsds/)."""

import copy

from . import specification

_KEYWORDS = ("type", "format", "enum", "description")


def record(schema: dict, *, depth: int, described: bool = True) -> dict:
    shape: dict = {"type": "object"}
    if described and "description" in schema:
        shape["description"] = schema["description"]
    if schema.get("required"):
        shape["required"] = list(schema["required"])
    shape["properties"] = {
        name: _value(prop, depth=depth, described=described)
        for name, prop in schema["properties"].items()
    }
    return shape


def _value(prop: dict, *, depth: int, described: bool) -> dict:
    shape: dict
    if "$ref" in prop:
        shape = _nested(prop["$ref"], depth=depth)
    elif prop.get("type") == "array":
        items = prop["items"]
        nested = _nested(items["$ref"], depth=depth) if "$ref" in items else {"type": "object"}
        shape = {"type": "array", "items": nested}
    elif "properties" in prop:
        shape = record(prop, depth=depth, described=False)
    else:
        shape = {key: copy.deepcopy(prop[key]) for key in _KEYWORDS if key in prop}
    if described and "description" in prop:
        shape["description"] = prop["description"]
    elif not described:
        shape.pop("description", None)
    return shape


def _nested(path: str, *, depth: int) -> dict:
    """A record of another file (`phone.json`), or an object beyond the depth."""
    if depth == 0:
        return {"type": "object"}
    return record(specification.schema(path), depth=depth - 1, described=False)


def list_item(path: str) -> dict:
    """The item of a paged list, as a compiled list file gives it."""
    return record(specification.schema(path), depth=0)


def detail(path: str) -> dict:
    """A record with its nested ones (their own nested ones as plain objects)."""
    return record(specification.schema(path), depth=1)


def page(item: dict) -> dict:
    """HSDS's page (openapi.json's Page) of these items."""
    fields = specification.schema("openapi.json")["components"]["schemas"]["Page"]["properties"]
    return {
        "type": "object",
        "required": [*fields, "contents"],
        "properties": {**copy.deepcopy(fields), "contents": {"type": "array", "items": item}},
    }
