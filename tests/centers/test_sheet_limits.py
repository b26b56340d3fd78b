"""A sheet whose size alone would take the process far beyond an import's needs is
refused at once, in little memory: an XLSX file whose shared texts unpack to a
gigabyte, one that declares 16,384 columns, 4,990 rows of 2,000 cells (XLSX and CSV).
Each file is built here, streamed into its archive so that the test never holds it
unpacked, and refused by `read_sheet` and by the import command in processes of their
own, which measure their peak memory and their time. Sheets within the bounds still
import."""

import csv
import io
import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.utils import translation
from openpyxl.utils import get_column_letter

from centers import sheets
from centers.imports import centers_import
from centers.management.commands.import_centers import COMMAND_MAX_BYTES, COMMAND_MAX_ROWS
from centers.models import Center

from .factories import (
    CASABLANCA,
    RABAT_HASSAN_TOWER,
    SALE,
    AccessibilityFeatureFactory,
    CategoryFactory,
    ServiceFactory,
)

pytestmark = pytest.mark.django_db

REFUSAL_SECONDS = 2
PEAK_MB = 300
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
WORKSHEET = "xl/worksheets/sheet1.xml"
SHARED_STRINGS = "xl/sharedStrings.xml"
SHARED_STRINGS_TYPE = (
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
)
WIDE_ROWS, WIDE_CELLS = 4990, 2000

# Reads each sheet named after it in turn and prints, for each, what read_sheet found,
# its time and the process's peak memory so far (ru_maxrss: kilobytes on Linux).
READ = """
import json, resource, sys, time
import django
django.setup()
from django.utils import translation
from centers import sheets
translation.activate("en")
found = {}
for path in sys.argv[1:]:
    with open(path, "rb") as file:
        data = file.read()
    started = time.perf_counter()
    rows, errors = sheets.read_sheet(data, path)
    found[path] = {
        "rows": len(rows),
        "errors": [str(error) for error in errors],
        "seconds": time.perf_counter() - started,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
print(json.dumps(found))
"""
# Runs the command given after it as its only child, then prints its exit status, its
# output, its time and its peak memory. A process started by pytest itself would count
# pytest's memory in its own peak: it begins as a copy of pytest.
RUN = """
import json, resource, subprocess, sys, time
started = time.perf_counter()
child = subprocess.run(sys.argv[1:], capture_output=True, text=True)
print(json.dumps({
    "status": child.returncode,
    "stdout": child.stdout,
    "stderr": child.stderr,
    "seconds": time.perf_counter() - started,
    "peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
}))
"""


@pytest.fixture(autouse=True)
def taxonomy():
    CategoryFactory(code="disability", name_fr="Handicap")
    CategoryFactory(code="women", name_fr="Femmes", sensitive=True)
    ServiceFactory(code="orientation")
    ServiceFactory(code="legal-aid")
    AccessibilityFeatureFactory(code="step-free-access")


def workbook(
    path: Path,
    worksheet: Iterable[bytes],
    shared_strings: Iterable[bytes] | None = None,
    *,
    compresslevel: int = 1,
) -> Path:
    """An XLSX file: the parts of the template, with this worksheet and these shared
    texts, each streamed into the archive chunk by chunk."""
    template = zipfile.ZipFile(io.BytesIO(sheets.write_xlsx([])))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as archive:
        for part in template.infolist():
            content = template.read(part)
            if part.filename == "[Content_Types].xml" and shared_strings is not None:
                content = content.replace(b"</Types>", SHARED_STRINGS_TYPE.encode() + b"</Types>")
            if part.filename != WORKSHEET:
                archive.writestr(part.filename, content)
        streamed = [(WORKSHEET, worksheet)]
        if shared_strings is not None:
            streamed.append((SHARED_STRINGS, shared_strings))
        for name, chunks in streamed:
            with archive.open(name, "w") as part:
                for chunk in chunks:
                    part.write(chunk)
    return path


