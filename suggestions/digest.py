"""Reviewers hear about new suggestions: each team gets, by e-mail, the suggestions that
came to its queue since its last digest. A region's team is its reviewers; national staff
are one team for every region. Each team's digests are kept (`Digest`, with what each
listed): a digest that cannot be sent is sent with the next, and nothing is sent twice.

A message says what waits and where, with a link to each suggestion in the review
queue, and nothing of what the person wrote or how to reach them: the reviewer reads
that in the admin. Of a center it gives only the name, as its public page does.
Staff accounts keep no language: the message is in Arabic and in French."""

import logging
import smtplib
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext, ngettext

from centers.models import StaffAssignment
from geo_directory.languages import DIRECTIONS, Text, in_language, page_language, record_text
from regions.models import Region

from .models import Digest, Suggestion

logger = logging.getLogger(__name__)

LANGUAGES = ("ar", "fr")
PERMISSION_BACKEND = "django.contrib.auth.backends.ModelBackend"


@dataclass(frozen=True)
class Team:
    """Who hears of a queue's new suggestions: a region's reviewers, or national staff
    (no region)."""

    region: Region | None
    members: list

    def suggestions(self):
        everywhere = Suggestion.objects.all()
        return everywhere if self.region is None else everywhere.filter(region=self.region)


def reviewers():
    """Who may be told: active staff with an e-mail address who may review suggestions
    (regional editors, national administrators); read-only viewers may not."""
    return (
        get_user_model()
        .objects.with_perm(
            "suggestions.change_suggestion", is_active=True, backend=PERMISSION_BACKEND
        )
        .filter(is_staff=True)
        .exclude(email="")
        .order_by("pk")
    )


def teams() -> list[Team]:
    """The teams that have members: national staff first, then each region's."""
    everywhere = get_user_model().objects.with_perm(
        "centers.manage_all_regions", is_active=True, backend=PERMISSION_BACKEND
    )
    # National staff review every region: one message with every region's new
    # suggestions, each naming its region, rather than one per region (up to twelve an
    # hour) for the one queue they open.
    national = Team(region=None, members=list(reviewers().filter(pk__in=everywhere)))
    regional = defaultdict(list)
    for assignment in (
        StaffAssignment.objects.filter(user__in=reviewers().exclude(pk__in=everywhere))
        .select_related("user", "region")
        .order_by("region__code", "user__pk")
    ):
        regional[assignment.region].append(assignment.user)
    found = [national, *(Team(region, members) for region, members in regional.items())]
    return [team for team in found if team.members]


def digests_send() -> tuple[int, int]:
    """Sends each team its digest, if anything new waits for it; returns (sent, failed).
    A failed one is left to the next run."""
    if not settings.SEND_EMAIL:
        logger.warning(
            "E-mail is off (EMAIL_HOST is not set): no digest sent. The suggestions wait "
            "for the first one sent."
        )
        return 0, 0
    sent = failed = 0
    for team in teams():
        try:
            sent += _digest_send(team)
        except (smtplib.SMTPException, OSError):
            logger.exception("The digest of %s could not be sent.", team.region or "national staff")
            failed += 1
    return sent, failed


@transaction.atomic
def _digest_send(team: Team) -> bool:
    if not _lock_taken(team):
        return False  # another run is sending this team's digest
    new = list(
        team.suggestions()
        .waiting()
        .not_yet_in_a_digest_of(team.region)
        .select_related("center", "commune", "region")
        .order_by("created_at", "pk")
    )
    if not new:
        return False
    waiting = team.suggestions().waiting().count()
    subjects, bodies, sections = zip(
        *(_message(team, new, waiting, language) for language in LANGUAGES), strict=True
    )
    subject = " / ".join(subjects)
    # The members of a team share its queue: each sees who else was told.
    message = EmailMultiAlternatives(
        subject=subject,
        body="\n\n――――――――――\n\n".join(bodies),
        to=[member.email for member in team.members],
    )
    # The same in HTML, where each language's part, and each name in another language
    # than its part's, is marked with its language and direction.
    document = render_to_string(
        "suggestions/digest_email_document.html",
        {
            "subject": subject,
            "sections": sections,
            "language": LANGUAGES[0],
            "direction": DIRECTIONS[LANGUAGES[0]],
        },
    )
    message.attach_alternative(document, "text/html")
    message.send()
    digest = Digest.objects.create(region=team.region, recipients=len(team.members))
    digest.suggestions.set(new)
    return True


def _lock_taken(team: Team) -> bool:
    """Holds the team's digest until the transaction ends, so that two runs (the command
    and the job worker's) never send the same one; False if another run holds it."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_try_advisory_xact_lock(hashtext(%(name)s), %(team)s)",
            {"name": "suggestions.digest", "team": team.region.pk if team.region else 0},
        )
        return cursor.fetchone()[0]


def _message(
    team: Team, suggestions: list[Suggestion], waiting: int, language: str
) -> tuple[str, str, str]:
    """The subject, the text and the HTML part of a digest in one language."""
    with translation.override(language):
        count = len(suggestions)
        subject = ngettext(
            "%(count)d new suggestion to review", "%(count)d new suggestions to review", count
        ) % {"count": count}
        where = record_text(team.region) if team.region else Text(gettext("every region"), language)
        queue_filter = {"status__exact": Suggestion.Status.WAITING}
        if team.region is not None:
            queue_filter["region__id__exact"] = team.region.pk
        context = {
            "count": count,
            "where": where,
            "waiting": waiting,
            "suggestions": [
                {
                    "number": suggestion.pk,
                    "kind": suggestion.get_kind_display(),
                    "about": _about(suggestion),
                    "region": record_text(suggestion.region),
                    "received": timezone.localtime(suggestion.created_at),
                    "url": settings.SITE_URL
                    + reverse("admin:suggestions_suggestion_change", args=[suggestion.pk]),
                }
                for suggestion in suggestions
            ],
            "queue_url": settings.SITE_URL
            + reverse("admin:suggestions_suggestion_changelist")
            + "?"
            + urlencode(queue_filter),
        }
        body = render_to_string("suggestions/digest_email.txt", context)
        section = render_to_string("suggestions/digest_email.html", context)
        subject = f"{gettext('Social centers of Morocco')}: {subject} ({where.isolated})"
        return subject, body.strip(), section


def _about(suggestion: Suggestion) -> Text:
    if suggestion.center is not None:
        return in_language(suggestion.center, "name")
    if suggestion.commune is not None:
        return in_language(suggestion.commune, "name")
    return Text(gettext("a center the directory lacks"), page_language())
