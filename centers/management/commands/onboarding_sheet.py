from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from centers import onboarding
from regions.models import Province


class Command(BaseCommand):
    help = (
        "Writes a province's onboarding sheet (XLSX): instructions in Arabic and French, "
        "its known centers and blank rows in the columns of the import, with lists and "
        "checks in the cells (see README: onboarding sheets)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--province", required=True, help="Official code, e.g. 04.421.")
        parser.add_argument(
            "--output", type=Path, help="File to write (default: onboarding-CODE.xlsx)."
        )

    def handle(self, *args, province: str, output: Path | None, **options):
        found = Province.objects.without_boundaries().filter(code=province.strip()).first()
        if found is None:
            raise CommandError(
                f"Unknown province code: {province!r}. Province codes look like 04.421 "
                "(GET /api/v1/provinces/ lists them)."
            )
        output = output or Path(onboarding.file_name(found))
        output.write_bytes(onboarding.onboarding_sheet(found))
        self.stdout.write(self.style.SUCCESS(f"{output}: onboarding sheet of {found}."))
