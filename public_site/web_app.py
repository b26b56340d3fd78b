"""The public site as a web app that a phone can install: its manifest and its icons."""

from django.templatetags.static import static
from django.urls import get_script_prefix, reverse
from django.utils import translation
from django.utils.translation import gettext as _

# The colours of static/css/site.css: the header's (--accent) and the page's (--background).
THEME_COLOR = "#005a8c"
BACKGROUND_COLOR = "#ffffff"
ICONS = [
    {"src": "icons/app.svg", "sizes": "any", "type": "image/svg+xml"},
    {"src": "icons/app-192.png", "sizes": "192x192", "type": "image/png"},
    {"src": "icons/app-512.png", "sizes": "512x512", "type": "image/png"},
    # The drawing fills its square and stays within the middle 80%: a phone may cut the
    # icon to its own shape.
    {"src": "icons/app-512.png", "sizes": "512x512", "type": "image/png", "purpose": "maskable"},
]
FAVICON = "icons/favicon.ico"


def manifest() -> dict:
    """The web app manifest in the active language."""
    return {
        "name": _("Social centers of Morocco"),
        "short_name": _("Social centers"),
        "description": _(
            "A public directory of the social centers supported by the ministry in charge "
            "of solidarity, social inclusion and the family."
        ),
        "lang": translation.get_language(),
        "dir": "rtl" if translation.get_language_bidi() else "ltr",
        "start_url": reverse("home"),
        # The whole site, so that another language stays in the app.
        "scope": get_script_prefix(),
        "display": "standalone",
        "theme_color": THEME_COLOR,
        "background_color": BACKGROUND_COLOR,
        "icons": [{**icon, "src": static(icon["src"])} for icon in ICONS],
    }
