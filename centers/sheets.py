"""The bulk import and export sheet: one row per center, CSV or XLSX, the same columns
both ways so that an export imported again changes nothing.

Reading turns a file into `SheetRow`s of clean values and a list of `SheetError`s, each
naming the line, the column and the reason. It takes sheets as offices make them: in
UTF-8 or in Excel's Windows encodings, separated by commas, semicolons or tabs, with
headers, categories, services and statuses in English, French or Arabic; the template's
example row is left out. Nothing here writes to the database.

A sheet is read within bounds (its bytes, rows, columns and cells; for XLSX its archive
unpacked and its shared texts), so that no file takes the process much beyond what the
largest import takes: `inspect_sheet` checks them before any cell is read, and the rows
are then read one at a time.
"""

import contextlib
import contextvars
import csv
import datetime
import io
import re
import struct
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

import openpyxl
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils.cell import range_boundaries

from geo_directory import parameters

from . import hours
from .models import AccessibilityFeature, Category, Center, Service
from .phones import parse_phones

# The bounds of a sheet (README: limits of a sheet): an import of 50,000 rows with room
# to spare, and no file that would take the process far beyond what such an import takes.
MAX_FILE_BYTES = 32 * 1024 * 1024
MAX_ROWS = 60_000
# More than twice the template's columns, for blank columns and notes beside them.
MAX_COLUMNS = 64
# 60,000 rows of 50 cells.
MAX_CELLS = 3_000_000
# A CSV row, whose cells may hold line breaks: the template's columns filled with cells
# of Excel's largest, 32,767 characters, hold 950,243.
MAX_ROW_CHARS = 1_048_576
# An XLSX file is a zip archive of XML parts. Unpacked, the worksheet of 60,000 rows of
# long texts in every column, as the export writes them, takes 180 MB.
MAX_UNCOMPRESSED_BYTES = 256 * 1024 * 1024
MAX_ENTRIES = 1000
# The archive's directory, which zipfile reads whole, an object per entry.
MAX_DIRECTORY_BYTES = 1024 * 1024
# Each part other than worksheets and shared texts (styles, relationships, images…):
# openpyxl reads the XML ones whole into memory.
MAX_PART_BYTES = 4 * 1024 * 1024
# The workbook's shared texts, which openpyxl holds in memory all at once: 60,000 rows of
# the template's columns, all different, are 1.74 million.
MAX_SHARED_STRINGS = 2_000_000
MAX_SHARED_STRINGS_BYTES = 128 * 1024 * 1024
# XML tags, opening or closing, for a cell (six hold a text: <c><is><t>…</t></is></c>) or
# a shared text (four: <si><t>…</t></si>), with room for formatted runs of text. Tags
# are counted whatever their namespace prefix and form: they bound the parser's work
# where cells go uncounted.
XML_TAGS_PER_CELL = 8
LIST_SEPARATOR = ";"
# The worksheet of centers in a workbook. It is read by this name when the workbook has
# it, so that other worksheets may come before it (the onboarding sheet's instructions),
# and otherwise the first worksheet is read, as offices' own workbooks have it.
CENTERS_SHEET = "centers"
# Between a commune's code and its name, as a sheet's list of communes offers them
# (`commune_label`); the import reads the code before it.
COMMUNE_LABEL_SEPARATOR = " — "
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
    # The template's example row: reported, never imported.
    example: bool = False


@dataclass(frozen=True)
class Column:
    name: str  # the header of exports and templates, also read as the English header
    header_fr: str
    header_ar: str
    help: str
    parse: Callable[[str], Any]
    required: bool = False


