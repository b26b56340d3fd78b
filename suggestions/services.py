"""Writes to suggestions beyond the review form: accepting one as its change is written to
a center, and merging those that report the same thing."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from centers.models import Center
from centers.sheets import row_values

from .models import Suggestion

# A history's reason holds this many characters.
HISTORY_REASON_LENGTH = 100
_REASON_SEPARATOR = ": "


def history_reason(number: int, reason: str) -> str:
    """What a center's history says of a change that comes from suggestion `number`."""
    origin = _("From suggestion #%(number)s") % {"number": number}
    return f"{origin}{_REASON_SEPARATOR}{reason}" if reason else origin


def reason_room(number: int) -> int:
    """How long the reason given may be, for the history to hold it after its origin."""
    return HISTORY_REASON_LENGTH - len(history_reason(number, "")) - len(_REASON_SEPARATOR)


def suggestion_accept(*, user, suggestion: Suggestion, center: Center, note: str = "") -> None:
    """Records the suggestion as accepted, with the center it changed or created. Called
    in the transaction that writes the center, so that neither happens without the other."""
    suggestion.status = Suggestion.Status.ACCEPTED
    suggestion.center = center
    suggestion.review_note = note
    suggestion.reviewed_by, suggestion.reviewed_at = user, timezone.now()
    suggestion.save(update_fields=["status", "center", "review_note", "reviewed_by", "reviewed_at"])


@transaction.atomic
def suggestions_merge(*, user, suggestions) -> Suggestion:
    """Merges suggestions that report the same thing into the oldest one, which waits for
    review with the others' texts beside it. They must all wait, in one region, about one
    center (or none)."""
    chosen = list(Suggestion.objects.select_for_update().filter(pk__in=[s.pk for s in suggestions]))
    chosen.sort(key=lambda suggestion: (suggestion.created_at, suggestion.pk))
    if len(chosen) < 2:
        raise ValidationError(_("Choose at least two suggestions to merge."))
    if any(suggestion.status != Suggestion.Status.WAITING for suggestion in chosen):
        raise ValidationError(_("Only suggestions waiting for review can be merged."))
    if len({(suggestion.region_id, suggestion.center_id) for suggestion in chosen}) > 1:
        raise ValidationError(
            _("Only suggestions about the same center, or the same region, can be merged.")
        )
    kept, *others = chosen
    now = timezone.now()
    for suggestion in others:
        suggestion.status = Suggestion.Status.MERGED
        suggestion.merged_into = kept
        suggestion.review_note = _("Merged into suggestion #%(number)s") % {"number": kept.pk}
        suggestion.reviewed_by, suggestion.reviewed_at = user, now
    Suggestion.objects.bulk_update(
        others, ["status", "merged_into", "review_note", "reviewed_by", "reviewed_at"]
    )
    return kept


def center_initial(suggestion: Suggestion) -> dict:
    """The first values of the center form that creates a center from a suggestion: the
    center a lead proposes, read as an import reads it; else the commune the person chose,
    as an approximate position."""
    if suggestion.proposed:
        values, _errors = row_values(suggestion.proposed)
        values.pop("archived", None)
        return values
    if suggestion.commune is not None:
        return {
            "commune_code": suggestion.commune.code,
            "location_precision": Center.Precision.COMMUNE,
        }
    return {}
