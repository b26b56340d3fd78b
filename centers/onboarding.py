"""The onboarding sheet of a province: an XLSX workbook that a provincial delegation fills
with its centers and sends back, to be imported as any sheet is (centers/sheets.py).

Its first worksheet tells how to fill it; then comes the worksheet of centers
(`sheets.CENTERS_SHEET`) in the columns of the import, holding the province's known
centers as the export writes them, then blank rows; a hidden worksheet holds the lists
that the cells' validations offer (a list longer than 255 characters must be a range of
cells). The import reads the worksheet of centers by its name and ignores the others.

Delegations read Arabic and French, whoever downloads the sheet: its own texts are
written here in both languages at once, rather than in the language of the staff
member. The columns' meanings are the import's own, read in each language.
"""

import io
import math
from dataclasses import dataclass

import openpyxl
from django.contrib.gis.db.models import Extent
from django.db.models import QuerySet
from django.utils import translation
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from regions.models import Commune, Province

from . import sheets
from .models import AccessibilityFeature, Category, Center, Service
from .roles import regions_seen

# Rows left blank after the known centers, for the new ones.
BLANK_ROWS = 50
INSTRUCTIONS_SHEET = "تعليمات - Instructions"
LISTS_SHEET = "lists"
# Coordinates shown to 6 decimals (about 10 cm); every other cell of the centers is text,
# so that a spreadsheet keeps a phone's leading 0 and a date as it is typed.
COORDINATE_FORMAT = "0.000000"
TEXT_FORMAT = "@"
# Excel refuses to open a workbook whose validation messages are longer.
MESSAGE_MAX_CHARS = 255


@dataclass(frozen=True)
class Bilingual:
    """A text of the sheet in Arabic and in French."""

    ar: str
    fr: str

    def __str__(self):
        return f"{self.ar}\n{self.fr}"


@dataclass(frozen=True)
class Bounds:
    """Morocco's extent in decimal degrees (WGS84), rounded outwards to 0.01°."""

    min_latitude: float
    max_latitude: float
    min_longitude: float
    max_longitude: float


def morocco_bounds() -> Bounds:
    """The extent of the communes' boundaries, read from their stored boxes."""
    min_lon, min_lat, max_lon, max_lat = Commune.objects.aggregate(extent=Extent("bbox"))["extent"]
    return Bounds(
        math.floor(min_lat * 100) / 100,
        math.ceil(max_lat * 100) / 100,
        math.floor(min_lon * 100) / 100,
        math.ceil(max_lon * 100) / 100,
    )


def provinces_of(user) -> QuerySet[Province]:
    """The provinces whose sheet a staff member may have: those of the regions whose
    centers they see (centers/roles.py)."""
    provinces = Province.objects.without_boundaries().select_related("region")
    provinces = provinces.defer("region__geom", "region__geom_simplified")
    regions = regions_seen(user)
    return provinces if regions is None else provinces.filter(region__in=regions)


def file_name(province: Province) -> str:
    return f"onboarding-{province.code}.xlsx"


def reference_prefix(province: Province) -> str:
    """How the references of a province's new centers begin: a reference is matched
    across the whole directory, so each province's are kept apart."""
    return f"{province.code}-"


def onboarding_sheet(province: Province) -> bytes:
    """The province's onboarding workbook, as XLSX bytes."""
    centers = list(
        Center.objects.in_province(province)
        .for_sheets()
        .order_by("commune__code", "name_fr", "name_ar", "pk")
    )
    communes = list(province.communes.without_boundaries().order_by("code"))
    bounds = morocco_bounds()
    workbook = openpyxl.Workbook()
    _instructions(workbook.active, province, bounds)
    data = workbook.create_sheet(sheets.CENTERS_SHEET)
    data.append(sheets.text_cells(data, sheets.COLUMN_NAMES))
    for center in centers:
        data.append(sheets.text_cells(data, sheets.center_row(center)))
    lists = workbook.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    known_rows = range(2, 2 + len(centers))
    new_rows = range(known_rows.stop, known_rows.stop + BLANK_ROWS)
    _format(data, range(2, new_rows.stop))
    _validations(data, lists, communes, province, bounds, known_rows, new_rows)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# The sheet's own texts.

