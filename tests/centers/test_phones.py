"""Phone numbers: typed several to a field as Moroccans write them, in the staff form or a
sheet; stored in E.164; refused naming the number when it is no full Moroccan number; and
each one its own `tel:` link on the public pages."""

import re

import pytest
from django.core.exceptions import ValidationError

from centers import sheets
from centers.imports import centers_import
from centers.models import Center
from centers.phones import parse_phones

from .factories import RABAT_HASSAN_TOWER, CategoryFactory, make_center, make_staff
from .test_admin import change_url, form_data


@pytest.mark.parametrize(
    "written",
    [
        "0537111111",
        "05 37 11 11 11",
        "0537-11-11-11",
        "0537.11.11.11",
        "(0537) 11 11 11",
        "+212 5 37 11 11 11",
        "00212537111111",
        # As a spreadsheet leaves it once it has taken the number for a number.
        "537111111",
        "٠٥٣٧١١١١١١",
        # Copied from a right-to-left page, between direction isolates.
        "\u20660537 11 11 11\u2069",
    ],
)
def test_a_number_written_as_moroccans_write_it_is_stored_in_e164(written):
    assert parse_phones(written) == ["+212537111111"]


def test_numbers_are_split_on_lines_semicolons_and_commas_and_kept_once_in_order():
    text = "0661222222; 0537111111\n05 22 11 11 11,+212661222222"

    assert parse_phones(text) == ["+212661222222", "+212537111111", "+212522111111"]


def test_each_number_that_is_not_a_full_moroccan_number_is_refused_naming_it():
    text = "0537111111; 0537 11 11 1; +33 6 12 34 56 78; 0661222222 poste 12"

    with pytest.raises(ValidationError) as refusal:
        parse_phones(text)

    messages = refusal.value.messages
    assert len(messages) == 3
    for number, message in zip(
        ["0537 11 11 1", "+33 6 12 34 56 78", "0661222222 poste 12"], messages, strict=True
    ):
        assert message.startswith(f"{number} is not a Moroccan phone number")


@pytest.mark.parametrize("written", ["8350", "19", "2511"])
def test_a_short_number_is_refused_pointing_to_the_helplines(written):
    with pytest.raises(ValidationError) as refusal:
        parse_phones(written)

    [message] = refusal.value.messages
    assert message.startswith(f"{written} is a short number")
    assert "helplines" in message


# The staff form.


@pytest.fixture
def rabat_center():
    return make_center(
        at=RABAT_HASSAN_TOWER, category=CategoryFactory(code="disability"), name_fr="Centre"
    )


@pytest.fixture
def staff_client(client):
    client.force_login(make_staff("national", role="National administrators"))
    return client


@pytest.mark.django_db
def test_the_form_stores_numbers_typed_one_per_line_or_separated_and_shows_them_back(
    staff_client, rabat_center
):
    response = staff_client.post(
        change_url(rabat_center), form_data(rabat_center, phones="0537111111; 0661222222")
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    rabat_center.refresh_from_db()
    assert rabat_center.phones == ["+212537111111", "+212661222222"]
    page = staff_client.get(change_url(rabat_center)).content.decode()
    textarea = re.search(r'<textarea[^>]*name="phones"[^>]*>([^<]*)<', page)
    # Written left to right, as Moroccans write them, even in the Arabic admin.
    assert 'dir="ltr"' in textarea[0]
    assert textarea[1].strip() == "05 37 11 11 11\n06 61 22 22 22"
    assert "One number per line" in page


@pytest.mark.django_db
def test_the_form_refuses_a_bad_number_naming_it_and_saves_nothing(staff_client, rabat_center):
    response = staff_client.post(
        change_url(rabat_center), form_data(rabat_center, phones="0537111111\n0537 11 11 1")
    )

    assert response.status_code == 200
    assert "0537 11 11 1 is not a Moroccan phone number" in response.content.decode()
    rabat_center.refresh_from_db()
    assert rabat_center.phones == []


# Sheets and the public pages.

HEADER = "external_ref,name_fr,category,phones,latitude,longitude\n"
LATITUDE, LONGITUDE = RABAT_HASSAN_TOWER


def import_sheet(text: str):
    rows, errors = sheets.read_sheet(text.encode(), "centers.csv")
    return centers_import(user=None, rows=rows, errors=errors, dry_run=False, reason="test")


@pytest.mark.django_db
def test_a_sheet_cell_of_two_numbers_gives_two_tel_links_on_the_public_pages(client):
    CategoryFactory(code="disability")

    report = import_sheet(
        HEADER + f'r-1,Centre,disability,"0537111111; 0661222222",{LATITUDE},{LONGITUDE}\n'
    )

    assert report.applied, report.errors
    center = Center.objects.get(external_ref="r-1")
    assert center.phones == ["+212537111111", "+212661222222"]
    for page in (f"/fr/centers/{center.slug}/", f"/fr/regions/{center.region.code}/"):
        html = client.get(page).content.decode()
        assert re.findall(r'href="tel:([^"]*)"', html) == ["+212537111111", "+212661222222"]
        assert '<span dir="ltr">06 61 22 22 22</span>' in html


@pytest.mark.django_db
def test_a_sheet_cell_with_a_bad_number_is_refused_naming_it_and_nothing_is_imported():
    CategoryFactory(code="disability")

    report = import_sheet(
        HEADER + f"r-1,Centre,disability,0537111111;8350,{LATITUDE},{LONGITUDE}\n"
        f"r-2,Autre,disability,06 61 22 22,{LATITUDE},{LONGITUDE}\n"
    )

    assert not report.applied
    assert [(error.line, error.column) for error in report.errors] == [
        (2, "phones"),
        (3, "phones"),
    ]
    assert report.errors[0].message.startswith("8350 is a short number")
    assert report.errors[1].message.startswith("06 61 22 22 is not a Moroccan phone number")
    assert not Center.objects.exists()
