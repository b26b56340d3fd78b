"""Phones stored before numbers were checked: one entry per number, in E.164.

An entry holding several numbers (`0537…; 0661…`) becomes one per number; a number that
is not a valid Moroccan one is kept as it was typed, for staff to correct, so that
nothing is lost. History records keep what was true then; the public clock moves.
"""

import re

import phonenumbers
from django.db import migrations
from django.db.models.functions import Now

SEPARATORS = re.compile(r"[;,\n]")


def normalised(entries: list[str]) -> list[str]:
    numbers = []
    for entry in entries:
        for typed in filter(None, (part.strip() for part in SEPARATORS.split(entry))):
            try:
                parsed = phonenumbers.parse(typed, "MA")
            except phonenumbers.NumberParseException:
                parsed = None
            if parsed is not None and phonenumbers.is_valid_number(parsed):
                typed = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
            if typed not in numbers:
                numbers.append(typed)
    return numbers


def normalise_phones(apps, schema_editor):
    Center = apps.get_model("centers", "Center")
    for center in Center.objects.exclude(phones=[]).only("id", "phones").iterator():
        phones = normalised(center.phones)
        if phones != center.phones:
            # Phones are public: partners' copies must follow.
            Center.objects.filter(pk=center.pk).update(
                phones=phones, updated_at=Now(), public_updated_at=Now()
            )


class Migration(migrations.Migration):
    dependencies = [("centers", "0009_area_names")]

    operations = [migrations.RunPython(normalise_phones, migrations.RunPython.noop)]
