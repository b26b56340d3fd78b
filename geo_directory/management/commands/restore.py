from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from geo_directory.backups import BackupError, database_restore, database_switch_to_new


class Command(BaseCommand):
    help = (
        "Restores a backup made by `manage.py backup` into the database, in one transaction: "
        "a restore that fails changes nothing. A database that already holds tables is "
        "replaced only with --yes."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="A file written by `manage.py backup`.")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="Replace the database's tables even when it already holds some.",
        )
        parser.add_argument(
            "--new-database",
            metavar="NAME",
            help="Create the database NAME on the same server and restore into it, leaving "
            "the configured one untouched (to check a backup).",
        )

    def handle(self, *args, path: Path, yes: bool, new_database: str | None, **options):
        try:
            if new_database:
                database_switch_to_new(new_database)
            restore = database_restore(path=path, replace=yes)
        except BackupError as error:
            raise CommandError(str(error)) from error
        counts = ", ".join(f"{count:,} {label}" for label, count in restore.counts.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {restore.path} ({restore.entries} entries) into {restore.database}: "
                f"{counts}."
            )
        )
