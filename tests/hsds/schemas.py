"""The official HSDS 3 JSON Schemas bundled in hsds/schema/, as validators.

Every file is registered under the address Open Referral publishes it at, so that the
relative `$ref`s between them, and HSDS's openapi.json naming them by that address,
resolve to the bundled copies: the registry has no way to fetch anything else, and an
unknown reference fails the validation. Formats are checked, uuid, email, date-time and
uri included."""

import datetime
import json
from urllib.parse import urlsplit

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from hsds.specification import BASE_URI, SCHEMA_DIR


def _registry() -> Registry:
    resources = [
        (
            BASE_URI + path.relative_to(SCHEMA_DIR).as_posix(),
            Resource.from_contents(
                json.loads(path.read_text(encoding="utf-8")), default_specification=DRAFT202012
            ),
        )
        for path in sorted(SCHEMA_DIR.rglob("*.json"))
    ]
    return Registry().with_resources(resources)


REGISTRY = _registry()

FORMATS = FormatChecker()


@FORMATS.checks("date-time", raises=ValueError)
def _date_time(value) -> bool:
    if not isinstance(value, str):
        return True
    date, _t, time = value.partition("T")
    datetime.date.fromisoformat(date)
    return bool(time) and datetime.datetime.fromisoformat(value) is not None


@FORMATS.checks("uri", raises=ValueError)
def _uri(value) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(parts.scheme and parts.netloc)


def validator(schema: str | dict) -> Draft202012Validator:
    """A validator of the schema at this reference (a path under hsds/schema/, with a
    JSON pointer after # if need be), or of a schema made of such references."""
    if isinstance(schema, str):
        schema = {"$ref": BASE_URI + schema}
    return Draft202012Validator(schema, registry=REGISTRY, format_checker=FORMATS)


def errors(schema: str | dict, instance) -> list[str]:
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator(schema).iter_errors(instance)
    ]


def openapi_response(path: str) -> str:
    """The reference of the 200 answer's schema of an operation of HSDS's openapi.json."""
    escaped = path.replace("~", "~0").replace("/", "~1")
    return f"openapi.json#/paths/{escaped}/get/responses/200/content/application~1json/schema"
