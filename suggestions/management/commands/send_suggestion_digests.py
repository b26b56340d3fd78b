from django.core.management.base import BaseCommand, CommandError

from suggestions.digest import digests_send


class Command(BaseCommand):
    help = (
        "E-mails each team of reviewers (a region's, national staff) the suggestions that "
        "came to its queue since its last digest. The job worker runs it every hour."
    )

    def handle(self, *args, **options):
        sent, failed = digests_send()
        self.stdout.write(f"{sent} digests sent.")
        if failed:
            raise CommandError(
                f"{failed} digests could not be sent: they will be sent with the next run."
            )
