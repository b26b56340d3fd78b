"""Onboarding sheets for provincial delegations: the workbook of a province (instructions
in Arabic and French, its known centers and blank rows, lists and checks in the cells),
filled as a delegation would, comes back through the normal import; and who may download
one, province by province."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from centers import onboarding, sheets
from centers.admin_sheets import XLSX_TYPE
from centers.models import Center
from regions.models import Commune, Province
from sheet_jobs.models import SheetJob
from sheet_jobs.services import run_queued_jobs

from .factories import (
    MARRAKECH_JEMAA_EL_FNA,
    RABAT_AGDAL,
    RABAT_HASSAN_TOWER,
    SALE,
    CategoryFactory,
    ServiceFactory,
    make_center,
    make_staff,
)
from .test_roles import ROLE_NAMES

RABAT = "04.421"
TOUARGA = "04.421.01.07"
# Near the Mohammed V university, in the commune of Rabat.
RABAT_SOUISSI = (33.9950, -6.8300)


def column(name: str) -> int:
    return sheets.COLUMN_NAMES.index(name) + 1


@pytest.fixture
def directory():
    """Two known centers in the prefecture of Rabat (one of a sensitive category) and one
    in Salé, next door."""
    disability = CategoryFactory(code="disability")
    women = CategoryFactory(code="women", sensitive=True)
    ServiceFactory(code="orientation")
    return {
        "hassan": make_center(
            at=RABAT_HASSAN_TOWER,
            category=disability,
            external_ref="rabat-1",
            name_fr="Centre Hassan",
            phones=["+212537000000"],
        ),
        "agdal": make_center(
            at=RABAT_AGDAL,
            category=women,
            external_ref="rabat-2",
            name_ar="فضاء أكدال",
            name_fr="Espace Agdal",
        ),
        "sale": make_center(at=SALE, category=disability, external_ref="sale-1"),
    }


def sheet_of(code: str = RABAT) -> bytes:
    return onboarding.onboarding_sheet(Province.objects.get(code=code))


def workbook_of(content: bytes):
    return openpyxl.load_workbook(io.BytesIO(content))


def filled(content: bytes, rows: list[dict[str, object]]) -> bytes:
    """The sheet with these rows typed into its first blank rows, as a delegation types
    them: coordinates as numbers, every other cell as text."""
    workbook = workbook_of(content)
    centers = workbook[sheets.CENTERS_SHEET]
    first_blank = next(
        number
        for number, cells in enumerate(centers.iter_rows(values_only=True), start=1)
        if not any(cells)
    )
    for offset, values in enumerate(rows):
        for name, value in values.items():
            centers.cell(first_blank + offset, column(name), value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def validation_of(sheet, name: str):
    """The data validation on the column's first data cell."""
    letter = openpyxl.utils.get_column_letter(column(name))
    [found] = [v for v in sheet.data_validations.dataValidation if f"{letter}2" in v.sqref]
    return found


def listed(workbook, validation) -> list[str]:
    """The values a list validation offers, read from the range it refers to."""
    sheet_name, cells = validation.formula1.split("!")
    lists = workbook[sheet_name.strip("'")]
    return [cell.value for (cell,) in lists[cells.replace("$", "")]]


def import_command(path, *options) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_centers", str(path), *options, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


# The workbook.


@pytest.mark.django_db
def test_the_sheet_tells_how_to_fill_it_in_arabic_and_french_then_holds_the_centers(directory):
    workbook = workbook_of(sheet_of())

    assert workbook.sheetnames == [
        onboarding.INSTRUCTIONS_SHEET,
        sheets.CENTERS_SHEET,
        onboarding.LISTS_SHEET,
    ]
    assert workbook[onboarding.LISTS_SHEET].sheet_state == "hidden"
    instructions = [
        cell for row in workbook.worksheets[0].iter_rows(values_only=True) for cell in row if cell
    ]
    text = "\n".join(instructions)
    # Whatever the active language, both languages at once.
    assert "الرباط (04.421)" in text and "Rabat (04.421)" in text
    assert "سطر واحد لكل مركز" in text and "une ligne par centre" in text
    assert "04.421-001" in text
    # Only the sensitive category's centers have their exact position kept private.
    privacy = next(paragraph for paragraph in instructions if "Confidentialité" in paragraph)
    women, disability = directory["agdal"].category, directory["hassan"].category
    assert f"« {women.name_fr} »" in privacy and disability.name_fr not in privacy
    assert f"«{women.name_ar}»" in next(p for p in instructions if "الخصوصية" in p)
    # The columns' meanings, as the import's own help reads in Arabic and in French.
    assert "المرجع الفريد للسطر؛ إلزامي ولا يُعاد استعماله أبدًا." in instructions
    assert "Référence unique de la ligne, obligatoire et jamais réutilisée." in instructions
    assert {"disability", "women", "orientation", "temporarily_closed"} <= set(instructions)


