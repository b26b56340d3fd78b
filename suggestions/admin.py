"""The regional review queue: each team sees the suggestions of its regions, the
center's current facts beside what was suggested, and accepts, rejects or merges each.
Accepting is writing the change: the suggestion opens the center's own form (or the form
of a new center, filled with what a lead proposes), and saving it records the suggestion
as accepted, with "From suggestion #N" in the center's history. A reason is required to
reject. Suggestions come from the public and from leads only: staff neither add nor
delete them."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from centers import hours
from centers.admin import CenterAdmin
from centers.models import Center
from centers.roles import staff_regions
from centers.sheets import URL_SEPARATOR
from geo_directory.admin import LanguagesMarkedAdmin, MarkedRelatedFilter, marked_column
from geo_directory.languages import Text

from . import services
from .models import Suggestion


class ReviewForm(forms.ModelForm):
    # Accepting is done by saving the change it suggests, merging by the merge action.
    status = forms.ChoiceField(
        label=_("status"),
        choices=[
            (Suggestion.Status.WAITING, Suggestion.Status.WAITING.label),
            (Suggestion.Status.REJECTED, Suggestion.Status.REJECTED.label),
        ],
    )

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


class OriginFilter(admin.SimpleListFilter):
    title = _("from")
    parameter_name = "from"

    def lookups(self, request, model_admin):
        return [("public", _("the public")), ("lead", _("leads from public sources"))]

    def queryset(self, request, queryset):
        if self.value() in {"public", "lead"}:
            return queryset.filter(lead_ref__isnull=self.value() == "public")
        return queryset


@admin.register(Suggestion)
class SuggestionAdmin(LanguagesMarkedAdmin):
    form = ReviewForm
    list_display = [
        "__str__",
        "created_at",
        "region_named",
        "center_named",
        "commune_named",
        "status",
    ]
    list_filter = ["status", OriginFilter, "kind", ("region", MarkedRelatedFilter)]
    actions = ["merge"]
    readonly_fields = [
        "created_at",
        "region_named",
        "commune_named",
        "center_named",
        "kind",
        "text_written",
        "contact",
        "language",
        "current_facts",
        "proposed_center",
        "merged_suggestions",
        "next_step",
        "merged_into",
        "reviewed_by",
        "reviewed_at",
    ]
    fields = [*readonly_fields[:12], "status", "review_note", *readonly_fields[12:]]

    # Named apart from the fields, which the admin would otherwise show by their str().
    region_named = marked_column("region", _("region"))
    commune_named = marked_column("commune", _("commune"))
    center_named = marked_column("center", _("center"))

    @admin.display(description=_("what the person wrote"))
    def text_written(self, suggestion):
        """In the language the person wrote in, which the form records."""
        written = Text(suggestion.text, suggestion.language or None)
        return format_html("<div{}>{}</div>", written.attributes, linebreaksbr(written.value))

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .in_regions_of(request.user)
            .select_related("region", "commune", "center")
        )

    def get_readonly_fields(self, request, obj=None):
        # An accepted or merged suggestion's review is done: it stays as it was decided.
        if obj is not None and obj.status in {Suggestion.Status.ACCEPTED, Suggestion.Status.MERGED}:
            return [*self.readonly_fields, "status", "review_note"]
        return self.readonly_fields

    def get_fields(self, request, obj=None):
        # The way to accept is offered to whoever may write the change.
        if self.has_change_permission(request, obj):
            return self.fields
        return [name for name in self.fields if name != "next_step"]

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
            (_("address (French)"), Text(center.address_fr, "fr") or "—"),
            (_("address (Arabic)"), Text(center.address_ar, "ar") or "—"),
            (_("status"), center.get_status_display()),
        ]
        return format_html_join("", "<p><strong>{}</strong>: {}</p>", facts)

    @admin.display(description=_("the center it proposes"))
    def proposed_center(self, suggestion):
        proposed = suggestion.proposed
        if not proposed:
            return "—"
        facts = [
            (_("name (Arabic)"), Text(proposed.get("name_ar", ""), "ar") or "—"),
            (_("name (French)"), Text(proposed.get("name_fr", ""), "fr") or "—"),
            (_("category"), proposed.get("category") or "—"),
            (_("status"), proposed.get("status") or "—"),
        ]
        sources = [url for url in proposed.get("source_urls", "").split(URL_SEPARATOR) if url]
        return format_html(
            "{}<p><strong>{}</strong></p><ul>{}</ul>",
            format_html_join("", "<p><strong>{}</strong>: {}</p>", facts),
            _("sources"),
            format_html_join(
                "", '<li><a href="{}" rel="noreferrer">{}</a></li>', ((u, u) for u in sources)
            ),
        )

    @admin.display(description=_("suggestions merged into this one"))
    def merged_suggestions(self, suggestion):
        merged = suggestion.merged.order_by("created_at")
        if not merged:
            return "—"
        return format_html_join(
            "",
            "<p><strong>#{}</strong> {}: {}</p>",
            ((s.pk, s.get_kind_display(), Text(s.text, s.language or None)) for s in merged),
        )

    @admin.display(description=_("to accept it"))
    def next_step(self, suggestion):
        if suggestion.status != Suggestion.Status.WAITING:
            return "—"
        if suggestion.center_id is None:
            url = reverse("admin:centers_center_add")
            label = _("Create the center from this suggestion")
        else:
            url = reverse("admin:centers_center_change", args=[suggestion.center_id])
            label = _("Apply it in the center's form")
        return format_html(
            '<a class="button" href="{}?suggestion={}">{}</a>', url, suggestion.pk, label
        )

    def save_model(self, request, obj, form, change):
        if "status" in form.changed_data or "review_note" in form.changed_data:
            obj.reviewed_by, obj.reviewed_at = request.user, timezone.now()
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Merge the selected suggestions"), permissions=["change"])
    def merge(self, request, queryset):
        regions = staff_regions(request.user)
        if regions is not None:
            queryset = queryset.filter(region__in=regions)
        try:
            kept = services.suggestions_merge(user=request.user, suggestions=queryset)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return
        self.message_user(request, _("Merged into suggestion #%(number)s.") % {"number": kept.pk})


class FromSuggestionForm:
    """The center form opened from a suggestion under review: it carries the suggestion's
    number, and saving it accepts the suggestion."""

    # Set by the admin for each request, with the `suggestion_number` field: the
    # suggestions the staff member may accept.
    reviewable = Suggestion.objects.none()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.suggestion = None
        if "change_reason" in self.fields:
            # "From suggestion #N: " comes before the reason given.
            room = services.reason_room(self.fields["suggestion_number"].initial)
            field = self.fields["change_reason"]
            field.max_length = room
            field.validators.append(MaxLengthValidator(room))
            field.widget.attrs["maxlength"] = room

    def clean(self):
        cleaned = super().clean()
        # Held until the save commits, so that two reviewers cannot both accept it.
        self.suggestion = (
            self.reviewable.select_for_update(of=("self",))
            .filter(pk=cleaned.get("suggestion_number"))
            .first()
        )
        if self.suggestion is None or self.suggestion.center_id != self.instance.pk:
            self.add_error(
                None,
                _(
                    "This suggestion was reviewed by someone else since you opened it, or "
                    "is not one you review: nothing is saved. Go back to the review queue."
                ),
            )
        return cleaned


admin.site.unregister(Center)


@admin.register(Center)
class CenterWithSuggestionsAdmin(CenterAdmin):
    """The centers' admin, whose form also accepts the suggestion it was opened from."""

    change_form_template = "admin/suggestions/center_change_form.html"

    def _named_suggestion(self, request) -> str:
        return request.POST.get("suggestion_number") or request.GET.get("suggestion", "")

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        number = self._named_suggestion(request)
        if not number.isdigit():
            return form
        reviewable = Suggestion.objects.waiting().in_regions_of(request.user)
        return type(
            form.__name__,
            (FromSuggestionForm, form),
            {
                "reviewable": reviewable,
                "suggestion_number": forms.IntegerField(
                    widget=forms.HiddenInput, initial=int(number)
                ),
            },
        )

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.pop("suggestion", None)
        suggestion = self._shown_suggestion(request)
        if suggestion is not None and suggestion.center_id is None:
            initial.update(services.center_initial(suggestion))
        return initial

    def _shown_suggestion(self, request) -> Suggestion | None:
        number = self._named_suggestion(request)
        if not number.isdigit():
            return None
        return (
            Suggestion.objects.waiting()
            .in_regions_of(request.user)
            .select_related("commune")
            .filter(pk=number)
            .first()
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["suggestion"] = self._shown_suggestion(request)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def history_reason(self, request, form) -> str:
        reason = super().history_reason(request, form)
        suggestion = getattr(form, "suggestion", None)
        return services.history_reason(suggestion.pk, reason) if suggestion else reason

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        suggestion = getattr(form, "suggestion", None)
        if suggestion is not None:
            services.suggestion_accept(
                user=request.user,
                suggestion=suggestion,
                center=form.instance,
                note=form.cleaned_data.get("change_reason", ""),
            )
