"""The admin in the staff's language (Arabic, French or English, from the address): its
titles, the names of the staff roles and of the permissions, and the editing history.

Autodiscovered like every app's admin module, so all of this is in place before the
first request.
"""

from django.contrib import admin
from django.contrib.admin.utils import display_for_field
from django.contrib.auth import admin as auth_admin
from django.contrib.auth.models import Group, Permission
from django.db import models
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper, ObjDiffDisplay

from centers.roles import ROLES_BY_NAME
from geo_directory.languages import DIRECTIONS, Text, marked_str

admin.site.site_header = _("Social centers of Morocco")
admin.site.site_title = _("Staff tools of the directory")
admin.site.index_title = _("Staff tools")

# Strings of the packages, shown on the staff pages, that the packages' Arabic catalogs
# lack (Django 5.2's password settings, django-leaflet's map control, django-axes' list
# filter) or keep in English (Django's "salt", "hash"). Marked here so that makemessages
# keeps them in our catalog, which takes precedence over the packages' own. Drop a line
# once the package translates it.
PACKAGE_STRINGS = [
    gettext_noop("Reset password"),
    gettext_noop("Raw passwords are not stored, so there is no way to see the user’s password."),  # noqa: RUF001 (Django's text, to the letter)
    gettext_noop("Password-based authentication"),
    gettext_noop("Enabled"),
    gettext_noop("Disabled"),
    gettext_noop(
        "Whether the user will be able to authenticate using a password or not. "
        "If disabled, they may still be able to authenticate using other backends, "
        "such as Single Sign-On or LDAP."
    ),
    gettext_noop("salt"),
    gettext_noop("hash"),
    gettext_noop("Reset view"),
    gettext_noop("Locked Out"),
]


# Groups and permissions are shown through their `__str__` in a dozen places (lists,
# pickers, titles, breadcrumbs, the user list's filter, deletion and history pages), and
# their stored names are English: the role groups because code finds them by name
# (centers/roles.py), the permissions because Django writes "Can add center" once, with
# the untranslated model name, and has no translation for it. So both are named here, in
# the active language, wherever they appear.


def group_label(group: Group) -> str:
    """A role's group by the role's label; any other group by its name."""
    role = ROLES_BY_NAME.get(group.name)
    return str(role.label) if role else group.name


DEFAULT_PERMISSION_NAMES = {
    "add": _("Can add %(models)s"),
    "change": _("Can change %(models)s"),
    "delete": _("Can delete %(models)s"),
    "view": _("Can view %(models)s"),
}
# django-simple-history's models, named "historical <name>" in English.
HISTORY_PERMISSION_NAMES = {
    "add": _("Can add to the history of %(models)s"),
    "change": _("Can change the history of %(models)s"),
    "delete": _("Can delete from the history of %(models)s"),
    "view": _("Can view the history of %(models)s"),
}


def permission_label(permission: Permission) -> str:
    """`<app> | <what it allows>` for the models staff work on in the admin and their
    histories: Django's four permissions of a model rebuilt from the model's translated
    name, a model's own permissions by their declared, translatable name. A permission on
    a table that no admin page shows (sessions, PostGIS metadata, the histories of links)
    gives staff nothing to use, and those tables have no translated names: it is shown
    by its code."""
    model = permission.content_type.model_class()
    subject = getattr(model, "instance_type", model)  # a history: the model it records
    if model is None or not admin.site.is_registered(subject):
        return f"{permission.content_type.app_label}.{permission.codename}"
    opts = model._meta
    action, _underscore, model_name = permission.codename.partition("_")
    if action in DEFAULT_PERMISSION_NAMES and model_name == opts.model_name:
        names = DEFAULT_PERMISSION_NAMES if subject is model else HISTORY_PERMISSION_NAMES
        text = names[action] % {"models": subject._meta.verbose_name_plural}
    else:
        # The declared name, not the stored one: that is in the language `migrate` ran in.
        text = dict(opts.permissions).get(permission.codename, permission.name)
    return f"{opts.app_config.verbose_name} | {text}"


Group.__str__ = group_label
Permission.__str__ = permission_label

admin.site.unregister(Group)


@admin.register(Group)
class RoleGroupAdmin(auth_admin.GroupAdmin):
    """Groups named by their roles' labels; the stored name, which code looks a role up
    by, is on the form of whoever may change it."""

    readonly_fields = ["label"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["name", "permissions"]
        if self.has_change_permission(request, obj):
            return ["name", "label", "permissions"]
        # Read only, the stored name would be shown as text, in English.
        return ["label", "permissions"]

    @admin.display(description=_("Role"))
    def label(self, group):
        return str(group)


def value_in_words(field: models.Field, value, empty_value_display: str) -> str:
    """A value as the admin's forms show it: a choice by its label, yes or no in words
    (Django's lists show an icon), a list of records by their names."""
    if isinstance(field, models.BooleanField) and value is not None:
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, list):
        return ", ".join(map(str, value)) or empty_value_display
    return str(display_for_field(value, field, empty_value_display, avoid_link=True))


