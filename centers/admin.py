"""The staff tools: edit centers on a map, each regional team limited to its regions; the
taxonomies and helplines. The centers' sheets are in centers/admin_sheets.py, the staff
accounts in centers/staff_accounts.py."""

from django.contrib import admin, messages
from django.db import OperationalError, models
from django.template.response import TemplateResponse
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from psycopg.errors import LockNotAvailable

from geo_directory.admin import HistoryInWordsAdmin, LanguagesMarkedAdmin, marked_column
from geo_directory.languages import marked_str
from regions.models import Region

# staff_accounts registers the admin of staff accounts.
from . import hours, services, staff_accounts  # noqa: F401
from .admin_sheets import CenterSheetsAdmin
from .completeness import FACTS, completeness_of, in_words
from .forms import CategoryAdminForm, CenterAdminForm, ReasonForm, VerificationNoteForm
from .models import AccessibilityFeature, Category, Center, Helpline, Service
from .roles import staff_regions

# Listed with what a center lacks, beyond VERIFICATION_MAX_AGE (centers/completeness.py).
NOT_VERIFIED = _("not verified for 12 months")


class VerificationAgeFilter(admin.SimpleListFilter):
    title = _("verification")
    parameter_name = "verified"

    def lookups(self, request, model_admin):
        return [
            ("stale", _("Not verified for 12 months")),
            ("recent", _("Verified in the last 12 months")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "stale":
            return queryset.verification_due()
        if self.value() == "recent":
            return queryset.verified_recently()
        return queryset


class LacksFilter(admin.SimpleListFilter):
    """The verification worklist: what a center lacks of the facts expected of it
    (centers/completeness.py), or a check in the last 12 months."""

    title = _("lacks")
    parameter_name = "lacks"
    ANYTHING = "anything"
    VERIFICATION = "verification"

    def lookups(self, request, model_admin):
        return [
            (self.ANYTHING, _("A fact or a check (all to do)")),
            *((fact.code, fact.label) for fact in FACTS),
            (self.VERIFICATION, _("A check in the last 12 months")),
        ]

    def queryset(self, request, queryset):
        if self.value() == self.ANYTHING:
            return queryset.to_check()
        if self.value() == self.VERIFICATION:
            return queryset.verification_due()
        if self.value():
            return queryset.lacking(self.value())
        return queryset


class StaffRegionFilter(admin.SimpleListFilter):
    """Offers only the regions the staff member works on."""

    title = _("region")
    parameter_name = "region"

    def lookups(self, request, model_admin):
        regions = staff_regions(request.user)
        regions = Region.objects.without_boundaries() if regions is None else regions
        return [(region.code, marked_str(region)) for region in regions]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(region__code=self.value())
        return queryset


@admin.register(Center)
class CenterAdmin(CenterSheetsAdmin, LanguagesMarkedAdmin, HistoryInWordsAdmin):
    form = CenterAdminForm
    # Web addresses typed without a scheme are taken as https.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    change_form_template = "admin/centers/center/change_form.html"
    change_list_template = "admin/centers/center/change_list.html"
    list_display = [
        "name",
        "category",
        "commune_name",
        "region_name",
        "status",
        "last_verified_on",
        "completeness_percent",
        "lacks",
        "archived",
    ]
    list_filter = [
        StaffRegionFilter,
        LacksFilter,
        "category",
        "status",
        VerificationAgeFilter,
        "location_precision",
        "archived",
    ]
    list_select_related = ["category", "commune", "region"]
    search_fields = ["name_ar", "name_fr", "name_en", "external_ref", "commune__name_fr"]
    readonly_fields = [
        "slug",
        "completeness_in_words",
        "place",
        "public_position",
        "created_at",
        "updated_at",
    ]
    actions = ["verified_today", "archive", "restore", "export_csv", "export_xlsx"]
    history_list_display = ["status", "archived"]
    fieldsets = [
        (None, {"fields": ["name_ar", "name_fr", "name_en", "slug", "category"]}),
        (
            _("Status"),
            {
                "fields": [
                    "status",
                    "status_note",
                    "last_verified_on",
                    "completeness_in_words",
                    "source_urls",
                ]
            },
        ),
        (_("Services"), {"fields": ["services", "accessibility", "capacity"]}),
        (
            _("Description"),
            {
                "fields": [
                    "description_ar",
                    "description_fr",
                    "eligibility_ar",
                    "eligibility_fr",
                    "managing_organisation",
                ]
            },
        ),
        (
            _("Contact and hours"),
            {
                "fields": [
                    "phones",
                    "email",
                    "website",
                    "opening_hours",
                    "opening_hours_note",
                ]
            },
        ),
        (
            _("Record"),
            {
                "fields": [
                    "external_ref",
                    "created_at",
                    "updated_at",
                    "change_reason",
                ]
            },
        ),
        (
            _("Position"),
            {
                "fields": [
                    "address_ar",
                    "address_fr",
                    "latitude",
                    "longitude",
                    "location_precision",
                    "commune_code",
                    "place",
                    "public_position",
                    "not_a_duplicate",
                ]
            },
        ),
    ]

    # Scope: a regional editor reaches only the centers of their regions, everywhere.

    def get_queryset(self, request):
        return super().get_queryset(request).in_regions_of(request.user).with_completeness()

    def _in_scope(self, request, obj, *, writing: bool) -> bool:
        # A center not saved yet has no region: the service checks it when it is written.
        if obj is None or obj.region_id is None:
            return True
        if not writing and request.user.has_perm("centers.view_all_regions"):
            return True
        regions = staff_regions(request.user)
        return regions is None or obj.region_id in {region.id for region in regions}

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._in_scope(
            request, obj, writing=False
        )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._in_scope(
            request, obj, writing=True
        )

    def has_delete_permission(self, request, obj=None):
        # Records are archived, never deleted, so that nothing is lost.
        return False

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # The map of a new center, or of one of a sensitive category, is around a place to
        # keep secret: street tiles only from the operator's own server (geo_directory/maps.py).
        context["position_map_sensitive"] = obj is None or obj.category.sensitive
        conflict = getattr(context["adminform"].form, "conflict", None)
        if conflict is not None:
            context["conflict_records"] = [
                {
                    "record": record,
                    "changes": self.get_historical_record_context_helper(
                        request, record
                    ).context_for_delta_changes(
                        record.diff_against(record.prev_record, excluded_fields=["version"])
                    ),
                }
                for record in conflict.changes()
                if record.prev_record is not None
            ]
        return super().render_change_form(request, context, add, change, form_url, obj)

    # Writes go through the services: derived geography, privacy rule, one history record.

    def history_reason(self, request, form) -> str:
        """The reason the history records for this save."""
        return form.cleaned_data.get("change_reason", "")

    def save_model(self, request, obj, form, change):
        reason = self.history_reason(request, form)
        services_ = form.cleaned_data["services"]
        accessibility = form.cleaned_data["accessibility"]
        if change:
            center = Center.objects.get(pk=obj.pk)
            # The version the form was opened on, checked again as the row is written.
            center.version = form.cleaned_data["read_version"]
            services.center_update(
                user=request.user,
                center=center,
                fields=form.center_fields(),
                position=form.position,
                services=services_,
                accessibility=accessibility,
                reason=reason,
            )
        else:
            center = services.center_create(
                user=request.user,
                fields=form.center_fields(),
                position=form.position,
                services=services_,
                accessibility=accessibility,
                reason=reason,
            )
        obj.pk, obj.region_id = center.pk, center.region_id
        form.instance = center

    def save_related(self, request, form, formsets, change):
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    name = marked_column("self", _("center"), "name_fr")
    commune_name = marked_column("commune", _("commune"), "commune__name_fr")
    region_name = marked_column("region", _("region"), "region__code")

    @admin.display(description=_("commune, province, region"))
    def place(self, center):
        if not center.pk:
            return _("Derived from the position when saved.")
        return format_html_join(
            " · ",
            "{}",
            ((marked_str(unit),) for unit in (center.commune, center.province, center.region)),
        )

    @admin.display(description=_("position shown to the public"))
    def public_position(self, center):
        if not center.pk:
            return "-"
        point = center.public_location
        return f"{point.y:.6f}, {point.x:.6f} ({center.get_public_location_precision_display()})"

    @admin.display(description=_("completeness"), ordering="completeness")
    def completeness_percent(self, center):
        return f"{center.completeness} %"

    @admin.display(description=_("lacks"))
    def lacks(self, center):
        """What the center lacks, in words: its missing facts, and a recent check."""
        lacking = [fact.label for fact in completeness_of(center).missing]
        if center.verification_is_due():
            lacking.append(NOT_VERIFIED)
        return in_words(lacking) or "-"

    @admin.display(description=_("completeness"))
    def completeness_in_words(self, center):
        if not center.pk:
            return _("Measured when saved.")
        facts = completeness_of(center)
        figures = {
            "percent": center.completeness,
            "known": facts.known_count,
            "expected": facts.expected_count,
            "missing": facts.missing_in_words,
        }
        if not facts.missing:
            return _("%(percent)s %%: %(known)s of the %(expected)s expected facts.") % figures
        return (
            _("%(percent)s %%: %(known)s of the %(expected)s expected facts. Lacks: %(missing)s.")
            % figures
        )

    def history_value(self, field, value):
        # Opening hours by the days' names, not as the stored JSON.
        if field.name == "opening_hours" and value:
            return "; ".join(
                " ".join([str(hours.DAY_NAMES[day]), *map("-".join, value[day])])
                for day in hours.DAYS
                if value.get(day)
            )
        return super().history_value(field, value)

    # Actions, on the changelist's (already scoped) queryset.

    @admin.action(description=_("Mark the selected centers verified today"), permissions=["change"])
    def verified_today(self, request, queryset):
        return self._with_reason(
            request,
            queryset,
            services.center_verify,
            title=_("Verified today"),
            question=_(
                "These centers' facts were checked today: say what was checked, and how "
                "(a call, a visit, a document)."
            ),
            done=lambda count: (
                ngettext(
                    "%d center marked verified today.", "%d centers marked verified today.", count
                )
                % count
            ),
            form_class=VerificationNoteForm,
        )

    @admin.action(description=_("Archive the selected centers"), permissions=["change"])
    def archive(self, request, queryset):
        return self._with_reason(
            request,
            queryset,
            services.center_archive,
            title=_("Archive centers"),
            question=_("Why are these centers taken out of the directory?"),
            done=lambda count: (
                ngettext("%d center archived.", "%d centers archived.", count) % count
            ),
        )

    @admin.action(description=_("Restore the selected centers"), permissions=["change"])
    def restore(self, request, queryset):
        return self._with_reason(
            request,
            queryset,
            services.center_restore,
            title=_("Restore centers"),
            question=_("Why do these centers return to the directory?"),
            done=lambda count: (
                ngettext("%d center restored.", "%d centers restored.", count) % count
            ),
        )

    def _with_reason(
        self, request, queryset, write, *, title, question, done, form_class=ReasonForm
    ):
        """Archiving, restoring and verifying ask why (or what was checked); the reason is
        kept in each center's history."""
        form = form_class(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            reason = form.cleaned_data["reason"]
            count = busy = 0
            for center in queryset:
                try:
                    count += write(user=request.user, center=center, reason=reason)
                except OperationalError as error:
                    if not isinstance(error.__cause__, LockNotAvailable):
                        raise
                    busy += 1  # an import is writing it: left as it is, and said so
            self.message_user(request, done(count))
            if busy:
                self.message_user(
                    request,
                    ngettext(
                        "%d center was being written by an import and was left as it is: "
                        "try again in a moment.",
                        "%d centers were being written by an import and were left as they "
                        "are: try again in a moment.",
                        busy,
                    )
                    % busy,
                    messages.WARNING,
                )
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "question": question,
            "form": form,
            "centers": queryset,
            "action": request.POST.get("action", ""),
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/centers/center/reason.html", context)


@admin.register(Category)
class CategoryAdmin(LanguagesMarkedAdmin, HistoryInWordsAdmin):
    form = CategoryAdminForm
    list_display = ["code", "name_fr", "name_ar", "sensitive", "position"]

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        # The reason is asked of whoever changes the category, not shown to a reader.
        if not self.has_change_permission(request, obj):
            fields = [name for name in fields if name != "change_reason"]
        return fields

    def save_model(self, request, obj, form, change):
        reason = form.cleaned_data.get("change_reason", "")
        if not change:
            obj._history_user = request.user
            obj._change_reason = reason or None
            obj.save()
            return
        # The service writes the category from the database's copy, so that it knows
        # whether the sensitivity really changes.
        category = Category.objects.get(pk=obj.pk)
        count = services.category_update(
            user=request.user, category=category, fields=form.category_fields(), reason=reason
        )
        if "sensitive" in form.changed_data:
            self.message_user(
                request,
                _("The public position of %(count)s centers follows the new setting.")
                % {"count": count},
            )

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Helpline)
class HelplineAdmin(LanguagesMarkedAdmin, HistoryInWordsAdmin):
    list_display = ["number", "name_fr", "name_ar", "last_confirmed_year", "withdrawn"]
    list_filter = ["withdrawn", "categories"]
    filter_horizontal = ["categories"]

    def has_delete_permission(self, request, obj=None):
        # A number that no longer answers is withdrawn, so that its history stays.
        return False


@admin.register(Service, AccessibilityFeature)
class TaxonomyAdmin(LanguagesMarkedAdmin):
    list_display = ["code", "name_fr", "name_ar", "name_en", "position"]