def worksheet_xml(
    rows: Iterable[bytes], *, dimension: str = "", doctype: str = "", namespaces: str = ""
) -> Iterator[bytes]:
    yield f'<?xml version="1.0" encoding="UTF-8"?>{doctype}'.encode()
    yield f'<worksheet xmlns="{MAIN}"{namespaces}>'.encode()
    if dimension:
        yield f'<dimension ref="{dimension}"/>'.encode()
    yield b"<sheetData>"
    yield from rows
    yield b"</sheetData></worksheet>"


def text_cells(values: Iterable[str]) -> bytes:
    return "".join(f'<c t="inlineStr"><is><t>{value}</t></is></c>' for value in values).encode()


def header_row() -> bytes:
    return b"<row>" + text_cells(sheets.COLUMN_NAMES) + b"</row>"


def gigabyte_of_shared_text() -> Iterator[bytes]:
    """One shared text of 1 GiB, truthfully declared as one."""
    yield f'<sst xmlns="{MAIN}" count="1" uniqueCount="1"><si><t>'.encode()
    megabyte = b"a" * 2**20
    for _megabyte in range(1024):
        yield megabyte
    yield b"</t></si></sst>"


def wide_rows(count: int = WIDE_ROWS) -> Iterator[bytes]:
    row = b"<row>" + b"<c><v>1</v></c>" * WIDE_CELLS + b"</row>"
    for _row in range(count):
        yield row


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("hostile")
    one_cell_rows = (b"<row>" + text_cells(["x"]) + b"</row>" for _row in range(5001))
    wide_csv = folder / "wide-rows.csv"
    with wide_csv.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        blanks = [""] * (WIDE_CELLS - len(sheets.COLUMN_NAMES))
        writer.writerow([*sheets.COLUMN_NAMES, *blanks])
        writer.writerows([f"r-{n}", "", f"Centre {n}", "disability", *blanks] for n in range(4989))
    return {
        "shared-strings-bomb.xlsx": workbook(
            folder / "shared-strings-bomb.xlsx",
            worksheet_xml([header_row()]),
            gigabyte_of_shared_text(),
            compresslevel=9,
        ),
        "dimension-bomb.xlsx": workbook(
            folder / "dimension-bomb.xlsx",
            worksheet_xml([header_row(), *one_cell_rows], dimension="A1:XFD5002"),
            compresslevel=9,
        ),
        "wide-rows.xlsx": workbook(
            folder / "wide-rows.xlsx",
            worksheet_xml(wide_rows(), dimension=f"A1:{get_column_letter(WIDE_CELLS)}{WIDE_ROWS}"),
            compresslevel=9,
        ),
        "wide-rows.csv": wide_csv,
    }


HOSTILE = {
    "shared-strings-bomb.xlsx": "file: Unpacked, this workbook would take more than 256 MB",
    "dimension-bomb.xlsx": "file: More than 64 columns",
    "wide-rows.xlsx": "file: More than 64 columns",
    "wide-rows.csv": "line 1: More than 64 columns",
}


def test_the_hostile_files_are_as_reported(hostile):
    sizes = {name: path.stat().st_size for name, path in hostile.items()}
    with zipfile.ZipFile(hostile["shared-strings-bomb.xlsx"]) as archive:
        unpacked = archive.getinfo(SHARED_STRINGS).file_size

    assert sizes["shared-strings-bomb.xlsx"] < 1.1 * 2**20 and unpacked > 2**30
    assert sizes["dimension-bomb.xlsx"] < 10 * 1024
    assert sizes["wide-rows.xlsx"] < 400 * 1024
    assert all(size < sheets.MAX_FILE_BYTES for size in sizes.values())


def child_environment() -> dict[str, str]:
    """The test settings and the test database (set up by then), for a process of its
    own."""
    database = connection.settings_dict
    user = quote(database["USER"]) + (
        f":{quote(database['PASSWORD'])}" if database["PASSWORD"] else ""
    )
    port = f":{database['PORT']}" if database["PORT"] else ""
    if database["HOST"].startswith("/"):
        url = f"postgis://{user}@{port}/{quote(database['HOST'], safe='')}/{database['NAME']}"
    else:
        url = f"postgis://{user}@{database['HOST']}{port}/{database['NAME']}"
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "geo_directory.settings.test",
        "DATABASE_URL": url,
    }


