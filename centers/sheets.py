"""The bulk import and export sheet: one row per center, CSV or XLSX, the same columns
both ways so that an export imported again changes nothing.

Reading turns a file into `SheetRow`s of clean values and a list of `SheetError`s, each
naming the line, the column and the reason. It takes sheets as offices make them: in
UTF-8 or in Excel's Windows encodings, separated by commas, semicolons or tabs, with
headers, categories, services and statuses in English, French or Arabic; the template's
example row is left out. Nothing here writes to the database.
"""

import contextvars
import csv
import datetime
import io
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import openpyxl
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.cell import WriteOnlyCell

from . import hours
from .models import AccessibilityFeature, Category, Center, Service
from .phones import parse_phones

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
        _decimal_degrees,
    ),
    Column(
        "longitude",
        "Longitude",
        "خط الطول",
        gettext_lazy("Longitude in decimal degrees (WGS84), e.g. -6.8416."),
        _decimal_degrees,
    ),
    Column(
        "commune_code",
        "Code de la commune",
        "رمز الجماعة",
        gettext_lazy(
            "HCP code of the commune, e.g. 04.421.01.0; enough on its own when the "
            "position is unknown."
        ),
        _text,
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


def read_sheet(
    data: bytes, filename: str, *, max_rows: int = MAX_ROWS, max_bytes: int = MAX_FILE_BYTES
) -> tuple[list[SheetRow], list[SheetError]]:
    """Parses a CSV or XLSX file into clean rows, or errors for every faulty cell. The
    template's example row is marked, never imported. The limits are the web page's;
    the command takes larger sheets."""
    token = _taxonomies_read.set({})
    try:
        return _read_sheet(data, filename, max_rows=max_rows, max_bytes=max_bytes)
    finally:
        _taxonomies_read.reset(token)


def _read_sheet(data: bytes, filename: str, *, max_rows: int, max_bytes: int):
    if len(data) > max_bytes:
        return [], [
            SheetError(
                0,
                "",
                _("The file is larger than %(size)s MB.") % {"size": max_bytes // (1024 * 1024)},
            )
        ]
    try:
        table = _read_xlsx(data) if filename.lower().endswith(".xlsx") else _read_csv(data)
    # An untrusted file: whatever the parser raises (bad zip, bad XML, unknown encoding…)
    # means the file cannot be read, and the person uploading it must be told how to
    # save it so that it can.
    except Exception:
        return [], [
            SheetError(
                0,
                "",
                _(
                    "This file cannot be read: save the sheet as CSV UTF-8 or as an Excel "
                    "workbook (.xlsx), then try again."
                ),
            )
        ]
    if not table:
        return [], [SheetError(0, "", _("The file is empty."))]
    written = [str(cell or "").strip() for cell in table[0]]
    columns = [_COLUMNS_BY_HEADER.get(_normalised(header)) for header in written]
    errors = _header_errors(written, columns)
    if errors:
        return [], errors
    if len(table) - 1 > max_rows:
        return [], [
            SheetError(0, "", _("More than %(max)s rows: split the file.") % {"max": max_rows})
        ]

    rows = []
    for index, cells in enumerate(table[1:], start=2):
        # A row shorter than the header has blank cells at its end.
        cells = [*cells, *[None] * (len(columns) - len(cells))]
        raw = {
            column.name: _cell_text(cell)
            for column, cell in zip(columns, cells, strict=False)
            if column is not None
        }
        if not any(text.strip() for text in raw.values()):
            continue
        if _is_example(raw):
            rows.append(SheetRow(index, {"external_ref": raw.get("external_ref", "")}, True))
            continue
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
        rows.append(row)
    errors.extend(_duplicate_reference_errors(rows))
    return rows, errors


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


# Spreadsheets set to French or Arabic save CSV with semicolons; cells pasted into a text
# file are separated by tabs.
_DELIMITERS = [",", ";", "\t"]


def _read_csv(data: bytes) -> list[list[str]]:
    text = _decoded(data)
    first_line = text.split("\n", 1)[0]
    # The most frequent in the header; a comma on a tie.
    delimiter = max(_DELIMITERS, key=first_line.count)
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


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
    sheet = workbook.create_sheet("centers")
    sheet.append(_text_cells(sheet, COLUMN_NAMES))
    for row in rows:
        sheet.append(_text_cells(sheet, row))
    if with_column_help:
        help_sheet = workbook.create_sheet("columns")
        # Each language's name in that language: the headers a sheet may use.
        help_sheet.append(
            _text_cells(help_sheet, ["column", "français", "العربية", "required", "meaning"])
        )
        for column in COLUMNS:
            help_sheet.append(
                _text_cells(
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