REQUIRED = Bilingual("إلزامي", "obligatoire")
CHOOSE_FROM_LIST = Bilingual("اختاروا قيمة من القائمة.", "Choisissez une valeur de la liste.")
NOT_IN_LIST = Bilingual("هذه القيمة ليست في القائمة.", "Cette valeur n'est pas dans la liste.")
PHONES = Bilingual(
    "أرقام المركز المغربية من 10 أرقام، مثلا 05 37 11 11 11، تُفصل بينها ;",
    "Numéros marocains du centre, 10 chiffres, ex. 05 37 11 11 11, séparés par ;",
)
COORDINATE_EXAMPLES = {"latitude": "34.020882", "longitude": "-6.841650"}
TAXONOMY_TITLES = [
    (Bilingual("الفئات (category)", "Catégories (category)"), Category),
    (Bilingual("الخدمات (services)", "Services (services)"), Service),
    (Bilingual("الولوجيات (accessibility)", "Accessibilité (accessibility)"), AccessibilityFeature),
]
STATUS_TITLE = Bilingual("الوضعية (status)", "Statut (status)")


def _paragraphs(province: Province, bounds: Bounds) -> list[Bilingual]:
    prefix = reference_prefix(province)
    latitude, longitude = COORDINATE_EXAMPLES["latitude"], COORDINATE_EXAMPLES["longitude"]
    sensitive = list(Category.objects.filter(sensitive=True))
    paragraphs = [
        Bilingual(
            f"ورقة إدراج المراكز الاجتماعية: {province.name_ar} ({province.code})",
            f"Fiche d'intégration des centres sociaux : {province.name_fr} ({province.code})",
        ),
        Bilingual(
            "يضم دليل المراكز الاجتماعية بالمغرب مراكز الأشخاص في وضعية إعاقة والفضاءات "
            "المتعددة الوظائف للنساء ووحدات حماية الطفولة وجمعيات الوالدية الإيجابية. "
            "املؤوا هذا الملف بمراكز إقليمكم التي لم يُدرجها بعد، وصححوا المراكز المدرجة.",
            "L'annuaire des centres sociaux du Maroc recense les centres pour personnes en "
            "situation de handicap, les espaces multifonctionnels pour femmes, les unités de "
            "protection de l'enfance et les associations de parentalité positive. Remplissez "
            "ce classeur avec les centres de votre province qu'il ne recense pas encore, et "
            "corrigez ceux qu'il recense.",
        ),
        Bilingual(
            f"في ورقة «{sheets.CENTERS_SHEET}» سطر واحد لكل مركز. الأسطر الأولى هي المراكز "
            "المدرجة في الدليل: صححوها عند الحاجة دون تغيير مرجعها (العمود external_ref). "
            "أضيفوا المراكز الجديدة في الأسطر الفارغة التي تليها. لا تغيروا السطر الأول "
            "(أسماء الأعمدة) ولا أسماء الأوراق.",
            f"Sur la feuille « {sheets.CENTERS_SHEET} », une ligne par centre. Les premières "
            "lignes sont les centres que l'annuaire recense déjà : corrigez-les au besoin, "
            "sans changer leur référence (colonne external_ref). Ajoutez les nouveaux centres "
            "dans les lignes vides qui suivent. Ne changez ni la première ligne (les noms des "
            "colonnes) ni le nom des feuilles.",
        ),
        Bilingual(
            "إلزامي لكل مركز: مرجع (external_ref) تختارونه للمركز الجديد، يبدأ بـ "
            f"{prefix} (مثلا {prefix}001) ولا يُستعمل لأي مركز آخر؛ الفئة (category) من "
            "القائمة؛ اسم بالعربية أو بالفرنسية (name_ar أو name_fr)؛ وموقعه (انظر أدناه). "
            "الأعمدة الأخرى اختيارية لكنها مفيدة للعموم: الهاتف، العنوان، الخدمات، أوقات "
            "العمل.",
            "Obligatoires pour chaque centre : une référence (external_ref) de votre choix "
            f"pour un nouveau centre, commençant par {prefix} (par exemple {prefix}001) et "
            "jamais employée pour un autre centre ; la catégorie (category), dans la liste ; "
            "un nom en arabe ou en français (name_ar ou name_fr) ; et sa position (ci-dessous). "
            "Les autres colonnes sont facultatives mais utiles au public : téléphones, "
            "adresse, services, horaires.",
        ),
        Bilingual(
            "الموقع: خط العرض (latitude) وخط الطول (longitude) بالدرجات العشرية (WGS84)، "
            f"مثلا {latitude} و {longitude}، كما تعرضهما تطبيقات الخرائط. في المغرب يقع خط "
            f"العرض بين {bounds.min_latitude} و{bounds.max_latitude}، وخط الطول بين "
            f"{bounds.min_longitude} و{bounds.max_longitude} (سالب). إن لم تعرفوهما فاتركوهما "
            "فارغين واختاروا الجماعة من القائمة (commune_code): يوضع المركز في جماعته. مع "
            "الإحداثيات يمكن ترك الجماعة فارغة، فالدليل يحددها.",
            "Position : la latitude et la longitude en degrés décimaux (WGS84), par exemple "
            f"{latitude} et {longitude}, telles que les applications de cartes les donnent. Au "
            f"Maroc, la latitude est entre {bounds.min_latitude} et {bounds.max_latitude}, la "
            f"longitude entre {bounds.min_longitude} et {bounds.max_longitude} (négative). "
            "Si vous ne les connaissez pas, laissez-les vides et choisissez la commune dans la "
            "liste (commune_code) : le centre est alors placé à sa commune. Avec des "
            "coordonnées, la commune peut rester vide : l'annuaire la trouve.",
        ),
        Bilingual(
            "الهاتف (phones): أرقام المركز المغربية الخاصة به، 10 أرقام، مثلا 05 37 11 11 11 "
            "أو ‎+212 5 37 11 11 11، وتُفصل الأرقام المتعددة بـ ; . لا تُقبل الأرقام "
            "المختصرة (أرقام الإنصات مثل 8350): أرقام الإنصات الوطنية مدرجة على حدة.",
            "Téléphones (phones) : les numéros marocains du centre lui-même, 10 chiffres, par "
            "exemple 05 37 11 11 11 ou +212 5 37 11 11 11, plusieurs séparés par ; . Les "
            "numéros courts (lignes d'écoute comme 8350) ne sont pas acceptés : les lignes "
            "nationales sont listées à part.",
        ),
    ]
    if sensitive:
        paragraphs.append(
            Bilingual(
                "الخصوصية: يحتفظ الدليل بالموقع الدقيق لمراكز "
                + "، ".join(f"«{category.name_ar}»" for category in sensitive)
                + " سرياً: لا يرى العموم إلا جماعتها، ولا يرى موقعها الدقيق إلا فريق الدليل. "
                "أعطوا موقعها الدقيق مع ذلك.",
                "Confidentialité : l'annuaire garde privée la position exacte des "
                + ", ".join(f"« {category.name_fr} »" for category in sensitive)
                + " : le public ne voit que leur commune, seule l'équipe de l'annuaire voit "
                "leur position exacte. Donnez-la tout de même.",
            )
        )
    paragraphs += [
        Bilingual(
            "تُختار الفئة والوضعية والجماعة ودقة الموقع والأرشفة من قائمة في خاناتها. "
            "الخدمات والولوجيات برموزها أو أسمائها من الجداول أدناه، تُفصل بينها ; .",
            "La catégorie, le statut, la commune, la précision de la position et l'archivage "
            "se choisissent dans une liste dans leurs cellules. Les services et "
            "l'accessibilité s'écrivent par leurs codes ou leurs noms, des tableaux "
            "ci-dessous, séparés par ; .",
        ),
        Bilingual(
            "الإرسال: احفظوا الملف بصيغة Excel ‏(.xlsx) مع أوراقه وسطره الأول، وأعيدوه بالبريد "
            "الإلكتروني إلى من أرسله إليكم. يفحص فريق الدليل كل سطر أولاً ويخبركم بما يجب "
            "تصحيحه سطراً بسطر؛ ولا يُسجَّل شيء قبل أن تصح الورقة كلها.",
            "Envoi : enregistrez le classeur au format Excel (.xlsx), avec ses feuilles et sa "
            "première ligne, et renvoyez-le par e-mail à qui vous l'a envoyé. L'équipe de "
            "l'annuaire vérifie d'abord chaque ligne et vous dit, ligne par ligne, ce qu'il "
            "faut corriger ; rien n'est enregistré avant que toute la feuille soit correcte.",
        ),
    ]
    return paragraphs


