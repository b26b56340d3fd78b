"""Sheets as provincial offices make them: saved by Excel in Windows-1256 or -1252 as well
as UTF-8, separated by commas, semicolons or tabs, with French or Arabic headers,
categories and statuses by their names, dates day first, and the template's example row
still in them. The files are built from real encoded bytes."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from centers import sheets
from centers.imports import centers_import
from centers.models import Center

from .factories import (
    RABAT_HASSAN_TOWER,
    AccessibilityFeatureFactory,
    CategoryFactory,
    ServiceFactory,
    make_staff,
)

pytestmark = pytest.mark.django_db

DISABILITY_AR = "مراكز التوجيه والمساعدة للأشخاص في وضعية إعاقة"
UNREADABLE = (
    "This file cannot be read: save the sheet as CSV UTF-8 or as an Excel workbook (.xlsx), "
    "then try again."
)


@pytest.fixture(autouse=True)
def taxonomy():
    CategoryFactory(code="disability", name_ar=DISABILITY_AR, name_fr="Handicap")
    CategoryFactory(code="women", name_fr="Femmes", sensitive=True)
    ServiceFactory(code="orientation", name_ar="التوجيه", name_fr="Orientation")
    ServiceFactory(code="legal-aid", name_ar="الاستشارة القانونية", name_fr="Aide juridique")
    AccessibilityFeatureFactory(code="braille", name_ar="طريقة برايل", name_fr="Braille")


def import_sheet(content: bytes, filename: str = "centers.csv"):
    rows, errors = sheets.read_sheet(content, filename)
    return centers_import(user=None, rows=rows, errors=errors, dry_run=False, reason="test")


def csv_bytes(rows: list[list[str]], *, encoding="utf-8", delimiter=",") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return buffer.getvalue().encode(encoding)


def template_row(**values: str) -> list[str]:
    return [values.get(name, "") for name in sheets.COLUMN_NAMES]


LATITUDE, LONGITUDE = (str(value).replace(".", ",") for value in RABAT_HASSAN_TOWER)


def test_a_windows_1256_sheet_with_semicolons_french_headers_and_day_first_dates_imports():
    content = csv_bytes(
        [
            [
                *("Référence", "Nom (arabe)", "Nom (français)", "Catégorie"),
                *("Latitude", "Longitude", "Vérifié le", "Statut"),
            ],
            [
                *("rb-1", "مركز الرباط للتوجيه", "Centre d'écoute près de la tour", "Handicap"),
                *(LATITUDE, LONGITUDE, "31/01/2026", "ouvert"),
            ],
        ],
        encoding="cp1256",
        delimiter=";",
    )

    report = import_sheet(content)

    assert report.applied, report.errors
    center = Center.objects.get(external_ref="rb-1")
    assert center.name_ar == "مركز الرباط للتوجيه"
    assert center.name_fr == "Centre d'écoute près de la tour"
    assert center.category.code == "disability"
    assert center.last_verified_on == datetime.date(2026, 1, 31)
    assert center.status == "open"
    assert center.commune.name_fr == "Rabat"


def test_a_windows_1252_sheet_keeps_french_capitals_that_windows_1256_would_read_as_arabic():
    # In Windows-1256 the bytes of É, À and Ç are Arabic letters: ÉÉ would be an Arabic word.
    name = "ÉCOLE DES PARENTS AGRÉÉE À SALÉ, FRANÇOIS"
    content = csv_bytes(
        [["external_ref", "name_fr", "category"], ["r-1", name, "Handicap"]], encoding="cp1252"
    )

    rows, errors = sheets.read_sheet(content, "centers.csv")

    assert not errors
    assert rows[0].values["name_fr"] == name


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1256"])
@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_arabic_and_french_text_is_read_in_every_encoding_and_with_every_separator(
    encoding, delimiter
):
    content = csv_bytes(
        [
            ["external_ref", "name_ar", "name_fr", "category", "latitude", "longitude"],
            ["r-1", "فضاء متعدد الوظائف", "Espace à Salé, rénové", "women", "34,039", "-6,803"],
        ],
        encoding=encoding,
        delimiter=delimiter,
    )

    rows, errors = sheets.read_sheet(content, "centers.csv")

    assert not errors
    values = rows[0].values
    assert (values["name_ar"], values["name_fr"]) == ("فضاء متعدد الوظائف", "Espace à Salé, rénové")
    assert (values["latitude"], values["longitude"]) == (34.039, -6.803)


def test_arabic_headers_category_service_and_status_by_their_arabic_names():
    content = csv_bytes(
        [
            [
                *("المرجع", "الاسم بالعربية", "الفئة", "الخدمات", "الولوجيات", "الوضعية"),
                *("خط العرض", "خط الطول"),
            ],
            # Hamza and vowel marks left out, and spaces doubled, as people type them.
            [
                *("ar-1", "مركز الأمل", "مراكز التوجيه  والمساعدة للاشخاص في وضعية اعاقة"),
                *("التوجيه; Aide juridique", "طريقة برايل", "مغلق مؤقتا", LATITUDE, LONGITUDE),
            ],
        ],
        encoding="cp1256",
        delimiter=";",
    )

    report = import_sheet(content)

    assert report.applied, report.errors
    center = Center.objects.get(external_ref="ar-1")
    assert center.category.code == "disability"
    assert sorted(s.code for s in center.services.all()) == ["legal-aid", "orientation"]
    assert [a.code for a in center.accessibility.all()] == ["braille"]
    assert center.status == "temporarily_closed"


def test_headers_are_matched_without_regard_to_case_accents_or_spaces():
    content = csv_bytes(
        [
            ["REFERENCE", "  nom (FRANCAIS) ", "categorie", "LATITUDE", "longitude"],
            ["r-1", "Centre", "HANDICAP", "34.024", "-6.8225"],
        ]
    )

    rows, errors = sheets.read_sheet(content, "centers.csv")

    assert not errors
    assert rows[0].values["name_fr"] == "Centre"
    assert rows[0].values["category"].code == "disability"


@pytest.mark.parametrize("header", ["header_fr", "header_ar"])
def test_every_column_is_recognised_by_its_french_and_by_its_arabic_header(header):
    headers = [getattr(column, header) for column in sheets.COLUMNS]
    cells = template_row(external_ref="r-1", name_fr="Centre", category="disability")
    content = csv_bytes([headers, cells])

    rows, errors = sheets.read_sheet(content, "centers.csv")

    assert not errors
    assert sorted(rows[0].values) == sorted(sheets.COLUMN_NAMES)


def test_a_status_in_french_capitals_is_read_as_its_value():
    with translation.override("fr"):
        label = str(Center.Status.PLANNED.label)
    assert label != "planned"
    content = csv_bytes(
        [
            ["external_ref", "name_fr", "category", "status"],
            ["r-1", "C", "disability", label.upper()],
        ]
    )

    rows, errors = sheets.read_sheet(content, "centers.csv")

    assert not errors
    assert rows[0].values["status"] == "planned"


def test_a_name_that_two_services_share_is_refused_as_unknown():
    ServiceFactory(code="listening", name_fr="Écoute")
    ServiceFactory(code="listening-by-phone", name_fr="Écoute")
    content = csv_bytes(
        [["external_ref", "name_fr", "category", "services"], ["r-1", "C", "disability", "écoute"]]
    )

    _rows, errors = sheets.read_sheet(content, "centers.csv")

    assert [(error.line, error.column) for error in errors] == [(2, "services")]
    assert "écoute" in errors[0].message


@pytest.mark.parametrize(
    ("written", "day"),
    [
        ("31/01/2026", datetime.date(2026, 1, 31)),
        ("1/2/2026", datetime.date(2026, 2, 1)),
        ("31/01/2026 00:00", datetime.date(2026, 1, 31)),
        ("2026-01-31", datetime.date(2026, 1, 31)),
    ],
)
def test_dates_are_read_day_first_or_in_iso_form(written, day):
    content = csv_bytes(
        [["external_ref", "name_fr", "category", "Vérifié le"], ["r-1", "C", "disability", written]]
    )

    rows, errors = sheets.read_sheet(content, "centers.csv")

    assert not errors
    assert rows[0].values["last_verified_on"] == day


@pytest.mark.parametrize("written", ["31/02/2026", "01/31/2026", "2026/01/31", "31/01/26"])
def test_a_date_that_is_neither_day_first_nor_iso_is_refused_naming_it(written):
    content = csv_bytes(
        [
            ["external_ref", "name_fr", "category", "last_verified_on"],
            ["r-1", "C", "disability", written],
        ]
    )

    _rows, errors = sheets.read_sheet(content, "centers.csv")

    assert [(error.line, error.column) for error in errors] == [(2, "last_verified_on")]
    assert written in errors[0].message


def test_a_row_shorter_than_the_header_misses_its_required_cells():
    content = b"external_ref,name_fr,latitude,longitude,category\nr-1,Centre,34.02,-6.82\n"

    _rows, errors = sheets.read_sheet(content, "centers.csv")

    assert [(error.line, error.column) for error in errors] == [(2, "category")]


def test_columns_without_a_header_are_ignored():
    content = b"external_ref,name_fr,category,,\nr-1,Centre,disability,,\n"

    rows, errors = sheets.read_sheet(content, "centers.csv")

    assert not errors
    assert rows[0].values["external_ref"] == "r-1"


# The template, as staff download it from the admin.


@pytest.fixture
def template(client):
    client.force_login(make_staff("national", role="National administrators"))

    def download(extension: str) -> bytes:
        with translation.override("en"):
            url = reverse("admin:centers_center_import_template", args=[extension])
        response = client.get(url)
        assert response.status_code == 200
        return response.content

    return download


REAL_ROW = template_row(
    external_ref="rb-1",
    name_fr="Centre de Rabat",
    category="disability",
    latitude=str(RABAT_HASSAN_TOWER[0]),
    longitude=str(RABAT_HASSAN_TOWER[1]),
)


def test_the_example_row_of_the_csv_template_is_never_imported(template):
    content = template("csv") + csv_bytes([REAL_ROW])

    report = import_sheet(content)

    assert report.applied, report.errors
    assert list(Center.objects.values_list("external_ref", flat=True)) == ["rb-1"]


def test_the_example_row_of_the_xlsx_template_is_never_imported(template):
    workbook = openpyxl.load_workbook(io.BytesIO(template("xlsx")))
    workbook["centers"].append(REAL_ROW)
    buffer = io.BytesIO()
    workbook.save(buffer)

    report = import_sheet(buffer.getvalue(), "centers.xlsx")

    assert report.applied, report.errors
    assert list(Center.objects.values_list("external_ref", flat=True)) == ["rb-1"]


def test_a_real_center_that_kept_the_example_reference_is_imported():
    cells = list(REAL_ROW)
    cells[sheets.COLUMN_NAMES.index("external_ref")] = "example-1"

    rows, errors = sheets.read_sheet(csv_bytes([sheets.COLUMN_NAMES, cells]), "centers.csv")

    assert not errors
    assert [row.values["name_fr"] for row in rows] == ["Centre de Rabat"]


def test_the_xlsx_template_explains_each_column_with_its_french_and_arabic_header(template):
    workbook = openpyxl.load_workbook(io.BytesIO(template("xlsx")))

    help_rows = [[cell.value for cell in row] for row in workbook["columns"].iter_rows()]

    assert help_rows[0][:3] == ["column", "français", "العربية"]
    by_column = {row[0]: row[1:3] for row in help_rows[1:]}
    assert list(by_column) == sheets.COLUMN_NAMES
    assert by_column["latitude"] == ["Latitude", "خط العرض"]
    assert by_column["name_fr"] == ["Nom (français)", "الاسم بالفرنسية"]


# Files that cannot be read.


@pytest.mark.parametrize(
    ("content", "filename"),
    [
        (b"PK\x03\x04 not really a workbook", "centers.xlsx"),
        (sheets.write_xlsx([REAL_ROW])[:300], "centers.xlsx"),
        ("external_ref,name_fr\nr-1,Centre\n".encode("utf-16"), "centers.csv"),
        (bytes(range(256)), "centers.csv"),
        # A byte that Windows-1252 leaves unused, and Windows-1256 reads as an Arabic
        # letter inside a Latin word.
        (b"external_ref,name_fr\nr-1,Centre\x81\n", "centers.csv"),
    ],
)
def test_a_file_that_cannot_be_read_gets_one_sentence_saying_how_to_save_it(content, filename):
    rows, errors = sheets.read_sheet(content, filename)

    assert rows == []
    assert [str(error) for error in errors] == [f"file: {UNREADABLE}"]
