"""Staff forms: the center form with its position, the import form, and the choice of an
onboarding sheet's province."""

from django import forms
from django.contrib.postgres.forms import SimpleArrayField
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError, models, transaction
from django.utils.translation import gettext_lazy as _
from psycopg.errors import LockNotAvailable

from geo_directory import parameters
from geo_directory.parameters import DegreesFormField

from . import hours, phones
from .models import Category, Center
from .positions import position_resolve
from .roles import ensure_region_allowed
from .services import CENTER_FIELDS, CenterChanged
from .sheets import MAX_FILE_BYTES

RANGES_PER_DAY = hours.MAX_RANGES_PER_DAY
# Each day has two ranges of an opening and a closing time.
_SLOTS = [
    (day, index, end)
    for day in hours.DAYS
    for index in range(RANGES_PER_DAY)
    for end in ("opens", "closes")
]


_SLOT_LABELS = {
    (0, "opens"): _("%(day)s, opens"),
    (0, "closes"): _("%(day)s, closes"),
    (1, "opens"): _("%(day)s, opens again"),
    (1, "closes"): _("%(day)s, closes again"),
}


class OpeningHoursWidget(forms.MultiWidget):
    template_name = "centers/widgets/opening_hours.html"

    def __init__(self, attrs=None):
        widgets = [forms.TimeInput(attrs={"type": "time"}, format="%H:%M") for _slot in _SLOTS]
        super().__init__(widgets, attrs)

    def decompress(self, value):
        value = value or {}
        result = []
        for day, index, end in _SLOTS:
            ranges = value.get(day, [])
            time_range = ranges[index] if index < len(ranges) else None
            result.append(time_range[0 if end == "opens" else 1] if time_range else None)
        return result

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        subwidgets = context["widget"]["subwidgets"]
        for subwidget, (day, index, end) in zip(subwidgets, _SLOTS, strict=True):
            subwidget["attrs"]["aria-label"] = _SLOT_LABELS[(index, end)] % {
                "day": hours.DAY_NAMES[day]
            }
        rows = []
        for day_index, day in enumerate(hours.DAYS):
            start = day_index * RANGES_PER_DAY * 2
            rows.append(
                {"day": day, "label": hours.DAY_NAMES[day], "inputs": subwidgets[start : start + 4]}
            )
        context["widget"]["days"] = rows
        return context


class OpeningHoursField(forms.MultiValueField):
    widget = OpeningHoursWidget

    def __init__(self, **kwargs):
        fields = [forms.TimeField(required=False) for _slot in _SLOTS]
        super().__init__(fields, require_all_fields=False, required=False, **kwargs)

    def compress(self, data_list):
        if not data_list:
            return {}
        stored: dict[str, list] = {}
        values = dict(zip(_SLOTS, data_list, strict=True))
        for day in hours.DAYS:
            for index in range(RANGES_PER_DAY):
                opens, closes = values[(day, index, "opens")], values[(day, index, "closes")]
                if opens is None and closes is None:
                    continue
                if opens is None or closes is None:
                    raise ValidationError(
                        _("%(day)s: give both the opening and the closing time."),
                        params={"day": hours.DAY_NAMES[day]},
                    )
                stored.setdefault(day, []).append([f"{opens:%H:%M}", f"{closes:%H:%M}"])
        return hours.validate(stored)


class PhoneNumbersField(forms.Field):
    """Several numbers in one box, shown as Moroccans write them, stored in E.164."""

    # Left to right even in the Arabic admin: there, 05 37 11 11 11 would read backwards.
    widget = forms.Textarea(attrs={"rows": 3, "dir": "ltr"})

    def prepare_value(self, value):
        # The stored list; a text is what was typed, shown again with its error.
        if isinstance(value, list):
            return "\n".join(phones.display(number) for number in value)
        return value

    def to_python(self, value):
        return phones.parse_phones(value or "")