def _instructions(sheet: Worksheet, province: Province, bounds: Bounds) -> None:
    """Arabic in the first column, French in the second, then the columns of the sheet
    and the codes that it takes."""
    sheet.title = INSTRUCTIONS_SHEET
    for column, width in zip("ABCDEF", [60, 60, 24, 16, 48, 48], strict=True):
        sheet.column_dimensions[column].width = width
    for number, paragraph in enumerate(_paragraphs(province, bounds)):
        _append(sheet, [paragraph.ar, paragraph.fr], bold=number == 0)
    required = f"{REQUIRED.ar} / {REQUIRED.fr}"
    _table(
        sheet,
        ["العمود", "Colonne", "column", required, "المعنى", "Signification"],
        [
            [
                column.header_ar,
                column.header_fr,
                column.name,
                required if column.required else "",
                *_in_arabic_and_french(column.help),
            ]
            for column in sheets.COLUMNS
        ],
    )
    code = "الرمز / code"
    for title, model in TAXONOMY_TITLES:
        _table(
            sheet,
            [title.ar, title.fr, code],
            [[entry.name_ar, entry.name_fr, entry.code] for entry in model.objects.all()],
        )
    _table(
        sheet,
        [STATUS_TITLE.ar, STATUS_TITLE.fr, code],
        [[*_in_arabic_and_french(label), value] for value, label in Center.Status.choices],
    )


