"""The bulk import and export sheet: one row per center, CSV or XLSX, the same columns
both ways so that an export imported again changes nothing.

Reading turns a file into `SheetRow`s of clean values and a list of `SheetError`s, each
naming the line, the column and the reason. Nothing here writes to the database.
"""

import csv
import datetime
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import openpyxl
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.cell import WriteOnlyCell

from . import hours
from .models import AccessibilityFeature, Category, Center, Service

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
LIST_SEPARATOR = ";"
# Web addresses may contain ";" but never a bare "|".
URL_SEPARATOR = " | "
YES, NO = "yes", "no"


@dataclass(frozen=True)
class SheetError:
    line: int  # as a spreadsheet shows it: the header is line 1
    column: str
    message: str

    def __str__(self):
        where = _("line %(line)s") % {"line": self.line} if self.line else _("file")
        if self.column:
            where += f", {self.column}"
        return f"{where}: {self.message}"


@dataclass
class SheetRow:
    line: int
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Column:
    name: str
    help: str
    parse: Callable[[str], Any]
    required: bool = False


def _text(value: str) -> str:
    return value.strip()


# The largest number a PostgreSQL integer column holds.
MAX_INTEGER = 2_147_483_647


def _integer(value: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    try:
        number = int(value) if value.isascii() and value.isdigit() else int(float(value))
        exact = number == float(value)
    except (ValueError, OverflowError):
        raise ValidationError(_("%(value)s is not a whole number.") % {"value": value}) from None
    if number < 0 or not exact or number > MAX_INTEGER:
        raise ValidationError(_("%(value)s is not a whole number.") % {"value": value})
    return number


def _decimal_degrees(value: str) -> float | None:
    value = value.strip().replace(",", ".")
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        raise ValidationError(
            _("%(value)s is not a number of decimal degrees.") % {"value": value}
        ) from None
    if not -180 <= number <= 180:
        raise ValidationError(_("%(value)s is not a valid coordinate.") % {"value": value})
    return number


def _date(value: str) -> datetime.date | None:
    """YYYY-MM-DD, or a date and a time of day as spreadsheets write them."""
    value = value.strip()
    if not value:
        return None
    day, _separator, time_of_day = value.partition("T" if "T" in value else " ")
    try:
        if time_of_day:
            datetime.time.fromisoformat(time_of_day)
        return datetime.date.fromisoformat(day)
    except ValueError:
        raise ValidationError(
            _("%(value)s is not a date (YYYY-MM-DD).") % {"value": value}
        ) from None


def _choice(choices, default: str = "") -> Callable[[str], str]:
    def parse(value: str) -> str:
        value = value.strip() or default
        if value and value not in choices.values:
            raise ValidationError(
                _("%(value)s is not one of: %(allowed)s.")
                % {"value": value, "allowed": ", ".join(choices.values)}
            )
        return value

    return parse


def _codes(model) -> Callable[[str], list]:
    def parse(value: str) -> list:
        codes = [code.strip() for code in value.split(LIST_SEPARATOR) if code.strip()]
        found = {item.code: item for item in model.objects.filter(code__in=codes)}
        unknown = [code for code in codes if code not in found]
        if unknown:
            raise ValidationError(
                _("Unknown %(kind)s code(s): %(codes)s.")
                % {"kind": model._meta.verbose_name, "codes": ", ".join(unknown)}
            )
        return [found[code] for code in dict.fromkeys(codes)]

    return parse


def _category(value: str) -> Category | None:
    value = value.strip()
    try:
        return Category.objects.get(code=value)
    except Category.DoesNotExist:
        allowed = ", ".join(Category.objects.values_list("code", flat=True))
        raise ValidationError(
            _("Unknown category %(value)s; use one of: %(allowed)s.")
            % {"value": value, "allowed": allowed}
        ) from None


def _phones(value: str) -> list[str]:
    phones = [p.strip() for p in value.split(LIST_SEPARATOR) if p.strip()]
    for phone in phones:
        if not all(c.isdigit() or c in "+ -.()" for c in phone) or len(phone) > 30:
            raise ValidationError(_("%(value)s is not a phone number.") % {"value": phone})
    return phones


def _validated(validator) -> Callable[[str], str]:
    def parse(value: str) -> str:
        value = value.strip()
        if value:
            validator(value)
        return value

    return parse


def _urls(value: str) -> list[str]:
    urls = [url.strip() for url in value.split(URL_SEPARATOR.strip()) if url.strip()]
    validate = URLValidator()
    for url in urls:
        validate(url)
    return urls


def _opening_hours(value: str) -> dict:
    return hours.parse(value)


def _yes_no(value: str) -> bool:
    value = value.strip().lower()
    if value in {"", NO, "false", "0", "non", "لا"}:
        return False
    if value in {YES, "true", "1", "oui", "نعم"}:
        return True
    raise ValidationError(_("Write yes or no, not %(value)s.") % {"value": value})


COLUMNS = [
    Column(
        "external_ref",
        gettext_lazy("Unique reference of the row; required, never reused."),
        _text,
        required=True,
    ),
    Column("name_ar", gettext_lazy("Name in Arabic (name_ar or name_fr is required)."), _text),
    Column("name_fr", gettext_lazy("Name in French."), _text),
    Column("name_en", gettext_lazy("Name in English (optional)."), _text),
    Column(
        "category",
        gettext_lazy("Category code: disability, women, child-protection, parenting."),
        _category,
        required=True,
    ),
    Column("services", gettext_lazy("Service codes, separated by ;"), _codes(Service)),
    Column(
        "accessibility",
        gettext_lazy("Accessibility feature codes, separated by ;"),
        _codes(AccessibilityFeature),
    ),
    Column("description_ar", gettext_lazy("Description in Arabic."), _text),
    Column("description_fr", gettext_lazy("Description in French."), _text),
    Column("address_ar", gettext_lazy("Address in Arabic."), _text),
    Column("address_fr", gettext_lazy("Address in French."), _text),
    Column("eligibility_ar", gettext_lazy("Who may come and what to bring, in Arabic."), _text),
    Column("eligibility_fr", gettext_lazy("Who may come and what to bring, in French."), _text),
    Column("managing_organisation", gettext_lazy("Organisation that runs the center."), _text),
    Column("capacity", gettext_lazy("Number of places (whole number)."), _integer),
    Column("phones", gettext_lazy("Phone numbers, separated by ;"), _phones),
    Column("email", gettext_lazy("E-mail address."), _validated(EmailValidator())),
    Column("website", gettext_lazy("Website address (https://…)."), _validated(URLValidator())),
    Column(
        "opening_hours",
        gettext_lazy("Weekly hours: mon 08:30-12:00 14:00-16:30; tue 08:30-16:30"),
        _opening_hours,
    ),
    Column("opening_hours_note", gettext_lazy("Ramadan hours, holidays…"), _text),
    Column(
        "status",
        gettext_lazy("open, temporarily_closed, planned or closed (default open)."),
        _choice(Center.Status, default=Center.Status.OPEN),
    ),
    Column("status_note", gettext_lazy("Note on the status."), _text),
    Column(
        "latitude",
        gettext_lazy("Latitude in decimal degrees (WGS84), e.g. 34.0209."),
        _decimal_degrees,
    ),
    Column(
        "longitude",
        gettext_lazy("Longitude in decimal degrees (WGS84), e.g. -6.8416."),
        _decimal_degrees,
    ),
    Column(
        "commune_code",
        gettext_lazy(
            "HCP code of the commune, e.g. 04.421.01.0; enough on its own when the "
            "position is unknown."
        ),
        _text,
    ),
    Column(
        "location_precision",
        gettext_lazy("exact, street or commune (default exact with coordinates)."),
        _choice(Center.Precision),
    ),
    Column(
        "last_verified_on", gettext_lazy("Date the record was last checked (YYYY-MM-DD)."), _date
    ),
    Column(
        "source_urls",
        gettext_lazy("Where the facts were read: web addresses, separated by | "),
        _urls,
    ),
    Column(
        "archived", gettext_lazy("yes to archive the center, no (default) to publish it."), _yes_no
    ),
]
COLUMN_NAMES = [column.name for column in COLUMNS]
_COLUMNS_BY_NAME = {column.name: column for column in COLUMNS}


def read_sheet(data: bytes, filename: str) -> tuple[list[SheetRow], list[SheetError]]:
    """Parses a CSV or XLSX file into clean rows, or errors for every faulty cell."""
    if len(data) > MAX_FILE_BYTES:
        return [], [SheetError(0, "", _("The file is larger than 5 MB."))]
    try:
        table = _read_xlsx(data) if filename.lower().endswith(".xlsx") else _read_csv(data)
    # An untrusted file: whatever the parser raises (bad zip, bad XML, bad encoding…)
    # means the file cannot be read, and the person uploading it must be told so.
    except Exception as error:
        return [], [
            SheetError(
                0, "", _("The file cannot be read as CSV or XLSX: %(error)s") % {"error": error}
            )
        ]
    if not table:
        return [], [SheetError(0, "", _("The file is empty."))]
    header = [str(name or "").strip() for name in table[0]]
    errors = _header_errors(header)
    if errors:
        return [], errors
    if len(table) - 1 > MAX_ROWS:
        return [], [
            SheetError(0, "", _("More than %(max)s rows: split the file.") % {"max": MAX_ROWS})
        ]

    rows = []
    for index, cells in enumerate(table[1:], start=2):
        raw = dict(zip(header, (_cell_text(cell) for cell in cells), strict=False))
        if not any(raw.values()):
            continue
        row = SheetRow(index)
        for name, text in raw.items():
            if name not in _COLUMNS_BY_NAME:
                continue
            column = _COLUMNS_BY_NAME[name]
            if column.required and not text.strip():
                errors.append(SheetError(index, name, _("This column is required.")))
                continue
            try:
                row.values[name] = column.parse(text)
            except ValidationError as error:
                errors.extend(SheetError(index, name, message) for message in error.messages)
        if not raw.get("name_ar", "").strip() and not raw.get("name_fr", "").strip():
            errors.append(SheetError(index, "name_fr", _("Give a name in Arabic or in French.")))
        rows.append(row)
    errors.extend(_duplicate_reference_errors(rows))
    return rows, errors


def _header_errors(header: list[str]) -> list[SheetError]:
    errors = []
    unknown = [name for name in header if name and name not in _COLUMNS_BY_NAME]
    if unknown:
        errors.append(
            SheetError(1, "", _("Unknown columns: %(names)s.") % {"names": ", ".join(unknown)})
        )
    missing = [c.name for c in COLUMNS if c.required and c.name not in header]
    if missing:
        errors.append(
            SheetError(1, "", _("Missing columns: %(names)s.") % {"names": ", ".join(missing)})
        )
    if len(set(header)) != len(header):
        errors.append(SheetError(1, "", _("A column appears twice.")))
    return errors


def _duplicate_reference_errors(rows: list[SheetRow]) -> list[SheetError]:
    seen: dict[str, int] = {}
    errors = []
    for row in rows:
        reference = row.values.get("external_ref")
        if not reference:
            continue
        if reference in seen:
            errors.append(
                SheetError(
                    row.line,
                    "external_ref",
                    _("Same reference as line %(line)s.") % {"line": seen[reference]},
                )
            )
        seen.setdefault(reference, row.line)
    return errors


def _read_csv(data: bytes) -> list[list[str]]:
    text = data.decode("utf-8-sig")
    first_line = text.split("\n", 1)[0]
    # Spreadsheets set to French or Arabic save CSV with semicolons.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _read_xlsx(data: bytes) -> list[list[Any]]:
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 2)]
    finally:
        workbook.close()