def _normalised(text: str) -> str:
    """A header or a name as the import compares them: without case, accents (Arabic
    vowel marks and hamza included), spaces or punctuation."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if c.isalnum()).casefold()


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


def _degrees(read):
    """A latitude or longitude cell, read by the parameter layer; a decimal comma is
    what French spreadsheets write."""

    def cell(value: str) -> float | None:
        value = value.strip().replace(",", ".")
        if not value:
            return None
        try:
            return read(value)
        except parameters.ParameterError as error:
            raise ValidationError(
                _("%(value)s: %(why)s") % {"value": value, "why": error.message}
            ) from None

    return cell


_latitude = _degrees(parameters.latitude)
_longitude = _degrees(parameters.longitude)


# Day first, as French and Arabic spreadsheets write dates: 31/01/2026.
_DAY_MONTH_YEAR = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")


def _date(value: str) -> datetime.date | None:
    """DD/MM/YYYY or YYYY-MM-DD, either followed by a time of day as spreadsheets may
    write it."""
    value = value.strip()
    if not value:
        return None
    day, _separator, time_of_day = value.partition("T" if "T" in value else " ")
    try:
        if time_of_day:
            datetime.time.fromisoformat(time_of_day)
        day_first = _DAY_MONTH_YEAR.fullmatch(day)
        if day_first:
            return datetime.date(int(day_first[3]), int(day_first[2]), int(day_first[1]))
        return datetime.date.fromisoformat(day)
    except ValueError:
        raise ValidationError(
            _("%(value)s is not a date (DD/MM/YYYY or YYYY-MM-DD).") % {"value": value}
        ) from None


def _choice(choices, default: str = "") -> Callable[[str], str]:
    """A choice written as its value or as its label in any language of the site."""

    def parse(value: str) -> str:
        written = _normalised(value)
        if not written:
            return default
        for choice, label in choices.choices:
            if written in {_normalised(choice), *map(_normalised, _in_every_language(label))}:
                return choice
        raise ValidationError(
            _("%(value)s is not one of: %(allowed)s.")
            % {"value": value.strip(), "allowed": ", ".join(choices.values)}
        )

    return parse


def _in_every_language(text) -> list[str]:
    translations = []
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            translations.append(str(text))
    return translations


# The taxonomies as one reading of a sheet found them: read once, not once per cell.
_taxonomies_read: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "taxonomies_read", default=None
)


def _by_code_or_name(model) -> dict[str, Any]:
    """The entries of a taxonomy by their code and by their name in each language, all
    normalised. A name that two entries share finds neither: the sheet must say which."""
    read = _taxonomies_read.get()
    if read is not None and model in read:
        return read[model]
    found = _entries_by_code_or_name(model)
    if read is not None:
        read[model] = found
    return found


def _entries_by_code_or_name(model) -> dict[str, Any]:
    entries = list(model.objects.all())
    by_name: dict[str, set] = {}
    for entry in entries:
        for name in (entry.name_ar, entry.name_fr, entry.name_en):
            by_name.setdefault(_normalised(name), set()).add(entry)
    found = {key: next(iter(same)) for key, same in by_name.items() if key and len(same) == 1}
    found.update({_normalised(entry.code): entry for entry in entries})
    return found


def _codes(model) -> Callable[[str], list]:
    def parse(value: str) -> list:
        written = [part.strip() for part in value.split(LIST_SEPARATOR) if part.strip()]
        if not written:
            return []
        found = _by_code_or_name(model)
        unknown = [part for part in written if _normalised(part) not in found]
        if unknown:
            raise ValidationError(
                _("Unknown %(kind)s code(s): %(codes)s.")
                % {"kind": model._meta.verbose_name, "codes": ", ".join(unknown)}
            )
        return list(dict.fromkeys(found[_normalised(part)] for part in written))

    return parse


def _category(value: str) -> Category:
    category = _by_code_or_name(Category).get(_normalised(value))
    if category is None:
        allowed = ", ".join(Category.objects.values_list("code", flat=True))
        raise ValidationError(
            _("Unknown category %(value)s; use one of: %(allowed)s.")
            % {"value": value.strip(), "allowed": allowed}
        )
    return category


def _validated(validator) -> Callable[[str], str]:
    def parse(value: str) -> str:
        value = value.strip()
        if value:
            validator(value)
        return value

    return parse


def commune_label(code: str, name: str) -> str:
    """A commune as a list of a sheet offers it: its code, then its name."""
    return f"{code}{COMMUNE_LABEL_SEPARATOR}{name}"


def _commune_code(value: str) -> str:
    """A commune's code, written alone or followed by its name (`commune_label`)."""
    return value.partition(COMMUNE_LABEL_SEPARATOR.strip())[0].strip()


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
        "Référence",
        "المرجع",
        gettext_lazy("Unique reference of the row; required, never reused."),
        _text,
        required=True,
    ),
    Column(
        "name_ar",
        "Nom (arabe)",
        "الاسم بالعربية",
        gettext_lazy("Name in Arabic (name_ar or name_fr is required)."),
        _text,
    ),
    Column("name_fr", "Nom (français)", "الاسم بالفرنسية", gettext_lazy("Name in French."), _text),
    Column(
        "name_en",
        "Nom (anglais)",
        "الاسم بالإنجليزية",
        gettext_lazy("Name in English (optional)."),
        _text,
    ),
    Column(
        "category",
        "Catégorie",
        "الفئة",
        gettext_lazy(
            "Category: its code (disability, women, child-protection, parenting) or its name "
            "in any language."
        ),
        _category,
        required=True,
    ),
    Column(
        "services",
        "Services",
        "الخدمات",
        gettext_lazy("Service codes or names, separated by ;"),
        _codes(Service),
    ),
    Column(
        "accessibility",
        "Accessibilité",
        "الولوجيات",
        gettext_lazy("Accessibility feature codes or names, separated by ;"),
        _codes(AccessibilityFeature),
    ),
    Column(
        "description_ar",
        "Description (arabe)",
        "الوصف بالعربية",
        gettext_lazy("Description in Arabic."),
        _text,
    ),
    Column(
        "description_fr",
        "Description (français)",
        "الوصف بالفرنسية",
        gettext_lazy("Description in French."),
        _text,
    ),
    Column(
        "address_ar",
        "Adresse (arabe)",
        "العنوان بالعربية",
        gettext_lazy("Address in Arabic."),
        _text,
    ),
    Column(
        "address_fr",
        "Adresse (français)",
        "العنوان بالفرنسية",
        gettext_lazy("Address in French."),
        _text,
    ),
    Column(
        "eligibility_ar",
        "Conditions d'accès (arabe)",
        "شروط الاستفادة بالعربية",
        gettext_lazy("Who may come and what to bring, in Arabic."),
        _text,
    ),
    Column(
        "eligibility_fr",
        "Conditions d'accès (français)",
        "شروط الاستفادة بالفرنسية",
        gettext_lazy("Who may come and what to bring, in French."),
        _text,
    ),
    Column(
        "managing_organisation",
        "Organisme gestionnaire",
        "الجهة المسيرة",
        gettext_lazy("Organisation that runs the center."),
        _text,
    ),
    Column(
        "capacity",
        "Capacité",
        "الطاقة الاستيعابية",
        gettext_lazy("Number of places (whole number)."),
        _integer,
    ),
    Column(
        "phones",
        "Téléphones",
        "أرقام الهاتف",
        gettext_lazy("Phone numbers, separated by ;"),
        parse_phones,
    ),
    Column(
        "email",
        "E-mail",
        "البريد الإلكتروني",
        gettext_lazy("E-mail address."),
        _validated(EmailValidator()),
    ),
    Column(
        "website",
        "Site web",
        "الموقع الإلكتروني",
        gettext_lazy("Website address (https://…)."),
        _validated(URLValidator()),
    ),
    Column(
        "opening_hours",
        "Horaires",
        "أوقات العمل",
        gettext_lazy("Weekly hours: mon 08:30-12:00 14:00-16:30; tue 08:30-16:30"),
        _opening_hours,
    ),
    Column(
        "opening_hours_note",
        "Remarque sur les horaires",
        "ملاحظة حول أوقات العمل",
        gettext_lazy("Ramadan hours, holidays…"),
        _text,
    ),
    Column(
        "status",
        "Statut",
        "الوضعية",
        gettext_lazy(
            "open, temporarily_closed, planned or closed, in any language (default open)."
        ),
        _choice(Center.Status, default=Center.Status.OPEN),
    ),
    Column(
        "status_note",
        "Remarque sur le statut",
        "ملاحظة حول الوضعية",
        gettext_lazy("Note on the status."),
        _text,
    ),
    Column(
        "latitude",
        "Latitude",
        "خط العرض",
        gettext_lazy("Latitude in decimal degrees (WGS84), e.g. 34.0209."),
        _latitude,
    ),
    Column(
        "longitude",
        "Longitude",
        "خط الطول",
        gettext_lazy("Longitude in decimal degrees (WGS84), e.g. -6.8416."),
        _longitude,
    ),
    Column(
        "commune_code",
        "Code de la commune",
        "رمز الجماعة",
        gettext_lazy(
            "HCP code of the commune, e.g. 04.421.01.0; enough on its own when the "
            "position is unknown."
        ),
        _commune_code,
    ),
    Column(
        "location_precision",
        "Précision de la position",
        "دقة الموقع",
        gettext_lazy("exact, street or commune (default exact with coordinates)."),
        _choice(Center.Precision),
    ),
    Column(
        "last_verified_on",
        "Vérifié le",
        "تاريخ آخر تحقق",
        gettext_lazy("Date the record was last checked (DD/MM/YYYY or YYYY-MM-DD)."),
        _date,
    ),
    Column(
        "source_urls",
        "Sources",
        "المصادر",
        gettext_lazy("Where the facts were read: web addresses, separated by | "),
        _urls,
    ),
    Column(
        "archived",
        "Archivé",
        "مؤرشف",
        gettext_lazy("yes to archive the center, no (default) to publish it."),
        _yes_no,
    ),
]
COLUMN_NAMES = [column.name for column in COLUMNS]
_COLUMNS_BY_NAME = {column.name: column for column in COLUMNS}
# Each column by its English, French and Arabic header, normalised.
_COLUMNS_BY_HEADER = {
    _normalised(header): column
    for column in COLUMNS
    for header in (column.name, column.header_fr, column.header_ar)
}

