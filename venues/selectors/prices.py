"""Prices and hours as the catalogue and the dashboard read them: day types, the price table,
the weekly hours, and price bands that no longer fit the hours."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time

from django.db.models import QuerySet
from django.utils.functional import Promise

from venues.models import Holiday, OpeningHours, Price, ScheduleException, Venue

# Monday = 0 … Sunday = 6 → the price table's day type (DESIGN §3: weekday / Friday / weekend).
WEEKDAY_DAY_TYPES = ("weekday", "weekday", "weekday", "weekday", "friday", "saturday", "sunday")


def day_type_for(day: date) -> str:
    """The price table's day type of a date: a holiday of the staff calendar beats the weekday."""
    if Holiday.objects.filter(date=day).exists():
        return Price.DayType.HOLIDAY
    return WEEKDAY_DAY_TYPES[day.weekday()]


def upcoming_exceptions(*, venue: Venue, today: date) -> QuerySet[ScheduleException]:
    return ScheduleException.objects.filter(venue=venue, date__gte=today).order_by("date")[:10]


@dataclass(frozen=True)
class PriceRow:
    """One line of a room's price table: a band and its price on each day type."""

    starts: time
    ends: time
    valid_from: date | None
    valid_until: date | None
    cells: dict[str, Price]


def price_table(prices: Iterable[Price]) -> list[PriceRow]:
    """Group a room's prices into rows by band and validity, columns by day type."""
    rows: dict[tuple, dict[str, Price]] = {}
    for price in prices:
        key = (price.starts, price.ends, price.valid_from, price.valid_until)
        rows.setdefault(key, {})[price.day_type] = price
    return [
        PriceRow(starts=k[0], ends=k[1], valid_from=k[2], valid_until=k[3], cells=v)
        for k, v in sorted(
            rows.items(),
            # By start (a business day starts at 06:00), then end, then validity.
            key=lambda item: (
                (item[0][0].hour - 6) % 24,
                item[0][0].minute,
                (item[0][1].hour - 6) % 24 or 24,
                item[0][1].minute,
                item[0][2] or date.min,
            ),
        )
    ]


def weekly_hours(venue: Venue) -> list[tuple[int, str | Promise, OpeningHours | None]]:
    """Seven rows Monday→Sunday: (weekday, its name, its hours or None when closed)."""
    hours = {h.weekday: h for h in venue.opening_hours.all()}
    return [(day, label, hours.get(day)) for day, label in OpeningHours.Weekday.choices]


# Which weekdays (Monday = 0) each day type of the price table stands for.
DAY_TYPE_WEEKDAYS: dict[str, tuple[int, ...]] = {
    Price.DayType.WEEKDAY: (0, 1, 2, 3),
    Price.DayType.FRIDAY: (4,),
    Price.DayType.SATURDAY: (5,),
    Price.DayType.SUNDAY: (6,),
    Price.DayType.HOLIDAY: (0, 1, 2, 3, 4, 5, 6),
}
MINUTES_PER_DAY = 24 * 60


def _span(opens: time, closes: time) -> tuple[int, int]:
    """Minutes from the business day's midnight; a closing at or before opening is next day."""
    start, end = opens.hour * 60 + opens.minute, closes.hour * 60 + closes.minute
    if end <= start:
        end += MINUTES_PER_DAY
    return start, end


def within_hours(starts: time, ends: time, opens: time, closes: time) -> bool:
    """Does the band lie within one business day's hours (both may run past midnight)?"""
    open_start, open_end = _span(opens, closes)
    start, end = _span(starts, ends)
    if start < open_start:  # a band after midnight belongs to the end of the business day
        start, end = start + MINUTES_PER_DAY, end + MINUTES_PER_DAY
    return open_start <= start and end <= open_end


def prices_outside_hours(venue: Venue) -> list[Price]:
    """The venue's price bands that lie within no opening hours of their day type's weekdays.

    They are never deleted automatically: the dashboard and the API point them out after the
    hours change, so the team can fix or remove them.
    """
    hours = {h.weekday: h for h in OpeningHours.objects.filter(venue=venue)}
    outside = []
    prices = Price.objects.filter(room__venue=venue).select_related("room")
    for price in prices.order_by("room__name", "day_type", "starts"):
        open_days = [hours[d] for d in DAY_TYPE_WEEKDAYS[price.day_type] if d in hours]
        if not any(within_hours(price.starts, price.ends, h.opens, h.closes) for h in open_days):
            outside.append(price)
    return outside