def _form_field(model_field, **kwargs):
    # Web addresses typed without a scheme are taken as https.
    if isinstance(model_field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return model_field.formfield(**kwargs)


class CenterAdminForm(forms.ModelForm):
    """The center form: the position is given as latitude and longitude (the map writes
    them), or as a commune alone; the commune, province and region follow from it."""

    latitude = DegreesFormField(
        parameters.latitude,
        label=_("Latitude"),
        required=False,
        help_text=_("Decimal degrees, e.g. 34.0209 (Rabat). Between 20 and 36 in Morocco."),
    )
    longitude = DegreesFormField(
        parameters.longitude,
        label=_("Longitude"),
        required=False,
        help_text=_("Decimal degrees, e.g. -6.8416 (Rabat). Between -17 and -1 in Morocco."),
    )
    commune_code = forms.CharField(
        label=_("Commune code"),
        required=False,
        help_text=_(
            "Only when the exact position is unknown: the center is then placed at the "
            "commune's reference point, as an approximate position."
        ),
    )
    phones = PhoneNumbersField(
        label=_("Phone numbers"),
        required=False,
        help_text=_(
            'One number per line, or separated by ";" or ",". For example: 05 37 11 11 11.'
        ),
    )
    opening_hours = OpeningHoursField(label=_("Opening hours"))
    source_urls = SimpleArrayField(
        forms.URLField(max_length=500, assume_scheme="https"),
        label=_("Sources"),
        delimiter="\n",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Where the facts were read: one address per line."),
    )
    change_reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        max_length=100,
        help_text=_("Optional; kept in the record's history."),
    )
    # The version of the center the form was opened on: saving over a newer one is
    # refused, with what the other person changed (centers/services.py, CenterChanged).
    read_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    not_a_duplicate = forms.BooleanField(
        label=_("I have checked: this is not one of the possible duplicates listed above."),
        required=False,
    )

    # Set by the admin for each request: the staff member filling the form.
    user = None

    class Meta:
        model = Center
        fields = [*CENTER_FIELDS, "services", "accessibility", "location_precision"]
        formfield_callback = _form_field
        widgets = {
            "services": forms.CheckboxSelectMultiple,
            "accessibility": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.position = None
        self.duplicates = []
        self.conflict = None
        if self.instance.pk:
            self.initial.setdefault("read_version", self.instance.version)
        location = self.instance.location if self.instance.pk else None
        if location is not None:
            self.initial.setdefault("latitude", round(location.y, 7))
            self.initial.setdefault("longitude", round(location.x, 7))
        # A read-only viewer's form has no fields: the admin shows the values instead.
        if "location_precision" in self.fields:
            self.fields["location_precision"].required = False

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            self._check_version(cleaned.get("read_version"))
        if not cleaned.get("name_ar") and not cleaned.get("name_fr"):
            self.add_error("name_fr", _("Give a name in Arabic or in French."))
        try:
            self.position = position_resolve(
                latitude=cleaned.get("latitude"),
                longitude=cleaned.get("longitude"),
                commune_code=cleaned.get("commune_code", "").strip(),
                precision=cleaned.get("location_precision") or "",
            )
        except ValidationError as error:
            self._add_position_errors(error)
            return cleaned
        try:
            ensure_region_allowed(self.user, self.position.commune.province.region)
        except PermissionDenied as error:
            self.add_error("latitude", str(error))
            return cleaned
        self._check_duplicates(cleaned)
        return cleaned

    def _check_version(self, read_version: int | None) -> None:
        """Refuses to save over changes made since the form was opened. The row stays
        locked until the save ends (the admin saves in one transaction), so that nobody
        writes in between. The form keeps the staff member's values and now carries the
        current version: saving again applies them over the other person's changes."""
        try:
            with transaction.atomic():
                current = (
                    Center.objects.select_for_update(of=("self",), no_key=True)
                    .values_list("version", flat=True)
                    .get(pk=self.instance.pk)
                )
        except OperationalError as error:
            if not isinstance(error.__cause__, LockNotAvailable):
                raise
            # Someone else is writing the center (an import holds it until it commits):
            # rather than wait, the staff member is told, with their changes kept.
            self.add_error(
                None,
                _(
                    "This center is being written right now, by an import or another "
                    "save. Your changes are still in the form and are not saved yet: "
                    "save again in a moment."
                ),
            )
            return
        if read_version == current:
            return
        self.conflict = CenterChanged(self.instance.pk, read_version or 0)
        self.data = self.data.copy()
        self.data[self.add_prefix("read_version")] = current
        self.add_error(
            None,
            _(
                "Someone else changed this center after you opened it: their changes are "
                "listed below. Your changes are still in the form and are not saved yet. "
                "Check them against theirs, then save again to apply yours."
            ),
        )

    def _add_position_errors(self, error: ValidationError) -> None:
        for field, messages in error.message_dict.items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)

    def _check_duplicates(self, cleaned) -> None:
        category = cleaned.get("category")
        if category is None:
            return
        self.duplicates = list(
            Center.objects.possible_duplicates(
                category=category,
                point=self.position.point,
                commune=self.position.commune,
                name_ar=cleaned.get("name_ar", ""),
                name_fr=cleaned.get("name_fr", ""),
            ).exclude(pk=self.instance.pk)
        )
        if self.duplicates and not cleaned.get("not_a_duplicate"):
            names = "; ".join(f"{c} ({c.commune.name_fr})" for c in self.duplicates)
            self.add_error(
                "not_a_duplicate",
                _(
                    "Possible duplicate: %(names)s. Open it to check, or tick the box to "
                    "save anyway."
                )
                % {"names": names},
            )

    def center_fields(self) -> dict:
        """The cleaned values that are fields of the center itself."""
        return {name: self.cleaned_data[name] for name in CENTER_FIELDS}


