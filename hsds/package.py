"""The directory as an HSDS 3 tabular package: a zip of one CSV file per HSDS table and a
`datapackage.json` (Frictionless Data Package) describing them, derived from the bundled
compiled/tabular.json as Open Referral's own tools derive theirs: every column of a
table in the specification's order, its type (`datapackage_type` where there is one),
format, constraints (required: HSDS's `required` and `tabular_required`), and foreign
keys for the columns `<table>_id` of the tables the package holds.

The rows are those of hsds/records.py. The centers are read in chunks through a
server-side cursor and each table is written to a temporary file as they come, so that
the directory is never held in memory at once; the organizations and taxonomy terms are
those the centers refer to, collected on the way, so that every reference in the package
is to a row in it.

Values are written as they are: the package is for programs that exchange directories,
which must read back what was written, so that text is not quoted against spreadsheet
formulas as the centers CSV is (centers/sheets.py).
"""

import contextlib
import csv
import datetime
import functools
import hashlib
import io
import json
import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import IO

from . import records, specification

# Centers fetched at a time from the database.
CHUNK = 2000

# The HSDS tables of the package.
TABLES = [
    "organization",
    "service",
    "attribute",
    "service_at_location",
    "location",
    "phone",
    "address",
    "schedule",
    "accessibility",
    "taxonomy_term",
    "taxonomy",
]

# The rows a center gives each table.
_ROWS_OF_A_CENTER = {
    "service": lambda center: [records.service(center)],
    "attribute": records.attributes,
    "service_at_location": lambda center: [records.service_at_location_link(center)],
    "location": lambda center: [records.location(center)],
    "phone": records.phones,
    "address": records.addresses,
    "schedule": records.schedules,
    "accessibility": records.accessibility,
}

DESCRIPTION = (
    "The centers listed in the directory of social centers of Morocco, in the tables of the "
    "Human Services Data Specification (HSDS) 3. Positions and addresses are those the "
    "public may know: a center of a sensitive category is at its commune's reference point, "
    "without an address. The descriptions of the tables and fields are those of HSDS: "
    f"{specification.ATTRIBUTION}, licensed under CC BY-SA 4.0 ({specification.LICENCE_URL})."
)


def _tables() -> list[str]:
    return sorted(
        TABLES, key=lambda name: specification.table(name)["datapackage_metadata"]["order"]
    )


def _field(prop: dict, *, required: bool) -> dict:
    field = {"name": prop["name"]}
    if "datapackage_type" in prop:
        field["type"] = prop["datapackage_type"]
    else:
        field["type"] = prop["type"]
        if "format" in prop:
            field["format"] = prop["format"]
    field["title"] = prop["title"]
    field["description"] = prop["description"]
    constraints = {"required": required, "unique": prop["constraints"]["unique"]}
    if "enum" in prop:
        constraints["enum"] = prop["enum"]
    field["constraints"] = constraints
    return field


def resource(name: str) -> dict:
    """The Data Package resource of one table."""
    table = specification.table(name)
    required = specification.required(table)
    columns = specification.columns(table)
    metadata = table["datapackage_metadata"]
    schema = {
        "fields": [_field(prop, required=prop["name"] in required) for prop in columns],
        "primaryKey": "id",
    }
    foreign_keys = [
        {"fields": prop["name"], "reference": {"resource": prop["name"][:-3], "fields": "id"}}
        for prop in columns
        if prop["name"].endswith("_id") and prop["name"][:-3] in TABLES
    ]
    if foreign_keys:
        schema["foreignKeys"] = foreign_keys
    return {
        "name": name,
        "path": table["path"],
        "description": table["description"],
        "profile": metadata["profile"],
        "format": metadata["format"],
        "mediatype": metadata["mediatype"],
        "encoding": "utf-8",
        "schema": schema,
    }


def datapackage() -> dict:
    return {
        "profile": "tabular-data-package",
        "name": "morocco-social-centers-hsds",
        "title": "Social centers of Morocco (HSDS 3)",
        "description": DESCRIPTION,
        "resources": [resource(name) for name in _tables()],
    }


class _Table:
    """One table's CSV, written row by row to a temporary file."""

    def __init__(self, name: str, file: IO[bytes]):
        self.file = io.TextIOWrapper(file, encoding="utf-8", newline="")
        self.names = [prop["name"] for prop in specification.columns(specification.table(name))]
        self.writer = csv.writer(self.file)
        self.writer.writerow(self.names)

    def write(self, row: dict) -> None:
        self.writer.writerow(["" if row.get(name) is None else row[name] for name in self.names])


def package_write(output: IO[bytes], *, centers, modified: datetime.datetime) -> None:
    """Writes the zip of the centers (`records.listed_centers()`) to `output`. Its files
    are dated `modified` (the directory's last public change): the same data make the
    same bytes."""
    with contextlib.ExitStack() as files:
        tables = {
            name: _Table(name, files.enter_context(tempfile.TemporaryFile())) for name in TABLES
        }
        organizations: set[str] = set()
        terms: dict[str, dict] = {}
        for center in records.with_details(centers).iterator(chunk_size=CHUNK):
            organizations.add(center.organization_key)
            for name, rows_of in _ROWS_OF_A_CENTER.items():
                for row in rows_of(center):
                    tables[name].write(row)
                    if name == "attribute":
                        terms[row["taxonomy_term_id"]] = row["taxonomy_term"]
        for key in sorted(organizations):
            tables["organization"].write(records.organization(key))
        for term in sorted(terms.values(), key=lambda term: term["id"]):
            tables["taxonomy_term"].write(term)
        for taxonomy in records.taxonomies():
            tables["taxonomy"].write(taxonomy)
        date_time = modified.astimezone(datetime.UTC).timetuple()[:6]
        with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
            descriptor = json.dumps(datapackage(), ensure_ascii=False, indent=2)
            archive.writestr(_entry("datapackage.json", date_time), descriptor)
            for name in _tables():
                written = tables[name].file
                written.flush()
                written.buffer.seek(0)
                entry = _entry(specification.table(name)["path"], date_time)
                with archive.open(entry, "w") as member:
                    shutil.copyfileobj(written.buffer, member)


def _entry(path: str, date_time) -> zipfile.ZipInfo:
    entry = zipfile.ZipInfo(path, date_time=date_time)
    entry.compress_type = zipfile.ZIP_DEFLATED
    return entry


@functools.cache
def _code_digest() -> str:
    source = b"".join(Path(path).read_bytes() for path in (records.__file__, __file__))
    return hashlib.sha256(source).hexdigest()[:16]


def written_as(language: str) -> str:
    """What, besides the centers, the package's bytes depend on: the code that writes it
    and the language of the directory's own texts (for its ETag)."""
    return f"hsds-package {language} {_code_digest()}"


def package_file(*, centers, modified: datetime.datetime) -> IO[bytes]:
    """The zip in a temporary file, at its start."""
    # Closed by the caller: the response that sends it.
    output = tempfile.TemporaryFile()  # noqa: SIM115
    try:
        package_write(output, centers=centers, modified=modified)
        output.seek(0)
    except BaseException:
        output.close()
        raise
    return output
