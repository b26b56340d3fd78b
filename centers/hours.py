"""Weekly opening hours: at most two time ranges a day.

Stored as JSON on the center, `{"mon": [["08:30", "12:00"], ["14:00", "16:30"]], ...}`,
and written in sheets as `mon 08:30-12:00 14:00-16:30; tue 08:30-16:30`.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
DAY_NAMES = {
    "mon": _("Monday"),
    "tue": _("Tuesday"),
    "wed": _("Wednesday"),
    "thu": _("Thursday"),
    "fri": _("Friday"),
    "sat": _("Saturday"),
    "sun": _("Sunday"),
}
MAX_RANGES_PER_DAY = 2
# ASCII digits only: times are stored and compared as HH:MM text.
_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$", re.ASCII)
_RANGE = re.compile(r"^(\d{1,2}:\d{2})-(\d{1,2}:\d{2})$", re.ASCII)
_SHORT_HOUR = re.compile(r"^\d:\d{2}$", re.ASCII)


def validate(hours: dict) -> dict:
    """Checks stored hours and returns them in canonical order; raises ValidationError."""
    if not isinstance(hours, dict):
        raise ValidationError(_("Opening hours must map days to time ranges."))
    canonical = {}
    for day, ranges in hours.items():
        if day not in DAYS:
            raise ValidationError(_("Unknown day: %(day)s."), params={"day": day})
        if not isinstance(ranges, list) or len(ranges) > MAX_RANGES_PER_DAY:
            raise ValidationError(_("%(day)s: at most two time ranges a day."), params={"day": day})
        checked = sorted(_check_range(day, r) for r in ranges)
        if len(checked) == 2 and checked[0][1] > checked[1][0]:
            raise ValidationError(_("%(day)s: the two ranges overlap."), params={"day": day})
        if checked:
            canonical[day] = [list(r) for r in checked]
    return {day: canonical[day] for day in DAYS if day in canonical}


def _check_range(day: str, time_range) -> tuple[str, str]:
    if not (isinstance(time_range, list | tuple) and len(time_range) == 2):
        raise ValidationError(
            _("%(day)s: a range is an opening and a closing time."), params={"day": day}
        )
    opens, closes = (_normal_time(day, value) for value in time_range)
    if opens >= closes:
        raise ValidationError(
            _("%(day)s: %(opens)s-%(closes)s closes before it opens."),
            params={"day": day, "opens": opens, "closes": closes},
        )
    return opens, closes


def _normal_time(day: str, value) -> str:
    text = str(value).strip()
    if _SHORT_HOUR.match(text):
        text = "0" + text
    if not _TIME.match(text):
        raise ValidationError(
            _("%(day)s: %(value)s is not a time (HH:MM)."), params={"day": day, "value": value}
        )
    return text


def parse(text: str) -> dict:
    """`mon 08:30-12:00 14:00-16:30; tue 08:30-16:30` → stored hours."""
    hours: dict[str, list] = {}
    for part in filter(None, (p.strip() for p in (text or "").split(";"))):
        day, *ranges = part.split()
        day = day.lower()[:3]
        if day in hours:
            raise ValidationError(_("%(day)s appears twice."), params={"day": day})
        pairs = []
        for time_range in ranges:
            match = _RANGE.match(time_range)
            if not match:
                raise ValidationError(
                    _("%(day)s: %(value)s is not a range (HH:MM-HH:MM)."),
                    params={"day": day, "value": time_range},
                )
            pairs.append(list(match.groups()))
        hours[day] = pairs
    return validate(hours)


def format_hours(hours: dict) -> str:
    """Stored hours → `mon 08:30-12:00 14:00-16:30; tue 08:30-16:30`."""
    return "; ".join(
        " ".join([day, *(f"{opens}-{closes}" for opens, closes in hours[day])])
        for day in DAYS
        if hours.get(day)
    )


def is_open_at(hours: dict, moment: datetime.datetime) -> bool | None:
    """Whether the center is open at this local time; None when its hours are unknown."""
    if not hours:
        return None
    day = DAYS[moment.weekday()]
    now = moment.strftime("%H:%M")
    return any(opens <= now < closes for opens, closes in hours.get(day, []))
