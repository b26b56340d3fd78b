"""Staff accounts in the admin: a new staff member is one form (account, role and regions),
and no account can give itself or anyone more than it has (centers/roles.py)."""

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from regions.models import Region

from .models import StaffAssignment
from .roles import ROLES, ROLES_BY_NAME

User = get_user_model()


def role_choices():
    return [(role.name, f"{role.label} — {role.description}") for role in ROLES]


class StaffMemberCreationForm(UserCreationForm):
    """Account, role and regions in one step; a staff member always has staff status."""

    role = forms.ChoiceField(label=_("Role"), choices=role_choices, widget=forms.RadioSelect)
    regions = forms.ModelMultipleChoiceField(
        label=_("Regions"),
        queryset=Region.objects.without_boundaries().order_by("code"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Required for a regional editor: the regions whose centers they work on."),
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ["username", "first_name", "last_name", "email"]

    def clean(self):
        cleaned = super().clean()
        role = ROLES_BY_NAME.get(cleaned.get("role"))
        if role is not None and role.regional and not cleaned.get("regions"):
            self.add_error("regions", _("Choose at least one region for a regional role."))
        return cleaned

    @transaction.atomic
    def save(self, commit=True):
        user = super().save(commit=False)
        user.is_staff = True
        user.save()
        user.groups.set([Group.objects.get(name=self.cleaned_data["role"])])
        role = ROLES_BY_NAME[self.cleaned_data["role"]]
        regions = self.cleaned_data["regions"] if role.regional else []
        StaffAssignment.objects.bulk_create(
            StaffAssignment(user=user, region=region) for region in regions
        )
        return user


class StaffAssignmentInline(admin.TabularInline):
    model = StaffAssignment
    extra = 1
    verbose_name_plural = _("regions this staff member works on")


admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    add_form = StaffMemberCreationForm
    add_fieldsets = [
        (
            None,
            {
                "fields": [
                    "username",
                    "password1",
                    "password2",
                    "first_name",
                    "last_name",
                    "email",
                    "role",
                    "regions",
                ]
            },
        )
    ]
    inlines = [StaffAssignmentInline]

    def get_inlines(self, request, obj):
        # The add form names the regions itself.
        return self.inlines if obj is not None else []

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or request.user.is_superuser:
            return fieldsets
        # Only a superuser grants superuser status or permissions one by one: the others
        # give roles, each no more than a national administrator has.
        hidden = {"is_superuser", "user_permissions"}
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f not in hidden]})
            for name, options in fieldsets
        ]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":
            kwargs["queryset"] = Group.objects.filter(name__in=ROLES_BY_NAME)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        # A superuser's account is changed by superusers only (else its password could
        # be reset, and the account taken).
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)
