import time

from django.core.management.base import BaseCommand, CommandError

from centers.synthetic import RealCentersPresent, synthetic_centers_generate


class Command(BaseCommand):
    help = (
        "Adds N synthetic centers (for benchmarks), spread over the communes in proportion "
        "to their population. Refused in a database that holds real centers."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, count: int, seed: int, **options):
        if count < 1:
            raise CommandError("--count must be at least 1.")
        started = time.monotonic()
        try:
            written = synthetic_centers_generate(
                count=count,
                seed=seed,
                progress=lambda n: self.stdout.write(f"  {n:,} written"),
            )
        except RealCentersPresent as error:
            raise CommandError(str(error)) from None
        seconds = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"{written:,} synthetic centers in {seconds:.0f} s."))
