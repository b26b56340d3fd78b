from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from suggestions.leads import LeadError, load_leads


class Command(BaseCommand):
    help = (
        "Puts the leads of fixtures/leads.csv in the review queue, each as a suggestion of "
        "a new center to verify. A lead already loaded is left as staff made it."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            type=Path,
            default=settings.BASE_DIR / "fixtures" / "leads.csv",
            help="The leads (default: fixtures/leads.csv).",
        )

    def handle(self, *args, path: Path, **options):
        try:
            created, existing = load_leads(path)
        except (OSError, LeadError) as error:
            raise CommandError(f"The leads cannot be loaded: {error}") from error
        self.stdout.write(
            self.style.SUCCESS(
                f"{created} leads put in the review queue, {existing} already there."
            )
        )
