"""Short weekday names (Monday = 0, as OpeningHours.Weekday) and a compact label for a set of days.

Points rules and campaigns store weekdays as numbers; people read «пн–пт, вс».
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from venues.models import OpeningHours

# Lower case as Russian writes them in running text («пн–пт»); the full names are the labels of
# OpeningHours.Weekday.
SHORT_NAMES = {
    OpeningHours.Weekday.MONDAY: pgettext_lazy("short weekday", "Mon"),
    OpeningHours.Weekday.TUESDAY: pgettext_lazy("short weekday", "Tue"),
    OpeningHours.Weekday.WEDNESDAY: pgettext_lazy("short weekday", "Wed"),
    OpeningHours.Weekday.THURSDAY: pgettext_lazy("short weekday", "Thu"),
    OpeningHours.Weekday.FRIDAY: pgettext_lazy("short weekday", "Fri"),
    OpeningHours.Weekday.SATURDAY: pgettext_lazy("short weekday", "Sat"),
    OpeningHours.Weekday.SUNDAY: pgettext_lazy("short weekday", "Sun"),
}

SHORT_CHOICES = [(int(day), name) for day, name in SHORT_NAMES.items()]


def weekdays_label(days: Iterable[int] | None) -> str:
    """[0, 1, 2, 3, 4] → «пн–пт»; [5, 6] → «сб, вс»; [0, 2, 3, 4, 6] → «пн, ср–пт, вс».

    Three or more days in a row become a range; an empty list is "" (the caller knows whether
    that means every day); unknown numbers are left out.
    """
    chosen = sorted({int(day) for day in days or () if int(day) in SHORT_NAMES})
    if not chosen:
        return ""
    if len(chosen) == len(SHORT_NAMES):
        return _("every day")
    runs: list[list[int]] = []
    for day in chosen:
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    parts: list[str] = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{SHORT_NAMES[run[0]]}–{SHORT_NAMES[run[-1]]}")
        else:
            parts.extend(str(SHORT_NAMES[day]) for day in run)
    return ", ".join(parts)
