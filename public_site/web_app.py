"""The public site as a web app that a phone can install and open offline: its manifest,
its icons, and what its service worker keeps (public_site/service_worker.js).

The worker keeps the shell (the site's styles, scripts and icons) and the last pages of
searches and centers viewed, to show them again when the network is gone. It never
keeps what the server sends `no-store` or `private`, as every page about a sensitive
category is (public_site/views.py): that rule stays the server's, the worker obeys it.
"""

import hashlib
import json
import re
from pathlib import Path

from django.conf import settings
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse
from django.utils import translation
from django.utils.translation import gettext as _

from centers.models import Category

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

# The static files of the pages that the worker keeps (the home page, its results, a
# center's page), stored when it installs so that a kept page shows offline as it did.
# A test checks that they are all the static files those pages name; the categories'
# icons are added from the data.
SHELL = [
    "css/site.css",
    "js/site.js",
    "js/search.js",
    "js/base-layers.js",
    "js/map.js",
    "icons/app.svg",
    "icons/app-192.png",
    "leaflet/leaflet.css",
    "leaflet/leaflet.extras.css",
    "leaflet/leaflet.js",
    "leaflet/leaflet.extras.js",
    "leaflet/draw/leaflet.draw.i18n.js",
    "vendor/leaflet.markercluster/MarkerCluster.css",
    "vendor/leaflet.markercluster/MarkerCluster.Default.css",
    "vendor/leaflet.markercluster/leaflet.markercluster.js",
]
# How many pages the worker keeps, the latest viewed: it deletes the older ones.
PAGES_KEPT = 20
# The pages it may keep, in every language, with any query (a search): the home page and
# a center's. Nothing else: not the API, the staff pages, the forms or their receipts.
KEPT_ROUTES = [("home", {}), ("center-detail", {"slug": "SLUG"})]
WORKER_SOURCE = Path(__file__).with_name("service_worker.js")


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


def service_worker_script() -> str:
    """The worker's source, after the configuration it reads from the server: the current
    (hashed) address of each shell file and the paths of the pages it may keep."""
    icons = Category.objects.order_by("icon").values_list("icon", flat=True).distinct()
    names = [*SHELL, *(f"icons/{icon}.svg" for icon in icons)]
    config = {
        "shell": {name: static(name) for name in names},
        "staticUrl": settings.STATIC_URL,
        "pages": _kept_page_patterns(),
        "pagesKept": PAGES_KEPT,
    }
    source = WORKER_SOURCE.read_text(encoding="utf-8")
    # A new shell (a file changed) or a new worker is a new version, which the browser
    # installs; the previous version's shell is then deleted.
    config["version"] = hashlib.sha256(
        (json.dumps(config, sort_keys=True) + source).encode()
    ).hexdigest()[:12]
    return f"const CONFIG = {json.dumps(config)};\n\n{source}"


def _kept_page_patterns() -> list[str]:
    """The paths of the kept pages in every language, as JavaScript regular expressions
    in which each argument of the route stands for any one segment."""
    patterns = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for name, kwargs in KEPT_ROUTES:
                pattern = re.escape(reverse(name, kwargs=kwargs))
                for placeholder in kwargs.values():
                    pattern = pattern.replace(placeholder, "[^/]+")
                patterns.append(f"^{pattern}$")
    return patterns
