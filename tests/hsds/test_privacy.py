"""The privacy rule (centers/privacy.py) in the HSDS export: a center of a sensitive
category is at its commune's reference point, without an address, and its exact
position and street address are in no HSDS answer and no byte of the package."""

import io
import math
import re
import zipfile

import pytest

from centers import privacy
from hsds.records import LOCATION, record_id

from .answers import BASE, every_answer
from .directory import SECRET_WORDS, SENSITIVE, make_hsds_directory

pytestmark = pytest.mark.django_db

# Far enough from the commune's reference point that nothing public is near it.
MIN_METRES_FROM_REFERENCE = 1_000


def exact_numbers(point) -> re.Pattern:
    """A point's latitude and longitude, each on its own, at 3 to 6 decimals, with a
    decimal point or comma, not part of a longer number."""
    forms = []
    for value in (point.y, abs(point.x)):
        for decimals in range(3, 7):
            whole, fraction = f"{value:.{decimals}f}".split(".")
            forms.append(rf"(?<![\d.,]){whole}[.,]{fraction}(?!\d)")
    return re.compile("|".join(forms))


def metres_between(a, b) -> float:
    # Equirectangular: enough at a few kilometres.
    x = math.radians(b.x - a.x) * math.cos(math.radians((a.y + b.y) / 2))
    y = math.radians(b.y - a.y)
    return 6_371_000 * math.hypot(x, y)


def package_texts(client) -> dict[str, str]:
    """The zip's bytes as they are sent, and each of its files."""
    response = client.get(f"{BASE}package.zip")
    content = b"".join(response.streaming_content)
    texts = {"package.zip": content.decode("latin-1")}
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            texts[name] = archive.read(name).decode("utf-8")
    return texts


def test_a_sensitive_center_is_at_its_communes_reference_point_without_address(
    api_client, directory
):
    for name in SENSITIVE:
        center = directory[name]
        reference = center.commune.reference_point
        assert metres_between(center.location, reference) > MIN_METRES_FROM_REFERENCE

        location = api_client.get(f"{BASE}locations/{record_id(LOCATION, center.pk)}").json()

        assert (location["latitude"], location["longitude"]) == (
            round(reference.y, 6),
            round(reference.x, 6),
        )
        assert location["addresses"] == []
        assert "approximate" in location["description"]


def everything(client) -> dict[str, str]:
    texts = {url: response.content.decode() for url, response in every_answer(client).items()}
    texts.update(package_texts(client))
    return texts


def leaks(texts: dict[str, str], directory) -> dict[str, list[str]]:
    """Where each sensitive center's exact position or street address is given away."""
    found: dict[str, list[str]] = {}
    for name in SENSITIVE:
        pattern = exact_numbers(directory[name].location)
        found[name] = [url for url, text in texts.items() if pattern.search(text)]
    for word in SECRET_WORDS:
        found[word] = [url for url, text in texts.items() if word in text]
    return {key: urls for key, urls in found.items() if urls}


def test_no_answer_and_no_byte_of_the_package_gives_away_where_a_sensitive_center_is(
    api_client, directory
):
    texts = everything(api_client)

    assert leaks(texts, directory) == {}
    # The search sees what it should: an ordinary center's exact position and address.
    ordinary = exact_numbers(directory["rabat"].location)
    assert ordinary.search(texts["locations.csv"])
    assert ordinary.search(texts[f"{BASE}locations/{record_id(LOCATION, directory['rabat'].pk)}"])
    assert "Tour Hassan" in texts["addresses.csv"]


def test_the_search_finds_every_leak_when_the_privacy_rule_is_bypassed(api_client, monkeypatch):
    rule = privacy.public_facts
    monkeypatch.setattr(
        privacy, "public_facts", lambda **facts: rule(**{**facts, "sensitive": False})
    )
    directory = make_hsds_directory()

    found = leaks(everything(api_client), directory)

    assert set(found) == {*SENSITIVE, *SECRET_WORDS}
    location = f"{BASE}locations/{record_id(LOCATION, directory['women-rabat'].pk)}"
    assert {location, "locations.csv"} <= set(found["women-rabat"])
    assert "addresses.csv" in found["Zerktouni"]