class CategoryAdminForm(forms.ModelForm):
    change_reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        max_length=100,
        help_text=_(
            "Kept in the history of the category, and of every center when the "
            "sensitivity changes (then it is required)."
        ),
    )

    class Meta:
        model = Category
        fields = [
            "code",
            "name_ar",
            "name_fr",
            "name_en",
            "position",
            "description_ar",
            "description_fr",
            "description_en",
            "icon",
            "color",
            "sensitive",
        ]

    def clean(self):
        cleaned = super().clean()
        if (
            self.instance.pk
            and "sensitive" in self.changed_data
            and not cleaned.get("change_reason", "").strip()
        ):
            self.add_error(
                "change_reason",
                _(
                    "Say why the sensitivity changes: it decides whether the exact position "
                    "of every center of this category is public."
                ),
            )
        return cleaned

    def category_fields(self) -> dict:
        """The cleaned values that are fields of the category itself."""
        return {
            name: self.cleaned_data[name] for name in self.changed_data if name in self.Meta.fields
        }


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=100,
        help_text=_("Kept in the history of every center."),
    )


class VerificationNoteForm(ReasonForm):
    reason = forms.CharField(
        label=_("Note"),
        max_length=100,
        help_text=_("What was checked, and how; kept in the history of every center."),
    )


class ImportForm(forms.Form):
    sheet = forms.FileField(
        label=_("Sheet (CSV or XLSX)"),
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=100,
        help_text=_("Kept in the history of every center the import changes."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sheet"].help_text = _(
            "At most %(size)s MB. Download the template to see the columns."
        ) % {"size": MAX_FILE_BYTES // (1024 * 1024)}

    def clean_sheet(self):
        sheet = self.cleaned_data["sheet"]
        if sheet.size > MAX_FILE_BYTES:
            raise ValidationError(
                _("The file is larger than %(size)s MB.")
                % {"size": MAX_FILE_BYTES // (1024 * 1024)}
            )
        if not sheet.name.lower().endswith((".csv", ".xlsx")):
            raise ValidationError(_("Give a .csv or .xlsx file."))
        return sheet


class OnboardingSheetForm(forms.Form):
    """The province whose onboarding sheet to download, among those offered."""

    province = forms.ModelChoiceField(
        label=_("Province or prefecture"),
        queryset=None,
        to_field_name="code",
        help_text=_(
            "The sheet holds the province's known centers and blank rows for new ones, with "
            "instructions in Arabic and French; once filled, it is imported as any sheet."
        ),
    )

    def __init__(self, *args, provinces, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = provinces
        self.fields["province"].label_from_instance = lambda province: (
            f"{province} ({province.region})"
        )
