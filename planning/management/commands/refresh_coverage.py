from django.core.management.base import BaseCommand, CommandError

from centers.models import Category
from planning.services import coverage_refresh


class Command(BaseCommand):
    help = (
        "Recomputes, for every commune and category, the distance to the nearest open "
        "center (planning coverage). Atomic; run it again at any time."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--category",
            action="append",
            dest="categories",
            metavar="CODE",
            help="Only this category (repeat for several); default: all.",
        )

    def handle(self, *args, categories: list[str] | None, **options):
        chosen = None
        if categories:
            chosen = list(Category.objects.filter(code__in=categories))
            unknown = sorted(set(categories) - {category.code for category in chosen})
            if unknown:
                raise CommandError(f"Unknown categories: {', '.join(unknown)}.")
        report = coverage_refresh(categories=chosen)
        for category in report.categories:
            self.stdout.write(
                f"  {category.code}: {category.open_centers} open centers, "
                f"{category.communes} communes, "
                f"{category.communes_beyond_50km} of them more than 50 km from the nearest "
                "(or with none)"
            )
        codes = ", ".join(category.code for category in report.categories)
        self.stdout.write(
            self.style.SUCCESS(f"Coverage of {codes} refreshed in {report.seconds:.2f} s.")
        )
