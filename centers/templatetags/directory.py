"""Template helpers of the public site."""

from django import template
from django.urls import reverse
from django.utils.html import format_html

from centers import phones
from geo_directory.languages import in_language, localized, unknown_language
from geo_directory.maps import tiles_for

register = template.Library()

# A number stored in E.164 as Moroccans write it: "05 37 11 11 11".
register.filter("phone_display", phones.display)

# {{ center|localized:"name" }}: the name in the page's language, else in the next one
# that has it, marked with its language (geo_directory/languages.py).
register.filter("localized", in_language)
# {{ center|localized_text:"name" }}: the same text bare, for an attribute or a title,
# which cannot hold markup.
register.filter("localized_text", localized)
# {{ center.status_note|any_language }}: a text typed in one field, isolated in <bdi>.
register.filter("any_language", unknown_language)


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
