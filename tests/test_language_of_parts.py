"""Every text shown in another language than the page's is marked with its language and
direction (WCAG 2.1, 3.1.2 language of parts): on every kind of page, in the three
languages, over centers that lack a name, an address or a description in one of them.
A name is never translated: an Arabic page shows a center known only by its French name
in French, marked so."""

import pytest
from django.core.management import call_command
from django.utils import translation

from centers.models import AccessibilityFeature, Category, Center, Helpline, Service
from regions.models import Commune, Province, Region
from suggestions.models import Suggestion
from tests.centers.factories import make_center, make_staff
from tests.language_of_parts import unmarked

pytestmark = pytest.mark.django_db

LANGUAGES = ["ar", "fr", "en"]
RABAT = (34.0200, -6.8400)
# Texts shorter than this may stand inside other words by chance.
SHORTEST_CHECKED = 5


@pytest.fixture
def centers():
    call_command("load_reference_data", verbosity=0)
    disability = Category.objects.get(code="disability")
    return {
        "french only": make_center(
            at=RABAT,
            category=disability,
            name_ar="",
            name_fr="Centre « Darna » d'essai",
            address_fr="12, avenue d'essai",
            description_fr="Accueil et orientation (essai).",
            eligibility_fr="Toute personne, avec sa carte.",
            phones=["+212537000001"],
            status_note="Réouverture en janvier",
            managing_organisation="Association d'essai",
        ),
        "arabic only": make_center(
            at=(34.0100, -6.8300),
            category=disability,
            name_ar="مركز تجريبي للتوجيه",
            name_fr="",
            address_ar="زنقة التجربة، الرباط",
            description_ar="استقبال وتوجيه (تجربة).",
        ),
        "both": make_center(
            at=(34.0000, -6.8500),
            category=disability,
            name_ar="مركز الأمل التجريبي",
            name_fr="Centre Al Amal d'essai",
        ),
    }


def stored_texts() -> dict[str, set[str]]:
    """The database's texts a page may show, each with the languages it is written in."""
    fields = {
        Center: ["name", "public_address", "description", "eligibility"],
        Category: ["name", "description"],
        Helpline: ["name", "for_whom", "hours"],
        Service: ["name"],
        AccessibilityFeature: ["name"],
        Region: ["name"],
        Province: ["name"],
    }
    texts: dict[str, set[str]] = {}
    records = {model: model.objects.all() for model in fields}
    records[Commune] = Commune.objects.filter(province__region__code="04")
    fields[Commune] = ["name"]
    for model, objects in records.items():
        for record in objects:
            for field in fields[model]:
                for language in LANGUAGES:
                    value = getattr(record, f"{field}_{language}", "")
                    if len(value or "") >= SHORTEST_CHECKED:
                        texts.setdefault(value, set()).add(language)
    return texts


def address(language: str, path: str) -> str:
    return path if language == "ar" else f"/{language}{path}"


def public_pages(centers) -> list[str]:
    rabat = Commune.objects.filter(name_fr="Rabat").values_list("code", flat=True).first()
    pages = [
        "/",
        "/?category=disability&lat=34.020&lon=-6.840",
        f"/?place={rabat}",
        "/regions/",
        "/regions/04/",
        "/regions/04/suggest/",
        "/no-such-page/",
    ]
    for center in centers.values():
        pages += [f"/centers/{center.slug}/", f"/centers/{center.slug}/suggest/"]
    return pages


def problems_on(client, language: str, path: str, stored) -> list[str]:
    response = client.get(address(language, path))
    assert response.status_code in (200, 404), (path, response.status_code)
    assert response.content.count(b"<html") == 1
    assert f'<html lang="{language}"'.encode() in response.content
    problems = unmarked(response.content.decode(), stored)
    return [f"{language} {path}: {problem}" for problem in problems]


@pytest.mark.parametrize("language", LANGUAGES)
def test_public_pages_mark_each_text_in_another_language(client, centers, language):
    stored = stored_texts()
    problems = []
    for path in public_pages(centers):
        problems += problems_on(client, language, path, stored)
    assert not problems, "\n".join(problems)


@pytest.fixture
def suggestion(centers):
    center = centers["arabic only"]
    with translation.override("ar"):
        return Suggestion.objects.create(
            center=center,
            region=center.region,
            commune=center.commune,
            kind=Suggestion.Kind.PHONE,
            text="الهاتف تغير، الرقم الجديد في اللوحة",
            language="ar",
        )


def staff_pages(centers, suggestion, role: str) -> list[str]:
    pages = [
        "/admin/",
        "/admin/centers/center/",
        "/admin/centers/center/add/",
        "/admin/suggestions/suggestion/",
        f"/admin/suggestions/suggestion/{suggestion.pk}/change/",
        "/admin/planning/?category=disability&level=commune",
    ]
    for center in centers.values():
        pages += [
            f"/admin/centers/center/{center.pk}/change/",
            f"/admin/centers/center/{center.pk}/history/",
        ]
    if role == "National administrators":
        category = Category.objects.get(code="disability")
        helpline = Helpline.objects.first()
        pages += [
            "/admin/centers/category/",
            f"/admin/centers/category/{category.pk}/change/",
            "/admin/centers/helpline/",
            f"/admin/centers/helpline/{helpline.pk}/change/",
            "/admin/centers/service/",
            "/admin/centers/accessibilityfeature/",
        ]
    return pages


@pytest.mark.parametrize("role", ["National administrators", "Regional editors"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_staff_pages_mark_each_text_in_another_language(
    client, centers, suggestion, language, role
):
    call_command("refresh_coverage", verbosity=0)
    client.force_login(make_staff("staff", role=role, regions=["04"]))
    stored = stored_texts()
    problems = []
    for path in staff_pages(centers, suggestion, role):
        problems += problems_on(client, language, path, stored)
    assert not problems, "\n".join(problems)


def test_the_check_finds_a_name_left_unmarked():
    stored = {"Centre « Darna »": {"fr"}}
    marked = '<html lang="ar"><body><h1><span lang="fr" dir="ltr">Centre « Darna »</span></h1>'
    assert unmarked(marked, stored) == []
    bare = '<html lang="ar"><body><h1>Centre « Darna »</h1>'
    assert unmarked(bare, stored) == [
        "fr text in ar: Centre « Darna »",
        "unmarked in ar: Centre « Darna »",
    ]
    arabic = '<html lang="fr"><body><p>مركز</p><p><bdi>مركز</bdi></p>'
    assert unmarked(arabic, {}) == ["unmarked in fr: مركز"]
    in_attribute = '<html lang="fr"><body><td data-sort-value="<span lang=ar>x</span>">'
    assert unmarked(in_attribute, {}) == [
        "markup in an attribute: td data-sort-value=<span lang=ar>x</span>"
    ]
