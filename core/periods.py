"""Recurring periods (dates, weekdays, a daily hour band) as points rules and campaigns use them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Protocol


class Period(Protocol):
    """A recurring period: dates, weekdays (Monday = 0) and a daily hour band, each optional.

    Read-only members, so a model whose `weekdays` is a list (an ArrayField) is a Period too.
    """

    @property
    def date_from(self) -> date | None: ...
    @property
    def date_to(self) -> date | None: ...
    @property
    def weekdays(self) -> Sequence[int]: ...
    @property
    def time_from(self) -> time | None: ...
    @property
    def time_to(self) -> time | None: ...


def period_matches(moment: datetime, period: Period) -> bool:
    """Is a local `moment` inside the period? Empty parts do not narrow it.

    The band's end at or before its start runs past midnight, and that after-midnight part
    belongs to the day the band began, as a late opening does: "Fridays 22:00–02:00" covers
    Saturday 01:00, and "31 December, 22:00–02:00" covers 1 January 01:00.
    """
    day = moment.date()
    if period.time_from is not None or period.time_to is not None:
        start = period.time_from or time(0)
        end = period.time_to or time(0)
        now = moment.time().replace(tzinfo=None)
        if start < end:
            if not start <= now < end:
                return False
        elif now < end:
            day -= timedelta(days=1)
        elif now < start:
            return False
    if period.date_from is not None and day < period.date_from:
        return False
    if period.date_to is not None and day > period.date_to:
        return False
    return not period.weekdays or day.weekday() in period.weekdays