# The template's example row: it shows every column's format and is not a real center.
_EXAMPLE = {
    "external_ref": "example-1",
    "name_ar": "مثال: احذف هذا السطر",
    "name_fr": "EXEMPLE : supprimez cette ligne",
    "category": "disability",
    "services": "reception-listening;orientation",
    "accessibility": "step-free-access",
    "phones": "05 37 00 00 00; 06 61 00 00 00",
    "opening_hours": "mon 08:30-12:00 14:00-16:30; tue 08:30-16:30",
    "status": "open",
    "latitude": "34.0209",
    "longitude": "-6.8416",
    "location_precision": "street",
    "last_verified_on": "31/01/2026",
    "archived": "no",
}


def example_row() -> list[str]:
    return [_EXAMPLE.get(name, "") for name in COLUMN_NAMES]


def _is_example(raw: dict[str, str]) -> bool:
    """The example row left in a filled template: its reference with one of its names,
    so that a real center that happens to be called example-1 is still imported."""
    return raw.get("external_ref", "").strip() == _EXAMPLE["external_ref"] and any(
        _normalised(raw.get(name, "")) == _normalised(_EXAMPLE[name])
        for name in ("name_ar", "name_fr")
    )


def inspect_sheet(
    data: bytes, filename: str, *, max_rows: int = MAX_ROWS, max_bytes: int = MAX_FILE_BYTES
) -> list[SheetError]:
    """The error that a sheet's size alone earns, if any, found without reading the
    values of its cells: the file's bytes; for XLSX the archive's entries and their sizes
    unpacked, each worksheet's declared dimension and its rows and cells counted in its
    XML, the number of shared texts; for CSV its rows, cells and columns. It takes a
    fraction of the reading's time, so that a web request can refuse a hostile file at
    once; `read_sheet` begins with it."""
    if len(data) > max_bytes:
        return [
            SheetError(
                0,
                "",
                _("The file is larger than %(size)s MB.") % {"size": max_bytes // (1024 * 1024)},
            )
        ]
    try:
        if _is_workbook(filename):
            _check_workbook(data, max_rows=max_rows)
        else:
            for _row in _csv_rows(_decoded(data), max_rows=max_rows):
                pass
    except _Refused as refusal:
        return [refusal.error]
    # An untrusted file: whatever the parser raises (bad zip, bad XML, unknown encoding…)
    # means the file cannot be read, and the person uploading it must be told how to
    # save it so that it can.
    except Exception:
        return [SheetError(0, "", _unreadable())]
    return []


def read_sheet(
    data: bytes, filename: str, *, max_rows: int = MAX_ROWS, max_bytes: int = MAX_FILE_BYTES
) -> tuple[list[SheetRow], list[SheetError]]:
    """Parses a CSV or XLSX file into clean rows, or errors for every faulty cell. The
    template's example row is marked, never imported. A file beyond the bounds is
    refused by `inspect_sheet` first; the others are read one row at a time, no further
    than the bounds."""
    errors = inspect_sheet(data, filename, max_rows=max_rows, max_bytes=max_bytes)
    if errors:
        return [], errors
    token = _taxonomies_read.set({})
    try:
        return _read_sheet(data, filename, max_rows=max_rows)
    except _Refused as refusal:
        return [], [refusal.error]
    finally:
        _taxonomies_read.reset(token)


def _read_sheet(data: bytes, filename: str, *, max_rows: int):
    source = (
        _xlsx_rows(data, max_rows=max_rows)
        if _is_workbook(filename)
        else _csv_rows(_decoded(data), max_rows=max_rows)
    )
    with contextlib.closing(source):
        table = _readable(source)
        header_cells = next(table, None)
        if header_cells is None:
            return [], [SheetError(0, "", _("The file is empty."))]
        written = [str(cell or "").strip() for cell in header_cells]
        columns = [_COLUMNS_BY_HEADER.get(_normalised(header)) for header in written]
        errors = _header_errors(written, columns)
        if errors:
            return [], errors
        rows = []
        for index, cells in enumerate(table, start=2):
            _check_bounds(max_rows=max_rows, rows=index - 1)
            row = _sheet_row(index, cells, columns, errors)
            if row is not None:
                rows.append(row)
    errors.extend(_duplicate_reference_errors(rows))
    return rows, errors


def _sheet_row(
    index: int, cells: Sequence[Any], columns: list[Column | None], errors: list[SheetError]
) -> SheetRow | None:
    """A row's clean values, its faults added to `errors`; None for a blank row."""
    # A row shorter than the header has blank cells at its end.
    cells = [*cells, *[None] * (len(columns) - len(cells))]
    raw = {
        column.name: _cell_text(cell)
        for column, cell in zip(columns, cells, strict=False)
        if column is not None
    }
    if not any(text.strip() for text in raw.values()):
        return None
    if _is_example(raw):
        return SheetRow(index, {"external_ref": raw.get("external_ref", "")}, True)
    row = SheetRow(index)
    for name, text in raw.items():
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
    return row


def row_values(cells: dict[str, str]) -> tuple[dict[str, Any], list[SheetError]]:
    """The clean values of one row given as texts by column name, read as an import reads
    them, with their faults."""
    errors: list[SheetError] = []
    row = _sheet_row(0, [cells.get(column.name, "") for column in COLUMNS], COLUMNS, errors)
    return (row.values if row else {}), errors


def _header_errors(written: list[str], columns: list[Column | None]) -> list[SheetError]:
    errors = []
    unknown = [
        header for header, column in zip(written, columns, strict=True) if header and not column
    ]
    if unknown:
        errors.append(
            SheetError(1, "", _("Unknown columns: %(names)s.") % {"names": ", ".join(unknown)})
        )
    found = [column.name for column in columns if column is not None]
    missing = [c.name for c in COLUMNS if c.required and c.name not in found]
    if missing:
        errors.append(
            SheetError(1, "", _("Missing columns: %(names)s.") % {"names": ", ".join(missing)})
        )
    if len(set(found)) != len(found):
        errors.append(SheetError(1, "", _("A column appears twice.")))
    return errors


def _duplicate_reference_errors(rows: list[SheetRow]) -> list[SheetError]:
    seen: dict[str, int] = {}
    errors = []
    for row in rows:
        reference = row.values.get("external_ref")
        if not reference or row.example:
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


class _Refused(Exception):
    """A file refused as a whole: one error says why."""

    def __init__(self, message: str, line: int = 0):
        super().__init__(message)
        self.error = SheetError(line, "", message)


def _unreadable() -> str:
    return _(
        "This file cannot be read: save the sheet as CSV UTF-8 or as an Excel "
        "workbook (.xlsx), then try again."
    )


def _readable(rows: Iterator[Sequence[Any]]) -> Iterator[Sequence[Any]]:
    """The rows of an untrusted file, one at a time: whatever its parser raises (bad zip,
    bad XML, bad quoting…) means the file cannot be read."""
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except _Refused:
            raise
        except Exception as error:
            raise _Refused(_unreadable()) from error
        yield row


def _check_bounds(
    *, max_rows: int, rows: int = 0, widest: int = 0, cells: int = 0, line: int = 0
) -> None:
    """Refuses a sheet of more rows after its header, more cells in a row, or more cells
    in all than the bounds allow."""
    if rows > max_rows:
        raise _Refused(_("More than %(max)s rows: split the file.") % {"max": max_rows})
    if widest > MAX_COLUMNS:
        raise _Refused(
            _("More than %(max)s columns: keep only the columns of the template.")
            % {"max": MAX_COLUMNS},
            line,
        )
    if cells > MAX_CELLS:
        raise _Refused(_("More than %(max)s cells: split the file.") % {"max": MAX_CELLS})


def _check_unpacked(size: int, limit: int) -> None:
    if size > limit:
        raise _Refused(
            _(
                "Unpacked, this workbook would take more than %(size)s MB: save the sheet "
                "of centers alone in a new workbook, or as CSV UTF-8."
            )
            % {"size": limit // (1024 * 1024)}
        )


def _check_complexity(count: int, limit: int) -> None:
    """Refuses a workbook of more entries, or XML tags, than any sheet of centers
    needs."""
    if count > limit:
        raise _Refused(
            _(
                "This workbook is too complex to be read: save the sheet of centers alone "
                "in a new workbook, or as CSV UTF-8."
            )
        )


def _check_shared_texts(count: int) -> None:
    if count > MAX_SHARED_STRINGS:
        raise _Refused(
            _("More than %(max)s different texts in the workbook: split the file.")
            % {"max": MAX_SHARED_STRINGS}
        )


# Spreadsheets set to French or Arabic save CSV with semicolons; cells pasted into a text
# file are separated by tabs.
_DELIMITERS = [",", ";", "\t"]
# A line with its end as csv reads them: \r\n, \n, or \r (saved on a Mac).
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)?")


def _csv_rows(text: str, *, max_rows: int) -> Iterator[list[str]]:
    """The rows of a CSV text one at a time, within the bounds: rows, cells, columns of a
    row, and characters of a row, counted line by line as the row is read, so that no
    longer row is ever held."""
    # The most frequent in the header; a comma on a tie.
    delimiter = max(_DELIMITERS, key=text[:MAX_ROW_CHARS].split("\n", 1)[0].count)
    line = 1
    row_chars = 0

    def lines() -> Iterator[str]:
        nonlocal row_chars
        position = 0
        while position < len(text):
            end = _LINE.match(text, position).end()
            row_chars += end - position
            if row_chars > MAX_ROW_CHARS:
                raise _Refused(
                    _("This line is longer than %(max)s characters.") % {"max": MAX_ROW_CHARS},
                    line,
                )
            yield text[position:end]
            position = end

    cells = 0
    for row in csv.reader(lines(), delimiter=delimiter):
        cells += len(row)
        _check_bounds(max_rows=max_rows, rows=line - 1, widest=len(row), cells=cells, line=line)
        yield row
        line += 1
        row_chars = 0


# Characters that no text sheet holds, but a binary file read as one does.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ARABIC_LETTER = "[\u0621-\u064a\u0671-\u06d3]"
_LATIN_LETTER = "[A-Za-z\u00c0-\u024f]"
_ARABIC_WORD = re.compile(_ARABIC_LETTER + "{2}")
_MIXED_WORD = re.compile(f"{_ARABIC_LETTER}{_LATIN_LETTER}|{_LATIN_LETTER}{_ARABIC_LETTER}")


def _decoded(data: bytes) -> str:
    """The text of a CSV file saved in UTF-8 (with or without a byte-order mark), or by
    Excel's "CSV" on Windows: in Windows-1256 on an Arabic system, Windows-1252 on a
    French one.

    UTF-8 is tried first, strictly: text in another encoding is almost never valid
    UTF-8. Every byte has a meaning in Windows-1256 and all but five in Windows-1252, so
    the bytes cannot tell those two apart; what they read as can. Arabic text read as
    1252 gives Latin gibberish (ÇáÑÈÇØ); French read as 1256 keeps its small letters
    with accents, but its capitals with accents become Arabic letters, alone (À) or
    inside Latin words (ÉCOLE, AGRÉÉ: ةCOLE, AGRةة). So the file is Arabic when, read as
    1256, it has two Arabic letters in a row and no Arabic letter touching a Latin one;
    French (1252) otherwise.
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    arabic = data.decode("cp1256")
    if (
        not _CONTROL.search(arabic)
        and _ARABIC_WORD.search(arabic)
        and not _MIXED_WORD.search(arabic)
    ):
        return arabic
    french = data.decode("cp1252")
    if _CONTROL.search(french):
        raise ValueError("Not text: it holds control characters.")
    return french


def _is_workbook(filename: str) -> bool:
    return filename.lower().endswith(".xlsx")


def _xlsx_rows(data: bytes, *, max_rows: int) -> Iterator[tuple[Any, ...]]:
    """The rows of the worksheet of centers (CENTERS_SHEET, else the first), streamed,
    each as MAX_COLUMNS values: cells further right are never kept, and one row past
    `max_rows` tells that there are more."""
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        centers = (
            workbook[CENTERS_SHEET]
            if CENTERS_SHEET in workbook.sheetnames
            else workbook.worksheets[0]
        )
        yield from centers.iter_rows(values_only=True, max_col=MAX_COLUMNS, max_row=max_rows + 2)
    finally:
        workbook.close()


# The record that ends a zip archive, followed by a comment of at most 65,535 bytes: its
# signature, then the number of entries at byte 10 and the directory's size at byte 12,
# little-endian.
_END_OF_ARCHIVE = b"PK\x05\x06"
_END_OF_ARCHIVE_BYTES = 22
# The start of a part, where its root element and a worksheet's dimension are.
_HEAD_BYTES = 8 * 1024
_CHUNK_BYTES = 64 * 1024
# Parts that openpyxl reads as XML. Offices' spreadsheets write them in UTF-8, root
# element first; one whose start shows no root (a DTD, whose entities could expand
# to any size, UTF-16, a long comment) is refused.
_XML_PARTS = (".xml", ".rels")
_XML_ROOT = re.compile(
    rb"(?:\xef\xbb\xbf)?\s*(?:<\?.*?\?>\s*|<!--.*?-->\s*)*"
    rb"<(?:([A-Za-z_][\w.-]*):)?([A-Za-z_][\w.-]*)[\s/>]",
    re.DOTALL,
)
_DIMENSION = re.compile(
    rb"<(?:[\w.-]+:)?dimension\s[^>]*?\bref\s*=\s*[\"']"
    rb"([A-Za-z]{1,3}[0-9]{1,7}(?::[A-Za-z]{1,3}[0-9]{1,7})?)[\"']"
)
_SHARED_TEXTS_DECLARED = re.compile(rb"\b(count|uniqueCount)\s*=\s*[\"']([0-9]{1,12})[\"']")


def _check_workbook(data: bytes, *, max_rows: int) -> None:
    """Refuses an XLSX file whose archive, worksheets or shared texts exceed the bounds,
    read from the archive's directory and by streaming its parts through counts of
    their tags: nothing is unpacked whole, no XML is parsed."""
    entries, directory_bytes = _zip_directory(data)
    _check_complexity(entries, MAX_ENTRIES)
    _check_complexity(directory_bytes, MAX_DIRECTORY_BYTES)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = archive.infolist()
        _check_complexity(len(parts), MAX_ENTRIES)
        # The sizes that the directory declares bound what zipfile will ever unpack.
        _check_unpacked(sum(part.file_size for part in parts), MAX_UNCOMPRESSED_BYTES)
        for part in parts:
            _check_part(archive, part, max_rows=max_rows)


def _zip_directory(data: bytes) -> tuple[int, int]:
    """The number of entries and the directory's bytes that a zip archive declares, read
    before zipfile builds an object for each entry. An archive too large for these
    fields (zip64) gives their largest values."""
    end = data.rfind(_END_OF_ARCHIVE, max(0, len(data) - _END_OF_ARCHIVE_BYTES - 65_535))
    if end < 0 or end + _END_OF_ARCHIVE_BYTES > len(data):
        raise _Refused(_unreadable())
    entries, directory_bytes = struct.unpack_from("<HI", data, end + 10)
    return entries, directory_bytes


def _check_part(archive: zipfile.ZipFile, part: zipfile.ZipInfo, *, max_rows: int) -> None:
    with archive.open(part) as stream:
        head = stream.read(_HEAD_BYTES)
        root = _XML_ROOT.match(head)
        if root is None and part.filename.lower().endswith(_XML_PARTS):
            raise _Refused(_unreadable())
        if root is not None and root[2] == b"worksheet":
            _check_worksheet(head, stream, prefix=root[1] or b"", max_rows=max_rows)
            return
        if root is not None and root[2] == b"sst":
            _check_unpacked(part.file_size, MAX_SHARED_STRINGS_BYTES)
            _check_shared_strings(head, stream, root)
            return
    _check_unpacked(part.file_size, MAX_PART_BYTES)


def _check_worksheet(head: bytes, stream: IO[bytes], *, prefix: bytes, max_rows: int) -> None:
    """A worksheet's declared dimension, then its rows, the cells of each and its XML
    tags, counted as it streams. Cells are counted by their tag under the root's
    namespace prefix; tags, whatever their prefix, bound the parser's work."""
    dimension = _DIMENSION.search(head)
    if dimension:
        _first_column, _first_row, last_column, last_row = range_boundaries(
            dimension[1].decode().upper()
        )
        _check_bounds(
            max_rows=max_rows, rows=last_row - 1, widest=last_column, cells=last_row * last_column
        )
    row_start = b"<" + prefix + b"row"
    cell_starts = (b"<" + prefix + b"c ", b"<" + prefix + b"c>")
    cells_end = b"</" + prefix + b"sheetData"
    rows = cells = tags = row_cells = row_tags = 0
    in_cells = True
    for chunk in _xml_chunks(head, stream, longest=len(cells_end) + 1):
        tags += chunk.count(b"<")
        _check_complexity(tags, MAX_CELLS * XML_TAGS_PER_CELL)
        if not in_cells:
            continue
        end = chunk.find(cells_end)
        if end >= 0:
            chunk, in_cells = chunk[:end], False
        # Each piece after the first is a new row; the first goes on with the last one.
        for number, piece in enumerate(chunk.split(row_start)):
            if number:
                rows += 1
                row_cells = row_tags = 0
            if not rows:
                continue
            found = piece.count(cell_starts[0]) + piece.count(cell_starts[1])
            row_cells += found
            cells += found
            row_tags += piece.count(b"<")
            _check_bounds(max_rows=max_rows, rows=rows - 1, widest=row_cells, cells=cells)
            _check_complexity(row_tags, MAX_COLUMNS * XML_TAGS_PER_CELL)


def _check_shared_strings(head: bytes, stream: IO[bytes], root: re.Match[bytes]) -> None:
    """The number of shared texts, as the table declares it, then as counted in its XML
    as it streams, with its tags."""
    declared = dict(_SHARED_TEXTS_DECLARED.findall(head[root.end() :].split(b">", 1)[0]))
    _check_shared_texts(int(declared.get(b"uniqueCount", declared.get(b"count", b"0"))))
    text_start = b"<" + (root[1] or b"") + b"si"
    text_starts = (text_start + b">", text_start + b" ")
    texts = tags = 0
    for chunk in _xml_chunks(head, stream, longest=len(text_start) + 1):
        texts += chunk.count(text_starts[0]) + chunk.count(text_starts[1])
        tags += chunk.count(b"<")
        _check_shared_texts(texts)
        _check_complexity(tags, MAX_SHARED_STRINGS * XML_TAGS_PER_CELL)


def _xml_chunks(head: bytes, stream: IO[bytes], *, longest: int) -> Iterator[bytes]:
    """A part's XML, from its head on, in chunks that cut no tag searched for: each ends
    before a "<" closer to its end than the longest such tag."""
    pending = head
    while chunk := stream.read(_CHUNK_BYTES):
        text = pending + chunk
        cut = text.rfind(b"<", max(0, len(text) - longest))
        if cut < 0:
            cut = len(text)
        yield text[:cut]
        pending = text[cut:]
    yield pending


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
    return b"".join(csv_lines(rows))


def csv_lines(rows: Iterable[list[str]]) -> Iterable[bytes]:
    """The CSV export line by line, for streaming."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    # A byte-order mark lets spreadsheet programs recognise UTF-8 (Arabic text).
    buffer.write("\ufeff")
    writer.writerow(COLUMN_NAMES)
    for row in rows:
        writer.writerow([quote_formula(value) for value in row])
        if buffer.tell() > 64 * 1024:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def write_xlsx(rows: Iterable[list[str]], *, with_column_help: bool = False) -> bytes:
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(CENTERS_SHEET)
    sheet.append(text_cells(sheet, COLUMN_NAMES))
    for row in rows:
        sheet.append(text_cells(sheet, row))
    if with_column_help:
        help_sheet = workbook.create_sheet("columns")
        # Each language's name in that language: the headers a sheet may use.
        help_sheet.append(
            text_cells(help_sheet, ["column", "français", "العربية", "required", "meaning"])
        )
        for column in COLUMNS:
            help_sheet.append(
                text_cells(
                    help_sheet,
                    [
                        column.name,
                        column.header_fr,
                        column.header_ar,
                        YES if column.required else NO,
                        str(column.help),
                    ],
                )
            )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def text_cells(sheet, values: Iterable[str]) -> list[WriteOnlyCell]:
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
