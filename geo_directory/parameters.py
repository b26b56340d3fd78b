"""The one reading of the values people and programs send: a latitude, a longitude, a
box, a list of codes or of statuses, a bounded whole number.

The API's query parameters (centers/filters.py, regions/serializers.py), the site's
query string (public_site/views.py), the staff form (centers/forms.py) and the sheet
parser (centers/sheets.py) all read them here, so that each is checked in one place and
refused with one message, in the user's language. The functions raise ParameterError;
the fields below carry them into DRF and Django forms.
"""

import math

from django import forms
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

# Codes change rarely (taxonomy edits, administrative reloads): they are looked up once a
# minute per process rather than on every request.
CODES_CACHE_SECONDS = 60


class ParameterError(ValueError):
    """A value refused, with why in the active language."""

    @property
    def message(self) -> str:
        return self.args[0]


def decimal_degrees(value) -> float:
    """A finite number of decimal degrees, from a number or its text."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ParameterError(_("Give a number of decimal degrees, e.g. 34.0209.")) from None
    if not math.isfinite(number):
        raise ParameterError(_("Give a finite number of decimal degrees."))
    return number


def latitude(value) -> float:
    number = decimal_degrees(value)
    if not -90 <= number <= 90:
        raise ParameterError(_("A latitude lies between -90 and 90."))
    return number


def longitude(value) -> float:
    number = decimal_degrees(value)
    if not -180 <= number <= 180:
        raise ParameterError(_("A longitude lies between -180 and 180."))
    return number


def bounding_box(text: str) -> tuple[float, float, float, float]:
    """min_lon,min_lat,max_lon,max_lat."""
    parts = text.split(",")
    if len(parts) != 4:
        raise ParameterError(_("Give four numbers: min_lon,min_lat,max_lon,max_lat."))
    min_lon, min_lat, max_lon, max_lat = parts
    box = (longitude(min_lon), latitude(min_lat), longitude(max_lon), latitude(max_lat))
    if box[0] >= box[2] or box[1] >= box[3]:
        raise ParameterError(
            _("The box is inverted or empty: the minimum must be below the maximum.")
        )
    return box


def _listed(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def code_ids(model) -> dict[str, int]:
    """{code: id} of a taxonomy or administrative level, cached."""
    key = f"codes:{model._meta.label_lower}"
    ids = cache.get(key)
    if ids is None:
        ids = dict(model.objects.values_list("code", "id"))
        cache.set(key, ids, CODES_CACHE_SECONDS)
    return ids


def code_list(text: str, model) -> list[int]:
    """Comma-separated official codes of the model's rows: their ids."""
    known = code_ids(model)
    codes = _listed(text)
    if not codes:
        raise ParameterError(_("Give at least one code."))
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise ParameterError(_("Unknown code(s): %(codes)s.") % {"codes": ", ".join(unknown)})
    return [known[code] for code in codes]


def choice_list(text: str, choices: list[str]) -> list[str]:
    """Comma-separated values, each one of the choices."""
    values = _listed(text)
    if not values:
        raise ParameterError(
            _("Give at least one of %(allowed)s.") % {"allowed": ", ".join(choices)}
        )
    unknown = [value for value in values if value not in choices]
    if unknown:
        raise ParameterError(
            _("Unknown value(s): %(values)s. Use %(allowed)s.")
            % {"values": ", ".join(unknown), "allowed": ", ".join(choices)}
        )
    return values


def whole_number(value, *, minimum: int, maximum: int) -> int:
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ParameterError(_("Give a whole number.")) from None
    if not minimum <= number <= maximum:
        raise ParameterError(
            _("Give a whole number from %(minimum)s to %(maximum)s.")
            % {"minimum": minimum, "maximum": maximum}
        )
    return number


# The readings as DRF fields (query parameters of the API).


@extend_schema_field(OpenApiTypes.STR)
class ParameterField(serializers.Field):
    """A DRF field whose value is read by one of the functions above."""

    def read(self, data):
        raise NotImplementedError

    def to_internal_value(self, data):
        try:
            return self.read(data)
        except ParameterError as error:
            raise serializers.ValidationError(error.message) from None

    def to_representation(self, value):
        return value


@extend_schema_field({"type": "number", "minimum": -90, "maximum": 90})
class LatitudeField(ParameterField):
    def read(self, data):
        return latitude(data)


@extend_schema_field({"type": "number", "minimum": -180, "maximum": 180})
class LongitudeField(ParameterField):
    def read(self, data):
        return longitude(data)


class BoundingBoxField(ParameterField):
    def read(self, data):
        return bounding_box(str(data))


class CodeListField(ParameterField):
    def __init__(self, model, **kwargs):
        self.model = model
        super().__init__(**kwargs)

    def read(self, data):
        return code_list(str(data), self.model)


class ChoiceListField(ParameterField):
    def __init__(self, choices, **kwargs):
        self.choices = list(choices)
        super().__init__(**kwargs)

    def read(self, data):
        return choice_list(str(data), self.choices)


@extend_schema_field(OpenApiTypes.INT)
class WholeNumberField(ParameterField):
    def __init__(self, *, minimum: int, maximum: int, **kwargs):
        self.minimum, self.maximum = minimum, maximum
        super().__init__(**kwargs)

    def read(self, data):
        return whole_number(data, minimum=self.minimum, maximum=self.maximum)


# The readings as Django form fields (the staff tools).


class DegreesFormField(forms.FloatField):
    """A latitude or longitude in a staff form, read as everywhere else."""

    def __init__(self, read, **kwargs):
        self.read = read
        kwargs.setdefault("widget", forms.NumberInput(attrs={"step": "any"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return self.read(str(value).strip().replace(",", "."))
        except ParameterError as error:
            raise ValidationError(error.message, code="invalid") from None
