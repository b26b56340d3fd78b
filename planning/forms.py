from django import forms
from django.utils.translation import gettext_lazy as _

from centers.models import Category
from geo_directory.languages import localized

from .indicators import Level

# The indicators a map can show: how to colour and label each (see static/planning/coverage-map.js).
# `breaks` are fixed class limits in the indicator's unit; without them the map takes
# quantiles of the values shown. `palette`: "far" darker is worse, "more" darker is more.
MAP_INDICATORS = {
    "mean_distance_m": {
        "label": _("Distance to the nearest open center (km, population-weighted mean)"),
        "palette": "far",
        "unit": "km",
        "breaks": [5_000, 10_000, 20_000, 50_000, 100_000],
    },
    "share_beyond_20km": {
        "label": _("Share of the population beyond 20 km"),
        "palette": "far",
        "unit": "percent",
        "breaks": [0.1, 0.25, 0.5, 0.75],
    },
    "share_beyond_50km": {
        "label": _("Share of the population beyond 50 km"),
        "palette": "far",
        "unit": "percent",
        "breaks": [0.1, 0.25, 0.5, 0.75],
    },
    "population_beyond_50km": {
        "label": _("People beyond 50 km"),
        "palette": "far",
        "unit": "people",
        "breaks": None,
    },
    "centers_per_100k": {
        "label": _("Open centers per 100,000 inhabitants"),
        "palette": "more",
        "unit": "number",
        "breaks": None,
    },
}


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return localized(obj, "name")


class CoverageForm(forms.Form):
    """What the coverage page shows: a category, a level and the indicator on the map.
    Without a choice, the first category by province, with distances on the map."""

    category = CategoryChoiceField(
        label=_("Category"),
        queryset=Category.objects.order_by("position", "code"),
        to_field_name="code",
        empty_label=None,
    )
    level = forms.ChoiceField(label=_("By"), choices=Level.choices, initial=Level.PROVINCE)
    indicator = forms.ChoiceField(
        label=_("On the map"),
        choices=[(key, meta["label"]) for key, meta in MAP_INDICATORS.items()],
        initial="mean_distance_m",
    )

    def __init__(self, data: dict):
        first = self.base_fields["category"].queryset.first()
        defaults = {
            "category": first.code if first else "",
            "level": self.base_fields["level"].initial,
            "indicator": self.base_fields["indicator"].initial,
        }
        super().__init__({**defaults, **data})