class ShortenedWithoutWords(ObjDiffDisplay):
    def shortened_str(self, prefix: str, num_skipped_chars: int, suffix: str) -> str:
        # django-simple-history writes "[119 chars]" in English.
        return f"{prefix}…{suffix}"


class RecordInWords(HistoricalRecordContextHelper):
    """The changes of a history record, each value worded by the admin's `history_value`."""

    def __init__(self, model, historical_record, *, history_value):
        super().__init__(model, historical_record)
        self.history_value = history_value

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        return self.history_value(field, super().prepare_delta_change_value(change, value))

    def get_obj_diff_display(self) -> ObjDiffDisplay:
        return ShortenedWithoutWords(max_length=self.max_displayed_delta_change_chars)


class HistoryInWordsAdmin(SimpleHistoryAdmin):
    """Editing history in the staff's language: each change, and each column of
    `history_list_display` (fields of the model), titled by the field's name and valued
    in words. The list is drawn by templates/simple_history/object_history_list.html."""

    def history_value(self, field: models.Field, value) -> str:
        """A field's value in words; a subclass words the fields this rule cannot."""
        return value_in_words(field, value, self.get_empty_value_display())

    def get_historical_record_context_helper(self, request, historical_record):
        return RecordInWords(self.model, historical_record, history_value=self.history_value)

    def history_view_title(self, request, obj):
        return _with_record(super().history_view_title(request, "%s"), obj)

    def history_form_view_title(self, request, obj):
        return _with_record(super().history_form_view_title(request, "%s"), obj)

    def render_history_view(self, request, template, context, **kwargs):
        record = context.get("object", context.get("original"))
        if record is not None:
            # For the breadcrumbs (templates/admin/object_history.html).
            context["record_name"] = marked_str(record)
        if template == self.object_history_template:
            fields = [self.model._meta.get_field(name) for name in context["history_list_display"]]
            context["history_columns"] = [capfirst(field.verbose_name) for field in fields]
            for record in context["page_obj"]:
                record.history_object_name = marked_str(record.history_object)
                record.history_column_values = [
                    self.history_value(field, getattr(record, field.name)) for field in fields
                ]
        return super().render_history_view(request, template, context, **kwargs)


class LanguagesMarkedAdmin(admin.ModelAdmin):
    """An admin that marks the texts it shows in another language than the staff's
    (WCAG 2.1, 3.1.2): each form field of a text in one language (`name_ar`) is written
    in that language and direction, and the record's name in the change page's title and
    breadcrumbs (templates/admin/change_form.html) is marked with its language. Columns
    and filters that show records use `marked_column` and `MarkedRelatedFilter`."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        language = db_field.name.rpartition("_")[2]
        is_text = isinstance(db_field, models.CharField | models.TextField)
        if formfield is not None and is_text and language in DIRECTIONS:
            formfield.widget.attrs.update(lang=language, dir=DIRECTIONS[language])
        return formfield

    def get_list_display(self, request):
        return [self._in_its_language(name) for name in super().get_list_display(request)]

    def _in_its_language(self, name):
        """A column of a text in one language (`name_ar`), marked with it."""
        language = name.rpartition("_")[2] if isinstance(name, str) else None
        if language not in DIRECTIONS:
            return name

        @admin.display(description=self.model._meta.get_field(name).verbose_name, ordering=name)
        def column(obj):
            return conditional_escape(Text(getattr(obj, name), language))

        return column

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["subtitle"] = marked_str(obj)
        return super().render_change_form(request, context, add, change, form_url, obj)


def marked_column(path: str, description, ordering: str | None = None):
    """A changelist column showing the record at `path` ("commune", or "self" for the row
    itself) by its `str()`, its name marked with its language."""

    @admin.display(description=description, ordering=ordering)
    def column(model_admin, obj):
        record = obj if path == "self" else getattr(obj, path)
        return model_admin.get_empty_value_display() if record is None else marked_str(record)

    return column


class MarkedRelatedFilter(admin.RelatedFieldListFilter):
    """A filter by a related record, each choice named as `marked_column` names it."""

    def field_choices(self, field, request, model_admin):
        records = field.related_model._default_manager.all()
        if hasattr(records, "without_boundaries"):
            records = records.without_boundaries()
        if ordering := self.field_admin_ordering(field, request, model_admin):
            records = records.order_by(*ordering)
        return [(record.pk, marked_str(record)) for record in records]


def _with_record(title: str, record) -> SafeString:
    """A title ("View history: %s") naming the record, its name marked with its language."""
    return mark_safe(escape(title) % marked_str(record))  # noqa: S308 (both escaped)