@pytest.mark.django_db
def test_the_sheet_of_centers_holds_the_provinces_centers_as_the_export_then_blank_rows(
    directory,
):
    centers = workbook_of(sheet_of())[sheets.CENTERS_SHEET]

    rows = [[cell or "" for cell in row] for row in centers.iter_rows(values_only=True)]
    assert rows[0] == sheets.COLUMN_NAMES
    # As the export writes them, a phone's + quoted.
    assert rows[1:3] == [
        [sheets.quote_formula(value) for value in sheets.center_row(directory[name])]
        for name in ("hassan", "agdal")
    ]
    # Salé's center is another province's.
    assert centers.max_row == 3 + onboarding.BLANK_ROWS
    assert not any(any(row) for row in rows[3:])


@pytest.mark.django_db
def test_the_cells_offer_lists_ranges_and_formats(directory):
    workbook = workbook_of(sheet_of())
    centers = workbook[sheets.CENTERS_SHEET]
    last = centers.max_row

    category = validation_of(centers, "category")
    assert category.type == "list"
    assert listed(workbook, category) == ["disability", "women"]
    assert listed(workbook, validation_of(centers, "status")) == [
        "open",
        "temporarily_closed",
        "planned",
        "closed",
    ]
    communes = listed(workbook, validation_of(centers, "commune_code"))
    assert communes == [
        sheets.commune_label(commune.code, f"{commune.name_fr} / {commune.name_ar}")
        for commune in Commune.objects.filter(province__code=RABAT).order_by("code")
    ]
    assert communes[1] == "04.421.01.07 — Touarga / التواركة"
    assert listed(workbook, validation_of(centers, "archived")) == ["no", "yes"]
    for name in ("category", "status", "commune_code", "latitude", "longitude", "phones"):
        letter = openpyxl.utils.get_column_letter(column(name))
        assert str(validation_of(centers, name).sqref) == f"{letter}2:{letter}{last}"

    latitude, longitude = validation_of(centers, "latitude"), validation_of(centers, "longitude")
    assert (latitude.type, latitude.operator, longitude.type) == ("decimal", "between", "decimal")
    # Morocco from Lagouira to Saïdia, and from Tangier to the southern border.
    assert 20.5 < float(latitude.formula1) < 20.8 and 35.9 < float(latitude.formula2) < 36
    assert -17.2 < float(longitude.formula1) < -17.1 and -1.1 < float(longitude.formula2) < -1
    assert latitude.showErrorMessage and "20.77" in latitude.error

    blank = centers.max_row
    assert centers.cell(blank, column("latitude")).number_format == onboarding.COORDINATE_FORMAT
    assert centers.cell(blank, column("phones")).number_format == "@"
    assert centers.cell(blank, column("commune_code")).number_format == "@"
    phones = validation_of(centers, "phones")
    assert phones.showInputMessage and "05 37 11 11 11" in phones.prompt

    [reference] = [
        v for v in centers.data_validations.dataValidation if str(v.sqref) == f"A4:A{last}"
    ]
    assert reference.type == "custom"
    assert reference.formula1 == f'AND(LEFT(A4,7)="04.421-",COUNTIF($A$2:$A${last},A4)=1)'
    for validation in centers.data_validations.dataValidation:
        assert len(validation.prompt) <= onboarding.MESSAGE_MAX_CHARS
        assert len(validation.error or "") <= onboarding.MESSAGE_MAX_CHARS
        assert len(validation.promptTitle) <= 32


@pytest.mark.django_db
def test_the_reader_reads_the_sheet_of_centers_and_passes_the_limits(directory):
    content = sheet_of()

    assert sheets.inspect_sheet(content, "onboarding.xlsx") == []
    rows, errors = sheets.read_sheet(content, "onboarding.xlsx")

    assert not errors
    assert [row.values["external_ref"] for row in rows] == ["rabat-1", "rabat-2"]