def _cell_text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, datetime.datetime):
        return cell.date().isoformat()
    if isinstance(cell, datetime.date):
        return cell.isoformat()
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return unquote_formula(str(cell))


# What makes a spreadsheet read a cell as a formula: the characters of OWASP's "CSV
# Injection" page, the NUL of ASVS 1.2.10, and the line feed that an XLSX file gives back
# for a carriage return (XML keeps no "\r").
_FORMULA_TRIGGER = "[=+\\-@\t\r\n\x00]"
_FORMULA_START = re.compile("'*" + _FORMULA_TRIGGER)
_QUOTED_FORMULA_START = re.compile("'+" + _FORMULA_TRIGGER)
_PLAIN_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def quote_formula(text: str) -> str:
    """The text as a sheet cell that no spreadsheet reads as a formula; `unquote_formula`,
    which the import applies to every cell, gives back the same text, whatever it is.

    The rule: a text that begins with =, +, -, @, a tab, a carriage return, a line feed or
    NUL, after any number of apostrophes, is written with one more apostrophe in front;
    reading, a cell of one or more apostrophes followed by one of those characters loses
    one. So `=x` is written `'=x`, `'=x` is written `''=x`, and `x`, `'x` and `1-2` stay
    as they are. Every text comes back: a quoted one loses the apostrophe it gained, and
    one written as it is never begins with apostrophes and a trigger, so reading leaves
    it alone. A phone number `+212537000000` is written `'+212537000000` and keeps its +.
    A plain decimal number, such as the longitude `-6.8416`, is written as it is: a
    number is no formula, and spreadsheets and readers of the public CSV keep reading it
    as a number.
    """
    if _FORMULA_START.match(text) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def unquote_formula(cell: str) -> str:
    """The text that `quote_formula` wrote as this cell."""
    return cell[1:] if _QUOTED_FORMULA_START.match(cell) else cell


