"""Darija place names: how many Latin-letter spellings the place search finds first, and
how many find their commune through their Arabic readings alone.

    .venv/bin/python benchmarks/darija_readings.py
    .venv/bin/python benchmarks/darija_readings.py --readings READINGS.csv

The list is tests/regions/darija_places.csv: what people type ("tanja", "l3ayoun", "dar
lbida"), the code of the commune they mean, and a note. Each typed text is read into
Arabic script by `regions.darija.arabic_readings`, or, with --readings, by another
transliterator whose output is given as a CSV of `typed,reading` rows (several rows for
several readings). Each reading is searched with the place search itself
(`Place.objects.search`, its ranking and its trigram word-similarity threshold), among
communes only. A typed text is resolved when one of its readings finds the expected
commune first. The script prints how many are, then each failure with its readings and
what the first of them found; and, first, how many of the typed texts the place search
itself (`Place.objects.search(typed)`, which adds the readings to the text) lists their
commune first for, among all places.

The database is DATABASE_URL's, with the administrative areas loaded
(`manage.py migrate` then `manage.py load_admin_areas`).
"""

import argparse
import csv
import os
import sys
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLACES_CSV = ROOT / "tests" / "regions" / "darija_places.csv"

if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "geo_directory.settings.base")

    import django

    django.setup()

from regions.darija import arabic_readings


def load_places() -> list[dict[str, str]]:
    """The list's rows: typed, expected_code, note."""
    with PLACES_CSV.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def first_commune(reading: str) -> str | None:
    """The code of the commune the place search ranks first for `reading`, if any."""
    from regions.models import Place

    found = Place.objects.search(reading).filter(kind=Place.Kind.COMMUNE)
    return found.values_list("code", flat=True).first()


def first_place(typed: str) -> str | None:
    """The code of the place the search ranks first for the typed text."""
    from regions.models import Place

    return Place.objects.search(typed).values_list("code", flat=True).first()


def failures(
    places: list[dict[str, str]], readings_of: Callable[[str], list[str]]
) -> list[tuple[dict[str, str], list[tuple[str, str | None]]]]:
    """The rows none of whose readings finds the expected commune first, each with its
    readings and the commune each found."""
    failed = []
    for place in places:
        found = [(reading, first_commune(reading)) for reading in readings_of(place["typed"])]
        if all(code != place["expected_code"] for _, code in found):
            failed.append((place, found))
    return failed


def readings_from_file(path: str) -> Callable[[str], list[str]]:
    readings = defaultdict(list)
    with open(path, encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            readings[row["typed"]].append(row["reading"])
    return lambda typed: readings[typed]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--readings", help="CSV of typed,reading rows to score instead")
    arguments = parser.parse_args()
    readings_of = readings_from_file(arguments.readings) if arguments.readings else arabic_readings

    places = load_places()
    if not arguments.readings:
        missed = [
            place for place in places if first_place(place["typed"]) != place["expected_code"]
        ]
        print(f"The place search lists {len(places) - len(missed)} of {len(places)} first")
        for place in missed:
            print(f"  {place['typed']!r} (expected {place['expected_code']}, {place['note']})")
    failed = failures(places, readings_of)
    print(f"Resolved {len(places) - len(failed)} of {len(places)} Darija spellings")
    for place, found in failed:
        print(f"  {place['typed']!r} (expected {place['expected_code']}, {place['note']})")
        for reading, code in found or [("(no reading)", None)]:
            print(f"      {reading}  ->  {code or 'nothing'}")


if __name__ == "__main__":
    main()
