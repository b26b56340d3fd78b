from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from centers import sheets
from centers.imports import centers_import

# The command takes larger sheets than the web page (an operator's machine, no request
# to answer in time).
COMMAND_MAX_ROWS = 100_000
COMMAND_MAX_BYTES = 50 * 1024 * 1024


class Command(BaseCommand):
    help = (
        "Creates or updates centers from a CSV or XLSX sheet (see README: bulk import). "
        "All or nothing; importing the same sheet again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Report without writing.")
        parser.add_argument("--reason", default="", help="Kept in the history of each change.")
        parser.add_argument(
            "--only-new",
            action="store_true",
            help="Create the centers that are not in the database yet; leave the others as "
            "they are.",
        )
        parser.add_argument(
            "--create-duplicates",
            default="",
            metavar="LINES",
            help="Lines (e.g. 12,40) whose new center may be one already listed, to create "
            "anyway after checking; the others such lines are left out.",
        )
        parser.add_argument(
            "--user",
            help="Username recorded in the history, whose regions limit the import "
            "(default: no user, every region).",
        )

    def handle(
        self,
        *args,
        file: Path,
        dry_run: bool,
        reason: str,
        user: str | None,
        only_new: bool,
        create_duplicates: str,
        **options,
    ):
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        actor = None
        if user:
            try:
                actor = get_user_model().objects.get(username=user)
            except get_user_model().DoesNotExist:
                raise CommandError(f"No user named {user!r}.") from None
        rows, errors = sheets.read_sheet(
            file.read_bytes(),
            file.name,
            max_rows=COMMAND_MAX_ROWS,
            max_bytes=COMMAND_MAX_BYTES,
        )
        report = centers_import(
            user=actor,
            rows=rows,
            errors=errors,
            dry_run=dry_run,
            reason=reason or f"Import of {file.name}",
            only_new=only_new,
            create_duplicates=_lines(create_duplicates),
        )
        for outcome in report.outcomes:
            if outcome.action != "unchanged" and options["verbosity"] > 1:
                changed = f" ({', '.join(outcome.changed)})" if outcome.changed else ""
                self.stdout.write(
                    f"  line {outcome.line}: {outcome.action} {outcome.external_ref}{changed}"
                )
        for error in report.errors:
            self.stderr.write(f"  {error}")
        for outcome in report.outcomes:
            if outcome.action == "duplicate":
                self.stderr.write(
                    f"  line {outcome.line}: left out, may be {'; '.join(outcome.duplicates)} "
                    "(--create-duplicates to create it anyway)"
                )
        summary = (
            f"{file.name}: {report.count('create')} created, {report.count('update')} updated, "
            f"{report.count('unchanged')} unchanged"
        )
        if report.errors:
            raise CommandError(f"{summary} — {len(report.errors)} errors, nothing imported.")
        if dry_run:
            self.stdout.write(f"{summary} (dry run: nothing written).")
        else:
            self.stdout.write(self.style.SUCCESS(summary + "."))


def _lines(text: str) -> set[int]:
    try:
        return {int(line) for line in text.replace(" ", "").split(",") if line}
    except ValueError:
        raise CommandError(
            f"--create-duplicates takes line numbers such as 12,40: {text!r}"
        ) from None
