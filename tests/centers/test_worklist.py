"""The verification worklist of the staff tools: each region's centers that lack a fact
expected of them (centers/completeness.py) or a check in the last 12 months, each with
what it lacks in words, filtered by what is missing and by region; completeness shown on
the list and the change form."""

import datetime
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from centers.models import Center
from tests.centers.test_seed_data import load_demo_data

from .factories import (
    CASABLANCA,
    MARRAKECH_JEMAA_EL_FNA,
    RABAT_AGDAL,
    SALE,
    CategoryFactory,
    make_center,
    make_staff,
)
from .test_admin import CHANGELIST, change_url

pytestmark = pytest.mark.django_db

EVERY_FACT = {
    "name_ar": "مركز",
    "phones": ["+212537000000"],
    "opening_hours": {"mon": [["08:30", "16:30"]]},
}
NOT_VERIFIED = "not verified for 12 months"


def worklist(client, **query) -> dict[str, str]:
    """The changelist's rows: each center's name and what it lacks, as shown."""
    page = client.get(CHANGELIST, query).content.decode()
    rows = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", page, re.DOTALL):
        # The name, marked with its language when it is not the page's.
        name = re.search(r'<th class="field-name"><a [^>]*>(.*?)</a>', row)
        lacks = re.search(r'<td class="field-lacks">(.*?)</td>', row)
        if name and lacks:
            rows[html.unescape(re.sub(r"<[^>]+>", "", name.group(1)))] = html.unescape(
                lacks.group(1)
            )
    return rows


@pytest.fixture
def national_admin(client):
    user = make_staff("national", role="National administrators")
    client.force_login(user)
    return user


@pytest.fixture
def centers():
    disability = CategoryFactory(code="disability")
    women = CategoryFactory(code="women", sensitive=True)
    today = timezone.localdate()
    return {
        "complete": make_center(
            category=disability, name_fr="Complet", last_verified_on=today, **EVERY_FACT
        ),
        "no phone": make_center(
            at=RABAT_AGDAL,
            category=disability,
            name_fr="Sans téléphone",
            last_verified_on=today - datetime.timedelta(days=364),
            **{**EVERY_FACT, "phones": []},
        ),
        "never verified": make_center(
            at=CASABLANCA, category=disability, name_fr="Jamais vérifié", **EVERY_FACT
        ),
        "sensitive": make_center(
            at=SALE,
            category=women,
            name_fr="Espace Salé",
            precision="commune",
            last_verified_on=today - datetime.timedelta(days=366),
            **{**EVERY_FACT, "opening_hours": {}},
        ),
        "marrakech": make_center(
            at=MARRAKECH_JEMAA_EL_FNA,
            category=disability,
            name_ar="فضاء مراكش",
            name_fr="",
            precision="street",
            last_verified_on=today,
        ),
    }


def test_the_worklist_lists_each_center_with_exactly_what_it_lacks(client, national_admin, centers):
    assert worklist(client, lacks="anything") == {
        "Sans téléphone": "phone number",
        "Jamais vérifié": NOT_VERIFIED,
        # No street-level position is expected of a sensitive center.
        "Espace Salé": f"opening hours, {NOT_VERIFIED}",
        "فضاء مراكش": "phone number, opening hours, name in French",
    }


def test_the_worklist_is_filtered_by_what_is_missing_and_by_region(client, national_admin, centers):
    assert set(worklist(client, lacks="phone")) == {"Sans téléphone", "فضاء مراكش"}
    assert set(worklist(client, lacks="phone", region="04")) == {"Sans téléphone"}
    assert set(worklist(client, lacks="opening_hours", region="04")) == {"Espace Salé"}
    assert set(worklist(client, lacks="name_fr")) == {"فضاء مراكش"}
    assert set(worklist(client, lacks="street_position")) == set()
    assert set(worklist(client, lacks="verification")) == {"Jamais vérifié", "Espace Salé"}
    assert set(worklist(client, lacks="anything", region="07")) == {"فضاء مراكش"}


def test_a_regional_team_sees_the_worklist_of_its_regions_only(client, centers):
    client.force_login(make_staff("rabat", role="Regional editors", regions=["04"]))

    assert set(worklist(client, lacks="anything")) == {"Sans téléphone", "Espace Salé"}


def test_the_seeded_centers_all_appear_in_the_worklist_with_what_they_lack(client, national_admin):
    load_demo_data()
    expected = {}
    for center in Center.objects.select_related("category"):
        lacking = ["phone number", "opening hours"]
        if not center.category.sensitive:
            lacking.append("street-level position")
        lacking += [label for name, label in NAMES if not getattr(center, name)]
        expected[str(center)] = ", ".join([*lacking, NOT_VERIFIED])

    shown = worklist(client, lacks="anything")

    assert len(expected) == Center.objects.count() == 47
    assert shown == expected


NAMES = [("name_ar", "name in Arabic"), ("name_fr", "name in French")]


def test_the_list_and_the_change_form_show_each_records_completeness(
    client, national_admin, centers
):
    page = client.get(CHANGELIST, {"o": "7"}).content.decode()
    cells = re.findall(r'<td class="field-completeness_percent">(.*?)</td>', page)
    form = client.get(change_url(centers["marrakech"])).content.decode()
    sensitive_form = client.get(change_url(centers["sensitive"])).content.decode()

    # Ordered by completeness: 40 % (Marrakech), 75 % (Salé, of 4), 80 %, then 100 %.
    assert cells == ["40 %", "75 %", "80 %", "100 %", "100 %"]
    assert (
        "40 %: 2 of the 5 expected facts. Lacks: phone number, opening hours, name in French."
        in html.unescape(form)
    )
    assert "75 %: 3 of the 4 expected facts. Lacks: opening hours." in html.unescape(sensitive_form)


def test_the_admins_first_page_counts_the_centers_to_check_in_each_region_covered(client, centers):
    client.force_login(make_staff("rabat", role="Regional editors", regions=["04"]))
    with translation.override("en"):
        page = html.unescape(client.get(reverse("admin:index")).content.decode())

    block = page[page.index('id="centers-to-check"') :]
    block = block[: block.index("</div>")]
    assert "?lacks=anything&region=04&archived__exact=0" in block
    assert ": 2</a>" in block
    assert "region=07" not in block
