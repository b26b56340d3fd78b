"""Numbers and dates as each language writes them in Morocco: `<language>/formats.py`,
which Django reads first (FORMAT_MODULE_PATH).

A date's month names come from the translation catalogs. Arabic in Morocco names the
months as the French calendar does (ماي، يوليوز، غشت، شتنبر، نونبر، دجنبر), where
Django's Arabic catalog has the Mashriq's (مايو، يوليو، أغسطس…). They are marked here so
that the project's catalog, which comes before Django's, holds them (locale/ar)."""

from django.utils.translation import gettext_noop

MONTH_NAMES = [
    gettext_noop("January"),
    gettext_noop("February"),
    gettext_noop("March"),
    gettext_noop("April"),
    gettext_noop("May"),
    gettext_noop("June"),
    gettext_noop("July"),
    gettext_noop("August"),
    gettext_noop("September"),
    gettext_noop("October"),
    gettext_noop("November"),
    gettext_noop("December"),
]
