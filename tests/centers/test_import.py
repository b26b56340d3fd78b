"""Bulk import and export: all or nothing, clear errors, idempotent, lossless round trip."""

import io

import pytest
from django.core.management import CommandError, call_command

from centers import sheets
from centers.imports import centers_import
from centers.models import Center

from .factories import (
    CASABLANCA,
    RABAT_HASSAN_TOWER,
    AccessibilityFeatureFactory,
    CategoryFactory,
    ServiceFactory,
    make_center,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def taxonomy():
    CategoryFactory(code="disability")
    CategoryFactory(code="women", sensitive=True)
    ServiceFactory(code="orientation")
    ServiceFactory(code="legal-aid")
    AccessibilityFeatureFactory(code="step-free-access")


HEADER = (
    "external_ref,name_ar,name_fr,category,services,latitude,longitude,commune_code,opening_hours\n"
)
GOOD_ROWS = (
    f"r-1,,Centre un,disability,orientation,{RABAT_HASSAN_TOWER[0]},{RABAT_HASSAN_TOWER[1]},,"
    "mon 08:30-12:00 14:00-16:30\n"
    "r-2,مركز اثنان,,women,orientation;legal-aid,,,07.351.01.0,\n"
)


def run(text: str, *, dry_run=False, filename="centers.csv", user=None):
    rows, errors = sheets.read_sheet(text.encode() if isinstance(text, str) else text, filename)
    return centers_import(user=user, rows=rows, errors=errors, dry_run=dry_run, reason="test")


def test_import_creates_centers_placed_by_coordinates_or_by_commune():
    report = run(HEADER + GOOD_ROWS)

    assert report.applied and not report.errors
    assert report.count("create") == 2
    by_coordinates = Center.objects.get(external_ref="r-1")
    assert by_coordinates.commune.name_fr == "Rabat"
    assert by_coordinates.location_precision == "exact"
    assert by_coordinates.opening_hours == {"mon": [["08:30", "12:00"], ["14:00", "16:30"]]}
    by_commune = Center.objects.get(external_ref="r-2")
    assert by_commune.commune.code == "07.351.01.0"
    assert by_commune.location_precision == "commune"
    assert by_commune.location == by_commune.commune.reference_point
    assert sorted(s.code for s in by_commune.services.all()) == ["legal-aid", "orientation"]
    assert by_commune.history.get().history_change_reason == "test"


def test_importing_the_same_sheet_again_changes_nothing():
    run(HEADER + GOOD_ROWS)
    history = Center.history.count()

    report = run(HEADER + GOOD_ROWS)

    assert report.count("unchanged") == 2 and report.count("update") == 0
    assert Center.history.count() == history


def test_a_changed_row_updates_only_that_center_and_names_the_fields():
    run(HEADER + GOOD_ROWS)

    report = run(HEADER + GOOD_ROWS.replace("Centre un", "Centre un (rénové)"))

    [updated] = [o for o in report.outcomes if o.action == "update"]
    assert (updated.external_ref, updated.changed) == ("r-1", ["name_fr"])


SWAPPED_RABAT = f"{RABAT_HASSAN_TOWER[1]},{RABAT_HASSAN_TOWER[0]}"


def test_one_bad_row_means_nothing_is_written_and_every_error_is_reported():
    bad = (
        "r-3,,Centre trois,disability,,40.4168,-3.7038,,\n"  # Madrid
        "r-4,,Centre quatre,unknown,,34.0,-6.8,,\n"
        f"r-5,,Centre cinq,disability,orientation;massage,{SWAPPED_RABAT},,\n"
        "r-6,,Centre six,disability,,abc,-6.8,,mon 18:00-08:00\n"
        "r-1,,Doublon,disability,,,,04.421.01.0,\n"
    )

    report = run(HEADER + GOOD_ROWS + bad)

    assert not report.applied
    assert Center.objects.count() == 0
    found = {(e.line, e.column) for e in report.errors}
    assert (4, "latitude") in found  # outside Morocco
    assert (5, "category") in found
    assert (6, "services") in found  # unknown code
    assert (6, "latitude") in found  # swapped
    assert (7, "latitude") in found and (7, "opening_hours") in found
    assert (8, "external_ref") in found  # the same reference twice
    messages = " ".join(e.message for e in report.errors)
    assert "outside Morocco" in messages and "look swapped" in messages
    assert "massage" in messages


def test_dry_run_reports_what_would_happen_and_writes_nothing():
    report = run(HEADER + GOOD_ROWS, dry_run=True)

    assert report.count("create") == 2 and not report.applied
    assert Center.objects.count() == 0
    assert Center.history.count() == 0


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"", "centers.csv", "empty"),
        (b"name,colour\nx,y\n", "centers.csv", "Unknown columns"),
        (b"PK\x03\x04 not really a workbook", "centers.xlsx", "cannot be read"),
        (b"\xff\xfe\x00broken", "centers.csv", "cannot be read"),
        (
            b"x" * (sheets.MAX_FILE_BYTES + 1),
            "centers.csv",
            f"larger than {sheets.MAX_FILE_BYTES // (1024 * 1024)} MB",
        ),
    ],
)
def test_malformed_files_are_refused_with_a_clear_message(content, filename, message):
    report = run(content, filename=filename)

    assert not report.applied
    assert message in str(report.errors[0])
    assert Center.objects.count() == 0


def test_semicolon_separated_csv_from_a_french_spreadsheet_is_read():
    text = HEADER.replace(",", ";") + "r-9;;Centre neuf;disability;;33,5731;-7,5898;;\n"

    report = run(text)

    assert report.applied
    assert Center.objects.get(external_ref="r-9").commune.name_fr == "Casablanca"


@pytest.mark.parametrize("writer", [sheets.write_csv, sheets.write_xlsx])
def test_export_then_import_is_lossless(writer):
    women = CategoryFactory(code="women")
    make_center(
        at=CASABLANCA,
        category=women,
        external_ref="e-1",
        name_ar="فضاء",
        name_fr="Espace",
        capacity=12,
        phones=["+212522000000", "+212522111111"],
        email="contact@example.org",
        website="https://example.org/",
        opening_hours={"tue": [["09:00", "17:00"]]},
        source_urls=["https://example.org/a", "https://example.org/b?x=1;y=2"],
        services=list(ServiceFactory._meta.model.objects.filter(code="orientation")),
    )
    make_center(external_ref="e-2", name_fr="Archivé", archived=True)
    queryset = Center.objects.order_by("external_ref")
    content = writer(sheets.center_row(center) for center in queryset)
    before = [sheets.center_row(center) for center in queryset]

    report = run(content, filename="export.xlsx" if writer is sheets.write_xlsx else "export.csv")

    assert report.applied, report.errors
    assert report.count("unchanged") == 2
    assert [
        sheets.center_row(center) for center in Center.objects.order_by("external_ref")
    ] == before


def test_import_command_reports_and_fails_on_errors(tmp_path):
    good = tmp_path / "good.csv"
    good.write_text(HEADER + GOOD_ROWS, encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "r-3,,Trois,disability,,40.4,-3.7,,\n", encoding="utf-8")

    call_command("import_centers", good, "--dry-run", stdout=io.StringIO())
    assert Center.objects.count() == 0
    output = io.StringIO()
    call_command("import_centers", good, stdout=output)
    assert "2 created" in output.getvalue()
    with pytest.raises(CommandError, match="nothing imported"):
        call_command("import_centers", bad, stdout=io.StringIO(), stderr=io.StringIO())
    assert Center.objects.count() == 2
