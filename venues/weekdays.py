"""Weekdays of a period (Monday = 0, as OpeningHours.Weekday): short names, a compact label for a
set of days, and the form and API fields that take them.

Points rules and campaigns store weekdays as numbers; people read «пн–пт, вс».
"""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from rest_framework import serializers

from venues.models import OpeningHours

# Lower case as Russian writes them in running text («пн–пт»); the full names are the labels of
# OpeningHours.Weekday.
SHORT_NAMES: dict[int, str | Promise] = {
    OpeningHours.Weekday.MONDAY: pgettext_lazy("short weekday", "Mon"),
    OpeningHours.Weekday.TUESDAY: pgettext_lazy("short weekday", "Tue"),
    OpeningHours.Weekday.WEDNESDAY: pgettext_lazy("short weekday", "Wed"),
    OpeningHours.Weekday.THURSDAY: pgettext_lazy("short weekday", "Thu"),
    OpeningHours.Weekday.FRIDAY: pgettext_lazy("short weekday", "Fri"),
    OpeningHours.Weekday.SATURDAY: pgettext_lazy("short weekday", "Sat"),
    OpeningHours.Weekday.SUNDAY: pgettext_lazy("short weekday", "Sun"),
}

SHORT_CHOICES = [(int(day), name) for day, name in SHORT_NAMES.items()]


def weekdays_form_field(*, short: bool = False) -> forms.TypedMultipleChoiceField:
    """Ticked days (full names, or `short` ones where space is tight); none ticked: every day."""
    return forms.TypedMultipleChoiceField(
        label=gettext_lazy("Weekdays"),
        choices=SHORT_CHOICES if short else OpeningHours.Weekday.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("None ticked: every day."),
    )


def weekdays_api_field() -> serializers.ListField:
    """Days as numbers in the API: left out is every day, an empty list is a mistake."""
    return serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=6),
        required=False,
        allow_empty=False,
        min_length=1,  # what allow_empty means, in the schema (minItems)
        error_messages={
            "empty": gettext_lazy(
                "Choose at least one weekday, or leave weekdays out for every day."
            )
        },
        help_text="Monday = 0 … Sunday = 6; left out: every day",
    )


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