_ARABIC = Alignment(horizontal="right", vertical="top", wrap_text=True, readingOrder=2)
_FRENCH = Alignment(horizontal="left", vertical="top", wrap_text=True)


def _append(sheet: Worksheet, values: list[str], *, bold: bool = False) -> None:
    """A row of text, its Arabic cells (the first, and the fifth of the columns' table)
    right to left."""
    sheet.append(sheets.text_cells(sheet, values))
    for cell in sheet[sheet.max_row]:
        cell.alignment = _ARABIC if cell.column in {1, 5} else _FRENCH
        cell.font = Font(bold=bold)


def _table(sheet: Worksheet, header: list[str], rows: list[list[str]]) -> None:
    sheet.append([])
    _append(sheet, header, bold=True)
    for row in rows:
        _append(sheet, row)


def _in_arabic_and_french(text) -> list[str]:
    translations = []
    for language in ("ar", "fr"):
        with translation.override(language):
            translations.append(str(text))
    return translations


# The worksheet of centers.


def _format(sheet: Worksheet, rows: range) -> None:
    """Every cell of these rows text, but the coordinates, numbers to 6 decimals."""
    coordinates = {_column(name) for name in ("latitude", "longitude")}
    sheet.freeze_panes = "A2"
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index in range(1, len(sheets.COLUMNS) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 18
        for row in rows:
            cell = sheet.cell(row, index)
            cell.number_format = COORDINATE_FORMAT if index in coordinates else TEXT_FORMAT


def _column(name: str) -> int:
    return sheets.COLUMN_NAMES.index(name) + 1


def _cells(name: str, rows: range) -> str:
    letter = get_column_letter(_column(name))
    return f"{letter}{rows.start}:{letter}{rows.stop - 1}"


def _validations(
    sheet: Worksheet,
    lists: Worksheet,
    communes: list[Commune],
    province: Province,
    bounds: Bounds,
    known_rows: range,
    new_rows: range,
) -> None:
    """Lists for the columns of a few values, kept on the lists' worksheet; ranges for
    the coordinates; the phones' format; new references that begin with the province's
    code and are not used twice."""
    rows = range(known_rows.start, new_rows.stop)
    listed = {
        "category": [category.code for category in Category.objects.all()],
        "status": list(Center.Status.values),
        "commune_code": [
            sheets.commune_label(commune.code, f"{commune.name_fr} / {commune.name_ar}")
            for commune in communes
        ],
        "location_precision": list(Center.Precision.values),
        "archived": [sheets.NO, sheets.YES],
    }
    for index, (name, values) in enumerate(listed.items(), start=1):
        lists.cell(1, index, name)
        for row, value in enumerate(values, start=2):
            lists.cell(row, index, value)
        column = get_column_letter(index)
        source = f"{quote_sheetname(LISTS_SHEET)}!${column}$2:${column}${len(values) + 1}"
        _add(
            sheet,
            DataValidation(type="list", formula1=source, allow_blank=True),
            name,
            rows,
            CHOOSE_FROM_LIST,
            NOT_IN_LIST,
        )
    for name, low, high in (
        ("latitude", bounds.min_latitude, bounds.max_latitude),
        ("longitude", bounds.min_longitude, bounds.max_longitude),
    ):
        range_ = Bilingual(
            f"درجات عشرية بين {low} و{high}، مثلا {COORDINATE_EXAMPLES[name]}",
            f"Degrés décimaux entre {low} et {high}, ex. {COORDINATE_EXAMPLES[name]}",
        )
        _add(
            sheet,
            DataValidation(
                type="decimal",
                operator="between",
                formula1=str(low),
                formula2=str(high),
                allow_blank=True,
            ),
            name,
            rows,
            range_,
            range_,
        )
    _add(sheet, DataValidation(allow_blank=True), "phones", rows, PHONES)
    prefix = reference_prefix(province)
    letter = get_column_letter(_column("external_ref"))
    first, every = f"{letter}{new_rows.start}", f"${letter}${rows.start}:${letter}${rows.stop - 1}"
    new_reference = Bilingual(
        f"مرجع جديد يبدأ بـ {prefix}، مثلا {prefix}001، لا يتكرر",
        f"Référence nouvelle commençant par {prefix}, ex. {prefix}001, jamais répétée",
    )
    _add(
        sheet,
        DataValidation(
            type="custom",
            formula1=(f'AND(LEFT({first},{len(prefix)})="{prefix}",COUNTIF({every},{first})=1)'),
            allow_blank=True,
        ),
        "external_ref",
        new_rows,
        new_reference,
        new_reference,
    )


def _add(
    sheet: Worksheet,
    validation: DataValidation,
    column: str,
    rows: range,
    prompt: Bilingual,
    error: Bilingual | None = None,
) -> None:
    """The validation on the column's cells of these rows, with its message as a cell is
    chosen and, when it refuses a value, its error."""
    validation.showInputMessage = True
    validation.promptTitle, validation.prompt = column, str(prompt)
    if error is not None:
        validation.showErrorMessage = True
        validation.errorTitle, validation.error = column, str(error)
    validation.add(_cells(column, rows))
    sheet.add_data_validation(validation)
