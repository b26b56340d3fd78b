from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from geo_directory.backups import BackupError, database_backup


class Command(BaseCommand):
    help = (
        "Writes a backup of the database (pg_dump custom format) to --output, by default "
        "to BACKUP_DIR/<database>-<UTC time>.dump; restore it with `manage.py restore`."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, help="File to write (replaced if it exists).")

    def handle(self, *args, output: Path | None, **options):
        try:
            backup = database_backup(output=output)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(f"{backup.path} ({backup.size / 1e6:.1f} MB, {backup.size:,} bytes)")
        )
