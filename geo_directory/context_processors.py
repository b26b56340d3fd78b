"""Template context shared by every page."""

from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info


def language_links(request):
    """The same page, with its query string, in each of the site's languages."""
    current_url = request.get_full_path()
    active = get_language()
    return {
        "language_links": [
            {
                "code": code,
                "name": get_language_info(code)["name_local"],
                "url": translate_url(current_url, code),
                "active": code == active,
            }
            for code, _name in settings.LANGUAGES
        ]
    }


def site_settings(request):
    return {"QUICK_EXIT_URL": settings.QUICK_EXIT_URL}
