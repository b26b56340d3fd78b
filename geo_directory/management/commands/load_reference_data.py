"""Creates the reference data shipped in fixtures/ that the database lacks.

Staff own the reference data once it is in the database: an entry that exists (found by
its natural key: a taxonomy's code, a helpline's number, a national total's category) is
never changed here, so that running `make run` again, or deploying, keeps what staff
edited. A change to a shipped entry reaches existing databases through a reviewed data
migration (see fixtures/README.md), not through this command.
"""

from collections import Counter

from django.conf import settings
from django.core import serializers
from django.core.management.base import BaseCommand
from django.db import transaction

# In dependency order: totals and helplines name categories.
REFERENCE_FIXTURES = [
    "categories.json",
    "services.json",
    "accessibility.json",
    "national_totals.json",
    "helplines.json",
]


class Command(BaseCommand):
    help = "Creates the shipped reference data that is missing; never changes an existing entry."

    @transaction.atomic
    def handle(self, *args, **options):
        created = Counter()
        for name in REFERENCE_FIXTURES:
            with open(settings.BASE_DIR / "fixtures" / name, encoding="utf-8") as fixture:
                for entry in serializers.deserialize("json", fixture):
                    # The deserializer finds an existing entry by its natural key and
                    # gives it that entry's id: such an entry is left as staff keep it.
                    if entry.object.pk is not None:
                        continue
                    entry.save()
                    created[entry.object._meta.verbose_name_plural] += 1
        if options["verbosity"]:
            summary = ", ".join(f"{count} {label}" for label, count in created.items())
            self.stdout.write(f"Reference data created: {summary or 'none missing'}.")
