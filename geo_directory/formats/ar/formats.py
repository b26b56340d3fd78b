"""Numbers and dates in Arabic as Morocco writes them (CLDR's ar-MA): Latin digits,
thousands grouped with a dot and decimals after a comma ("5.132.639", "12,5"), the day
before the month, 24-hour time, weeks from Monday. Django's own Arabic formats, which
this completes, do not group thousands."""

from django.conf.locale.ar.formats import *  # noqa: F403 (the rest stays Django's)

NUMBER_GROUPING = 3
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y، H:i"
SHORT_DATETIME_FORMAT = "d‏/m‏/Y H:i"
FIRST_DAY_OF_WEEK = 1