def center_row(center: Center) -> list[str]:
    """A center as a sheet row, in COLUMN_NAMES order (exact position: staff only)."""
    values = {
        "external_ref": center.external_ref or "",
        "category": center.category.code,
        "services": LIST_SEPARATOR.join(s.code for s in center.services.all()),
        "accessibility": LIST_SEPARATOR.join(a.code for a in center.accessibility.all()),
        "capacity": "" if center.capacity is None else str(center.capacity),
        "phones": LIST_SEPARATOR.join(center.phones),
        "source_urls": URL_SEPARATOR.join(center.source_urls),
        "opening_hours": hours.format_hours(center.opening_hours),
        "latitude": f"{center.location.y:.7f}",
        "longitude": f"{center.location.x:.7f}",
        "commune_code": center.commune.code,
        "last_verified_on": center.last_verified_on.isoformat() if center.last_verified_on else "",
        "archived": YES if center.archived else NO,
    }
    return [
        values[name] if name in values else str(getattr(center, name) or "")
        for name in COLUMN_NAMES
    ]


def write_csv(rows: Iterable[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMN_NAMES)
    writer.writerows([quote_formula(value) for value in row] for row in rows)
    # A byte-order mark lets spreadsheet programs recognise UTF-8 (Arabic text).
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def write_xlsx(rows: Iterable[list[str]], *, with_column_help: bool = False) -> bytes:
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("centers")
    sheet.append(_text_cells(sheet, COLUMN_NAMES))
    for row in rows:
        sheet.append(_text_cells(sheet, row))
    if with_column_help:
        help_sheet = workbook.create_sheet("columns")
        help_sheet.append(_text_cells(help_sheet, ["column", "required", "meaning"]))
        for column in COLUMNS:
            help_sheet.append(
                _text_cells(
                    help_sheet, [column.name, YES if column.required else NO, str(column.help)]
                )
            )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _text_cells(sheet, values: Iterable[str]) -> list[WriteOnlyCell]:
    """Cells holding text, never a formula, quoted as in CSV.

    The apostrophe is needed here too, as ASVS 1.2.10 asks for every spreadsheet format:
    Excel and LibreOffice do not evaluate a text cell when they open the file, but read
    it again as typed input when someone edits it, and `=…` becomes a formula then while
    `'=…` stays text.
    """
    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=quote_formula(value))
        # openpyxl writes any str that begins with "=" as a formula.
        cell.data_type = "s"
        cells.append(cell)
    return cells
