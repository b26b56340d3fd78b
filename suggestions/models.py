"""What the public tells the directory: a correction to a center, or a center it lacks.

A suggestion is never published by itself: staff of its region review it. It keeps only
what the person chose to write (the text, and a way to reach them if they gave one): no
address of their connection, no account, nothing about what they searched for.

Leads read in public sources (fixtures/leads.csv, suggestions/leads.py) wait in the same
queue, each with the center it proposes, until staff verify them.
"""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from centers.models import Center
from regions.models import Commune, Region

# A suggestion's text, and the way to reach its author, at most.
MAX_TEXT = 2000
MAX_CONTACT = 200


class SuggestionQuerySet(models.QuerySet):
    def waiting(self):
        return self.filter(status=Suggestion.Status.WAITING)

    def in_regions_of(self, user):
        """The suggestions a staff member reviews or sees: every region's for the national
        roles, their assigned regions' for a regional one (centers/roles.py)."""
        if user.has_perm("centers.manage_all_regions") or user.has_perm("centers.view_all_regions"):
            return self
        return self.filter(region__in=Region.objects.filter(staff_assignments__user=user))

    def not_yet_in_a_digest_of(self, region: Region | None):
        """Those no digest of a team has listed: of the region's team, or of national
        staff (None)."""
        listed = Digest.suggestions.through.objects.filter(
            suggestion=OuterRef("pk"), digest__region=region
        )
        return self.exclude(Exists(listed))


class Suggestion(models.Model):
    class Kind(models.TextChoices):
        PHONE = "phone", _("The phone number is wrong or missing")
        HOURS = "hours", _("The opening hours are wrong or missing")
        ADDRESS = "address", _("The address or the position on the map is wrong")
        CLOSED = "closed", _("The center is closed")
        MOVED = "moved", _("The center has moved")
        NEW_CENTER = "new_center", _("A center that is not in the directory")
        OTHER = "other", _("Something else")

    class Status(models.TextChoices):
        WAITING = "waiting", _("waiting for review")
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("rejected")
        MERGED = "merged", _("merged into another suggestion")

    # What a person may say about a center of a sensitive category: nothing that names
    # or asks for where it is.
    ABOUT_A_SENSITIVE_CENTER = [Kind.PHONE, Kind.HOURS, Kind.CLOSED, Kind.OTHER]

    center = models.ForeignKey(
        Center,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="suggestions",
        verbose_name=_("center"),
    )
    # The center's region, or the region the person was looking at: whose team reviews.
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="suggestions", verbose_name=_("region")
    )
    commune = models.ForeignKey(
        Commune,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("commune"),
    )
    kind = models.CharField(_("what"), max_length=20, choices=Kind.choices)
    text = models.TextField(_("what the person wrote"), max_length=MAX_TEXT)
    contact = models.CharField(
        _("how to reach them (if they chose to say)"), max_length=MAX_CONTACT, blank=True
    )
    # The language of the page it was sent from: the one to answer in (none for a lead).
    language = models.CharField(_("language"), max_length=8, blank=True)
    # A lead's reference (the `external_ref` of the center it proposes), and that center in
    # the columns of the centers' sheet, sources included: what staff confirm or correct.
    lead_ref = models.CharField(
        _("lead reference"), max_length=100, unique=True, null=True, blank=True
    )
    proposed = models.JSONField(_("proposed center"), default=dict, blank=True)
    # Several people may report the same thing: the others wait on the one that is reviewed.
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged",
        verbose_name=_("merged into"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.WAITING
    )
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)
    # The review: by whom, when, and why (a reason is required to reject).
    review_note = models.TextField(_("review note"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    objects = SuggestionQuerySet.as_manager()

    class Meta:
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["region", "status"])]

    def __str__(self):
        return f"#{self.pk} {self.get_kind_display()}"

    @property
    def is_lead(self) -> bool:
        return self.lead_ref is not None


class Digest(models.Model):
    """One e-mail that told a team of the suggestions new in its queue: a region's team,
    or national staff (no region), and which suggestions it listed. A team's next digest
    lists what waits and none of its digests listed, so that one that could not be sent
    comes with the next, and nothing comes twice, whatever order suggestions were
    committed in."""

    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="suggestion_digests",
        verbose_name=_("region"),
    )
    suggestions = models.ManyToManyField(
        Suggestion, related_name="digests", verbose_name=_("suggestions")
    )
    # How many addresses it went to, not which: a team's accounts are read in the admin.
    recipients = models.PositiveIntegerField(_("recipients"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("digest of new suggestions")
        verbose_name_plural = _("digests of new suggestions")
        ordering = ["-sent_at"]

    def __str__(self):
        return f"{self.region or _('every region')} {self.sent_at:%Y-%m-%d %H:%M}"