def in_own_process(*command: str) -> dict:
    """The command's exit status, output, time and peak memory, run in a process of its
    own, started by a small one."""
    done = subprocess.run(
        [sys.executable, "-c", RUN, *command],
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        env=child_environment(),
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def read_in_own_process(hostile, django_db_setup) -> dict[str, dict]:
    """Each hostile file as read_sheet refuses it, one after the other in one process."""
    run = in_own_process(sys.executable, "-c", READ, *map(str, hostile.values()))
    assert run["status"] == 0, run["stderr"]
    found = json.loads(run["stdout"])
    return {name: found[str(path)] for name, path in hostile.items()}


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_sheet_is_refused_at_once_in_little_memory(hostile, read_in_own_process, name):
    path = hostile[name]

    read = read_in_own_process[name]

    assert read["rows"] == 0 and len(read["errors"]) == 1
    assert read["errors"][0].startswith(HOSTILE[name])
    assert read["seconds"] < REFUSAL_SECONDS, read
    assert read["peak_mb"] < PEAK_MB, read
    # The check that a web request makes before handing the file to a job says the same.
    assert [str(error) for error in sheets.inspect_sheet(path.read_bytes(), path.name)] == (
        read["errors"]
    )


# Posts each sheet named after it to the staff import page, as a national administrator,
# in one process standing for a web worker: what the page said, its time, the process's
# peak memory, and how many jobs were queued. Nothing is kept (one transaction, undone).
UPLOAD = """
import json, resource, sys, time
import django
django.setup()
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.test.utils import setup_test_environment
from sheet_jobs.models import SheetJob
setup_test_environment()
found = {}
with transaction.atomic():
    client = Client()
    client.force_login(get_user_model().objects.create_superuser("limits", password="x" * 20))
    for path in sys.argv[1:]:
        with open(path, "rb") as file:
            sheet = SimpleUploadedFile(path.rsplit("/", 1)[-1], file.read())
        started = time.perf_counter()
        response = client.post("/en/admin/centers/center/import/", {"sheet": sheet})
        found[path] = {
            "status": response.status_code,
            "page": response.content.decode(),
            "seconds": time.perf_counter() - started,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "jobs": SheetJob.objects.count(),
        }
    transaction.set_rollback(True)
print(json.dumps(found))
"""


@pytest.fixture(scope="module")
def uploaded_in_own_process(hostile, django_db_setup) -> dict[str, dict]:
    run = in_own_process(sys.executable, "-c", UPLOAD, *map(str, hostile.values()))
    assert run["status"] == 0, run["stderr"]
    found = json.loads(run["stdout"])
    return {name: found[str(path)] for name, path in hostile.items()}


@pytest.mark.parametrize("name", HOSTILE)
def test_the_staff_import_page_refuses_a_hostile_sheet_at_once_in_little_memory(
    uploaded_in_own_process, name
):
    upload = uploaded_in_own_process[name]

    assert upload["status"] == 200 and upload["jobs"] == 0
    assert HOSTILE[name].split(": ", 1)[1] in upload["page"]
    assert upload["seconds"] < REFUSAL_SECONDS, upload["seconds"]
    assert upload["peak_mb"] < PEAK_MB, upload["peak_mb"]


@pytest.fixture(scope="module")
def command_start_seconds(tmp_path_factory, django_db_setup) -> float:
    """The time the command takes to start and refuse a sheet of two unknown columns."""
    sheet = tmp_path_factory.mktemp("start") / "unknown.csv"
    sheet.write_text("name,colour\nx,y\n")
    return import_command(sheet)["seconds"]


def import_command(sheet: Path) -> dict:
    return in_own_process(sys.executable, "manage.py", "import_centers", str(sheet), "--dry-run")


@pytest.mark.parametrize("name", HOSTILE)
def test_the_import_command_refuses_a_hostile_sheet_at_once_in_little_memory(
    hostile, name, command_start_seconds
):
    path = hostile[name]
    with translation.override(settings.LANGUAGE_CODE):
        [refusal] = sheets.inspect_sheet(
            path.read_bytes(), path.name, max_rows=COMMAND_MAX_ROWS, max_bytes=COMMAND_MAX_BYTES
        )
        refusal = str(refusal)

    command = import_command(path)

    assert command["status"] == 1
    assert refusal in command["stderr"] and "nothing imported" in command["stderr"]
    assert command["seconds"] < command_start_seconds + REFUSAL_SECONDS, command
    assert command["peak_mb"] < PEAK_MB, command


def test_a_worksheet_that_declares_no_dimension_is_refused_by_its_counted_cells(tmp_path):
    path = workbook(tmp_path / "wide.xlsx", worksheet_xml(wide_rows(10)))

    [refusal] = sheets.inspect_sheet(path.read_bytes(), path.name)

    assert str(refusal).startswith("file: More than 64 columns")


def test_cells_under_another_namespace_prefix_are_bounded_by_their_tags(tmp_path):
    rows = [b"<row>" + b"<y:c/>" * WIDE_CELLS + b"</row>"] * 10
    path = workbook(
        tmp_path / "prefixed.xlsx", worksheet_xml(rows, namespaces=f' xmlns:y="{MAIN}"')
    )

    [refusal] = sheets.read_sheet(path.read_bytes(), path.name)[1]

    assert "too complex to be read" in refusal.message


@pytest.mark.parametrize("declared", ["", ' count="1" uniqueCount="1"'])
def test_shared_texts_beyond_the_bound_are_refused_whatever_the_table_declares(tmp_path, declared):
    def shared_texts() -> Iterator[bytes]:
        yield f'<sst xmlns="{MAIN}"{declared}>'.encode()
        thousand = b"<si><t>x</t></si>" * 1000
        for _thousand in range(sheets.MAX_SHARED_STRINGS // 1000 + 1):
            yield thousand
        yield b"</sst>"

    path = workbook(tmp_path / "texts.xlsx", worksheet_xml([header_row()]), shared_texts())

    [refusal] = sheets.inspect_sheet(path.read_bytes(), path.name)

    assert refusal.message == "More than 2000000 different texts in the workbook: split the file."


def test_a_declared_count_of_shared_texts_beyond_the_bound_is_refused_unread(tmp_path):
    texts = f'<sst xmlns="{MAIN}" count="9000000" uniqueCount="9000000"><si><t>x</t></si></sst>'
    path = workbook(tmp_path / "texts.xlsx", worksheet_xml([header_row()]), [texts.encode()])

    [refusal] = sheets.inspect_sheet(path.read_bytes(), path.name)

    assert "different texts" in refusal.message


def test_an_archive_of_too_many_entries_is_refused_before_zipfile_reads_its_directory():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for n in range(sheets.MAX_ENTRIES + 1):
            archive.writestr(f"xl/media/{n}.bin", b"")

    [refusal] = sheets.inspect_sheet(buffer.getvalue(), "centers.xlsx")

    assert "too complex to be read" in refusal.message


def test_an_xml_part_behind_a_dtd_is_refused_as_unreadable(tmp_path):
    entities = '<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">]>'
    path = workbook(tmp_path / "dtd.xlsx", worksheet_xml([header_row()], doctype=entities))

    [refusal] = sheets.read_sheet(path.read_bytes(), path.name)[1]

    assert refusal.message.startswith("This file cannot be read")


def test_a_row_far_below_the_others_stops_the_reading_at_the_row_bound(tmp_path):
    far = f'<row r="{sheets.MAX_ROWS + 10_000}">'.encode() + text_cells(["r-1"]) + b"</row>"
    path = workbook(tmp_path / "far.xlsx", worksheet_xml([header_row(), far]))

    assert sheets.inspect_sheet(path.read_bytes(), path.name) == []
    rows, errors = sheets.read_sheet(path.read_bytes(), path.name)

    assert rows == [] and [str(error) for error in errors] == [
        "file: More than 60000 rows: split the file."
    ]


def test_a_csv_row_longer_than_the_bound_is_refused_before_it_is_held():
    header = ",".join(sheets.COLUMN_NAMES)
    # Quoted cells of line breaks, each within csv's own bound on a cell: many short
    # lines, one row.
    row = "r-1," + ",".join(['"' + "\n" * 100_000 + '"'] * 11) + "\n"

    [refusal] = sheets.inspect_sheet(f"{header}\n{row}".encode(), "centers.csv")

    assert str(refusal) == "line 2: This line is longer than 1048576 characters."


def small_rows(count: int) -> list[list[str]]:
    return [[f"r-{n}", f"Centre {n}", "disability"] for n in range(count)]


def small_workbook(path: Path, count: int) -> Path:
    rows = (b"<row>" + text_cells(row) + b"</row>" for row in small_rows(count))
    header = b"<row>" + text_cells(["external_ref", "name_fr", "category"]) + b"</row>"
    return workbook(path, worksheet_xml([header, *rows]))


def small_csv(path: Path, count: int) -> Path:
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["external_ref", "name_fr", "category"])
        writer.writerows(small_rows(count))
    return path


@pytest.mark.parametrize("write", [small_workbook, small_csv])
def test_a_sheet_of_as_many_rows_as_the_bound_passes_inspection_and_one_more_does_not(
    tmp_path, write
):
    suffix = ".xlsx" if write is small_workbook else ".csv"
    at_bound = write(tmp_path / f"at-bound{suffix}", sheets.MAX_ROWS)
    beyond = write(tmp_path / f"beyond{suffix}", sheets.MAX_ROWS + 1)

    assert sheets.inspect_sheet(at_bound.read_bytes(), at_bound.name) == []
    assert [str(error) for error in sheets.inspect_sheet(beyond.read_bytes(), beyond.name)] == [
        "file: More than 60000 rows: split the file."
    ]


def test_the_bounds_leave_room_for_an_import_of_50000_full_rows():
    assert sheets.MAX_ROWS >= 50_000
    assert 2 * len(sheets.COLUMNS) <= sheets.MAX_COLUMNS
    assert sheets.MAX_ROWS * len(sheets.COLUMNS) <= sheets.MAX_CELLS


def centre(**values: str) -> list[str]:
    return [values.get(name, "") for name in sheets.COLUMN_NAMES]


LEGITIMATE = [
    sheets.example_row(),
    centre(
        external_ref="rb-101",
        name_ar="مركز الاستماع والتوجيه للنساء بالرباط",
        name_fr="Centre d'écoute et d'orientation des femmes de Rabat",
        category="women",
        services="orientation;legal-aid",
        phones="05 37 70 12 34",
        opening_hours="mon 08:30-12:00 14:00-16:30; tue 08:30-16:30",
        status="open",
        latitude=str(RABAT_HASSAN_TOWER[0]),
        longitude=str(RABAT_HASSAN_TOWER[1]),
        last_verified_on="31/01/2026",
    ),
    centre(
        external_ref="sl-102",
        name_ar="فضاء متعدد الوظائف للنساء بسلا",
        name_fr="Espace multifonctionnel pour les femmes de Salé",
        category="women",
        accessibility="step-free-access",
        latitude=str(SALE[0]),
        longitude=str(SALE[1]),
    ),
    centre(
        external_ref="cs-103",
        name_fr="Centre d'accueil des personnes en situation de handicap",
        category="disability",
        services="orientation",
        latitude=str(CASABLANCA[0]),
        longitude=str(CASABLANCA[1]),
    ),
]


@pytest.mark.parametrize(
    ("write", "filename"),
    [
        (lambda rows: sheets.write_xlsx(rows, with_column_help=True), "centers.xlsx"),
        (sheets.write_csv, "centers.csv"),
    ],
)
def test_a_filled_template_within_the_bounds_still_imports(write, filename):
    content = write(LEGITIMATE)

    assert sheets.inspect_sheet(content, filename) == []
    rows, errors = sheets.read_sheet(content, filename)
    report = centers_import(user=None, rows=rows, errors=errors, dry_run=False, reason="test")

    assert report.applied and not report.errors
    assert report.count("create") == 3
    assert sorted(Center.objects.values_list("external_ref", flat=True)) == [
        "cs-103",
        "rb-101",
        "sl-102",
    ]
    assert Center.objects.get(external_ref="rb-101").commune.name_fr == "Rabat"
