"""The regional review queue: each team sees the suggestions of its regions, the
center's current facts beside what was suggested, and accepts or rejects each with a
note (a reason is required to reject). Suggestions come from the public only: staff
neither add nor delete them."""

from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from centers import hours
from centers.roles import staff_regions

from .models import Suggestion


class ReviewForm(forms.ModelForm):
    class Meta:
        model = Suggestion
        fields = ["status", "review_note"]

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("status") == Suggestion.Status.REJECTED
            and not cleaned.get("review_note", "").strip()
        ):
            self.add_error("review_note", _("Say why the suggestion is rejected."))
        return cleaned


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    form = ReviewForm
    list_display = ["__str__", "created_at", "region", "center", "status"]
    list_filter = ["status", "kind", "region"]
    readonly_fields = [
        "created_at",
        "region",
        "commune",
        "center",
        "kind",
        "text",
        "contact",
        "language",
        "current_facts",
        "reviewed_by",
        "reviewed_at",
    ]
    fields = [*readonly_fields[:9], "status", "review_note", "reviewed_by", "reviewed_at"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .in_regions_of(request.user)
            .select_related("region", "commune", "center")
        )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        regions = staff_regions(request.user)
        return obj is None or regions is None or obj.region in regions

    @admin.display(description=_("the center's facts now"))
    def current_facts(self, suggestion):
        center = suggestion.center
        if center is None:
            return "—"
        facts = [
            (_("phones"), ", ".join(center.phones) or "—"),
            (_("opening hours"), hours.format_hours(center.opening_hours) or "—"),
            (_("address (French)"), center.address_fr or "—"),
            (_("address (Arabic)"), center.address_ar or "—"),
            (_("status"), center.get_status_display()),
        ]
        return format_html_join("", "<p><strong>{}</strong>: {}</p>", facts)

    def save_model(self, request, obj, form, change):
        if "status" in form.changed_data or "review_note" in form.changed_data:
            obj.reviewed_by, obj.reviewed_at = request.user, timezone.now()
        super().save_model(request, obj, form, change)
