"""The HSDS 3 schema files bundled in hsds/schema/ (their source and licence: SOURCE.md,
LICENSE beside them), read once from there: the project needs nothing else of HSDS."""

import json
from functools import cache
from pathlib import Path

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
# Where Open Referral publishes them: their relative `$ref`s resolve against it, and
# HSDS's openapi.json names them by it.
BASE_URI = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"
VERSION = "3.0"
ATTRIBUTION = (
    "Human Services Data Specification: an Open Referral resource (https://openreferral.org/)"
)
LICENCE_URL = "https://creativecommons.org/licenses/by-sa/4.0/"


@cache
def schema(path: str) -> dict:
    """A bundled file, by its path under hsds/schema/ (`service.json`,
    `compiled/tabular.json`)."""
    return json.loads((SCHEMA_DIR / path).read_text(encoding="utf-8"))


def table(name: str) -> dict:
    """A table of the tabular format (compiled/tabular.json), by its name."""
    return schema("compiled/tabular.json")["properties"][name]["items"]


def columns(table: dict) -> list[dict]:
    """The properties of a table that are columns of its CSV file: those with
    constraints (a nested record or list has none)."""
    return [prop for prop in table["properties"].values() if "constraints" in prop]


def required(table: dict) -> list[str]:
    """What a row of the table must hold: HSDS's `required`, and `tabular_required` (the
    keys that a nested record takes from its parent)."""
    return [*table.get("required", []), *table.get("tabular_required", [])]
