"""Reviewers hear about new suggestions: each reviewer gets, by e-mail, the suggestions
that came to their regions' queue since their last digest (national reviewers: every
region's, in one message). One message per person, so that no one sees the addresses
of another team, and each one's progress is kept apart: a message that cannot be sent
is sent with the next digest, and nothing is sent twice.

A message says what waits and where, with a link to each suggestion in the review
queue, and nothing of what the person wrote or how to reach them: the reviewer reads
that in the admin. Of a center it gives only the name, as its public page does.
Staff accounts keep no language: the message is in Arabic and in French."""

import logging
import smtplib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from .models import ReviewerDigest, Suggestion

logger = logging.getLogger(__name__)

LANGUAGES = ("ar", "fr")


def reviewers():
    """Who is told: active staff with an e-mail address who may review suggestions
    (regional editors of their regions, national staff of every region); read-only
    viewers are not."""
    return (
        get_user_model()
        .objects.with_perm(
            "suggestions.change_suggestion",
            is_active=True,
            backend="django.contrib.auth.backends.ModelBackend",
        )
        .filter(is_staff=True)
        .exclude(email="")
        .order_by("pk")
    )


def digests_send() -> tuple[int, int]:
    """Sends each reviewer their digest, if anything new waits for them; returns (sent,
    failed). A failed one is left to the next run."""
    sent = failed = 0
    for reviewer in reviewers():
        ReviewerDigest.objects.get_or_create(reviewer=reviewer)
        try:
            sent += _digest_send(reviewer)
        except (smtplib.SMTPException, OSError):
            logger.exception("The digest of reviewer %s could not be sent.", reviewer.pk)
            failed += 1
    return sent, failed


@transaction.atomic
def _digest_send(reviewer) -> bool:
    # Held while the message is sent, so that two runs never send the same one.
    progress = ReviewerDigest.objects.select_for_update().get(reviewer=reviewer)
    new = list(
        Suggestion.objects.waiting()
        .in_regions_of(reviewer)
        .filter(pk__gt=progress.last_suggestion_id)
        .select_related("center", "commune", "region")
        .order_by("pk")
    )
    if not new:
        return False
    subjects, bodies = zip(*(_message(new, language) for language in LANGUAGES), strict=True)
    EmailMessage(
        subject=" / ".join(subjects),
        body="\n\n――――――――――\n\n".join(bodies),
        to=[reviewer.email],
    ).send()
    progress.last_suggestion_id = new[-1].pk
    progress.sent_at = timezone.now()
    progress.save()
    return True


def _message(suggestions: list[Suggestion], language: str) -> tuple[str, str]:
    with translation.override(language):
        count = len(suggestions)
        subject = ngettext(
            "%(count)d new suggestion to review", "%(count)d new suggestions to review", count
        ) % {"count": count}
        body = render_to_string(
            "suggestions/digest_email.txt",
            {
                "count": count,
                "suggestions": [
                    {
                        "number": suggestion.pk,
                        "kind": suggestion.get_kind_display(),
                        "about": _about(suggestion),
                        "region": suggestion.region,
                        "received": timezone.localtime(suggestion.created_at),
                        "url": settings.SITE_URL
                        + reverse("admin:suggestions_suggestion_change", args=[suggestion.pk]),
                    }
                    for suggestion in suggestions
                ],
                "queue_url": settings.SITE_URL
                + reverse("admin:suggestions_suggestion_changelist")
                + "?status__exact=waiting",
            },
        )
        return f"{gettext('Social centers of Morocco')}: {subject}", body


def _about(suggestion: Suggestion) -> str:
    if suggestion.center is not None:
        return str(suggestion.center)
    if suggestion.commune is not None:
        return str(suggestion.commune)
    return gettext("a center the directory lacks")