@pytest.mark.django_db
def test_a_workbook_without_a_sheet_of_centers_is_read_from_its_first_sheet(directory):
    workbook = openpyxl.Workbook()
    workbook.active.title = "Feuil1"
    workbook.active.append(["external_ref", "name_fr", "category", "commune_code"])
    workbook.active.append(["r-1", "Centre", "disability", TOUARGA])
    workbook.create_sheet("Feuil2").append(["not", "read"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    rows, errors = sheets.read_sheet(buffer.getvalue(), "centres.xlsx")

    assert not errors and [row.values["external_ref"] for row in rows] == ["r-1"]


# Filled by a delegation and imported.

NEW_CENTERS = [
    {
        "external_ref": "04.421-001",
        "name_ar": "مركز السويسي",
        "name_fr": "Centre Souissi",
        "category": "disability",
        "services": "orientation",
        "phones": "05 37 11 11 11; 0661 22 33 44",
        "latitude": RABAT_SOUISSI[0],
        "longitude": RABAT_SOUISSI[1],
    },
    # Its position unknown: the commune chosen from the list.
    {
        "external_ref": "04.421-002",
        "name_fr": "Espace Touarga",
        "category": "women",
        "commune_code": "04.421.01.07 — Touarga / التواركة",
        "status": "planned",
    },
]


@pytest.mark.django_db
def test_a_filled_sheet_is_checked_then_imported_by_the_import_command(directory, tmp_path):
    path = tmp_path / "onboarding-04.421.xlsx"
    path.write_bytes(filled(sheet_of(), NEW_CENTERS))

    checked, _errors = import_command(path, "--dry-run", "-v", "2")

    assert "line 4: create 04.421-001" in checked and "line 5: create 04.421-002" in checked
    assert "2 created, 0 updated, 2 unchanged (dry run" in checked
    assert not Center.objects.filter(external_ref__startswith="04.421-").exists()

    imported, _errors = import_command(path, "--reason", "Délégation de Rabat")

    assert "2 created, 0 updated, 2 unchanged." in imported
    souissi = Center.objects.get(external_ref="04.421-001")
    assert (souissi.commune.code, souissi.location_precision) == ("04.421.01.0", "exact")
    assert (souissi.location.y, souissi.location.x) == RABAT_SOUISSI
    assert souissi.phones == ["+212537111111", "+212661223344"]
    assert [service.code for service in souissi.services.all()] == ["orientation"]
    touarga = Center.objects.get(external_ref="04.421-002")
    assert (touarga.commune.code, touarga.location_precision) == (TOUARGA, "commune")
    assert touarga.location == touarga.commune.reference_point
    assert touarga.status == "planned" and touarga.province.code == RABAT
    assert touarga.history.get().history_change_reason == "Délégation de Rabat"


@pytest.mark.django_db
def test_mistakes_get_the_imports_errors_naming_their_line(directory, tmp_path):
    path = tmp_path / "onboarding-04.421.xlsx"
    mistakes = [
        {**NEW_CENTERS[1], "commune_code": "04.421.99.9 — Nulle part"},
        # Madrid.
        {**NEW_CENTERS[0], "latitude": 40.4168, "longitude": -3.7038},
    ]
    path.write_bytes(filled(sheet_of(), mistakes))

    err = io.StringIO()
    with pytest.raises(CommandError, match="2 errors, nothing imported"):
        call_command("import_centers", str(path), stdout=io.StringIO(), stderr=err)

    assert "line 4, commune_code: Unknown commune code: 04.421.99.9." in err.getvalue()
    assert "line 5, latitude: This position (40.4168, -3.7038) is outside Morocco." in (
        err.getvalue()
    )
    assert not Center.objects.filter(external_ref__startswith="04.421-").exists()


@pytest.mark.django_db
def test_the_untouched_sheet_imports_and_changes_nothing(directory, tmp_path):
    path = tmp_path / "onboarding-04.421.xlsx"
    path.write_bytes(sheet_of())
    history = Center.history.count()
    before = [sheets.center_row(center) for center in Center.objects.order_by("pk")]

    imported, _errors = import_command(path)

    assert "0 created, 0 updated, 2 unchanged." in imported
    assert Center.history.count() == history
    assert [sheets.center_row(center) for center in Center.objects.order_by("pk")] == before


def test_a_filled_sheet_comes_back_through_the_staff_import_and_its_dry_run(
    committed, client, directory
):
    client.force_login(make_staff("rabat-editor", role=ROLE_NAMES["regional"], regions=["04"]))
    sheet = SimpleUploadedFile(
        "onboarding-04.421.xlsx", filled(sheet_of(), NEW_CENTERS), content_type=XLSX_TYPE
    )
    with translation.override("en"):
        import_url = reverse("admin:centers_center_import")
    check_page = client.post(import_url, {"sheet": sheet, "reason": "Délégation"}).url

    run_queued_jobs()

    check = SheetJob.objects.get()
    assert check.report["errors"] == []
    assert {(o["line"], o["action"]) for o in check.report["outcomes"]} == {
        (2, "unchanged"),
        (3, "unchanged"),
        (4, "create"),
        (5, "create"),
    }
    assert not Center.objects.filter(external_ref__startswith="04.421-").exists()

    client.post(check_page, {"confirm": "1"})
    run_queued_jobs()

    assert SheetJob.objects.get(kind="import").report["applied"]
    assert set(
        Center.objects.filter(external_ref__startswith="04.421-").values_list(
            "external_ref", "commune__code"
        )
    ) == {("04.421-001", "04.421.01.0"), ("04.421-002", TOUARGA)}


# The command.


@pytest.mark.django_db
def test_the_command_writes_the_sheet_of_a_province(directory, tmp_path):
    output = tmp_path / "rabat.xlsx"

    call_command(
        "onboarding_sheet", "--province", RABAT, "--output", str(output), stdout=io.StringIO()
    )

    assert output.read_bytes()[:2] == b"PK"
    rows, errors = sheets.read_sheet(output.read_bytes(), output.name)
    assert not errors and {row.values["external_ref"] for row in rows} == {"rabat-1", "rabat-2"}


@pytest.mark.django_db
def test_the_command_refuses_an_unknown_province(tmp_path):
    with pytest.raises(CommandError, match=r"Unknown province code: '04\.999'"):
        call_command("onboarding_sheet", "--province", "04.999", "--output", str(tmp_path / "x"))
    assert not (tmp_path / "x").exists()


# Who may download a province's sheet from the staff tools: the provinces of the regions
# whose centers they see, as the export (national roles and read-only viewers: all).


def onboarding_url(province: str | None = None) -> str:
    with translation.override("en"):
        url = reverse("admin:centers_center_onboarding")
    return f"{url}?province={province}" if province else url


MARRAKECH = "07.351"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("national", {RABAT, MARRAKECH}),
        ("regional", {RABAT}),
        ("viewer", {RABAT, MARRAKECH}),
    ],
)
def test_each_role_downloads_the_sheets_of_the_provinces_it_sees(client, directory, role, allowed):
    regions = ["04"] if role == "regional" else []
    client.force_login(make_staff(f"{role}-member", role=ROLE_NAMES[role], regions=regions))
    make_center(at=MARRAKECH_JEMAA_EL_FNA, external_ref="marrakech-1")

    for province in (RABAT, MARRAKECH):
        response = client.get(onboarding_url(province))

        if province in allowed:
            assert response.status_code == 200
            assert response["Content-Type"] == XLSX_TYPE
            assert f'filename="onboarding-{province}.xlsx"' in response["Content-Disposition"]
            rows, errors = sheets.read_sheet(response.content, "onboarding.xlsx")
            assert not errors and rows
            assert all(row.values["commune_code"].startswith(province) for row in rows), (
                "another province's center"
            )
        else:
            assert response.status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "offered"), [("national", 75), ("regional", 7)])
def test_the_choice_offers_the_provinces_of_the_users_regions(client, role, offered):
    regions = ["04"] if role == "regional" else []
    client.force_login(make_staff(f"{role}-member", role=ROLE_NAMES[role], regions=regions))

    page = client.get(onboarding_url())

    codes = page.context["form"].fields["province"].queryset.values_list("code", flat=True)
    assert page.status_code == 200 and len(codes) == offered
    assert "04.421" in codes
    if role == "regional":
        assert all(code.startswith("04.") for code in codes)
    with translation.override("en"):
        changelist = client.get(reverse("admin:centers_center_changelist")).content.decode()
    assert onboarding_url() in changelist


@pytest.mark.django_db
def test_an_unknown_province_is_named_on_the_form(client):
    client.force_login(make_staff("national", role=ROLE_NAMES["national"]))

    response = client.get(onboarding_url("04.999"))

    assert response.status_code == 200 and response.context["form"].errors["province"]


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(onboarding_url(RABAT))

    assert response.status_code == 302 and "/login/" in response.url
