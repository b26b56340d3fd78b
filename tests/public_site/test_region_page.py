"""A region's page: each kind of help's row says, beside its figures, how much of the
known network the directory holds."""

import io
import re
from html import unescape

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

RABAT_SALE_KENITRA = "04"


@pytest.fixture(autouse=True)
def reference_data():
    call_command("load_reference_data", stdout=io.StringIO())


def summary_rows(html: str) -> list[list[str]]:
    table = re.search(r'aria-labelledby="summary-title".*?<tbody>(.*?)</tbody>', html, re.S)
    rows = re.findall(r"<tr>(.*?)</tr>", table.group(1), re.S)
    return [
        [" ".join(unescape(re.sub(r"<[^>]+>", "", cell)).split()) for cell in cells]
        for row in rows
        if (cells := re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S))
    ]


@pytest.mark.parametrize("language", ["fr", "en", "ar"])
def test_each_kind_of_help_carries_its_own_note_in_its_row(client, language):
    prefix = "" if language == "ar" else f"/{language}"
    response = client.get(f"{prefix}/regions/{RABAT_SALE_KENITRA}/")

    summary = response.context["summary"]
    rows = summary_rows(response.content.decode())
    assert len(rows) == len(summary) > 0
    for row, category in zip(rows, summary, strict=True):
        assert row[-1] == " ".join(str(category["note"]).split())
        assert row[-1]
    assert 'class="honesty"' not in response.content.decode()
