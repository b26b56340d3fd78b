"""Template helpers of the public site."""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import get_language

from geo_directory.maps import tiles_for

register = template.Library()

# The other languages to fall back on, in order, when a text is missing in one.
FALLBACKS = {"ar": ["ar", "fr", "en"], "fr": ["fr", "ar", "en"], "en": ["en", "fr", "ar"]}


@register.filter
def localized(obj, field: str) -> str:
    """`obj.<field>_<language>` in the active language, else in the next one that has it:
    {{ center|localized:"name" }}."""
    for language in FALLBACKS.get(get_language(), FALLBACKS["ar"]):
        value = getattr(obj, f"{field}_{language}", "") or ""
        if value:
            return value
    return ""


@register.filter
def kilometres(metres) -> float | None:
    """A distance in metres as kilometres, for `floatformat`."""
    if metres is None:
        return None
    return getattr(metres, "m", metres) / 1000


@register.filter
def latitude(point) -> str:
    return f"{point.y:.6f}"


@register.filter
def longitude(point) -> str:
    return f"{point.x:.6f}"


@register.simple_tag
def map_layers(sensitive=False) -> str:
    """The data attributes that tell static/js/base-layers.js where the project's own
    layers are, and which tiles the map may load (none on a sensitive page unless the
    operator's own)."""
    attributes = format_html(
        ' data-regions-url="{}" data-provinces-url="{}"',
        reverse("region-boundaries"),
        reverse("province-boundaries", args=["00"]),
    )
    tiles = tiles_for(sensitive=bool(sensitive))
    if tiles is not None:
        attributes += format_html(
            ' data-tiles-url="{}" data-tiles-attribution="{}"', tiles.url, tiles.attribution
        )
    return attributes
