"""Free time: the rooms the public may book, their slots of a day or of many days."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TypedDict
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.schedule import (
    ScheduleData,
    Slot,
    bookable_window,
    check_horizon,
    occupied_intervals,
    with_status,
)
from core.errors import NotFound
from venues.models import Room


def rooms_bookable() -> QuerySet[Room]:
    """The rooms the public may see and book (active, of a public venue), with their venue."""
    return (
        Room.objects.of_public_venues()
        .select_related("venue", "venue__city")
        .filter(is_active=True)
    )


def room_bookable(room_id: int | str) -> Room:
    """A room of `rooms_bookable`, or NotFound."""
    try:
        room_id = int(room_id)
    except (TypeError, ValueError):
        raise NotFound(_("Room not found.")) from None
    room = rooms_bookable().filter(pk=room_id).first()
    if room is None:
        raise NotFound(_("Room not found."))
    return room


def room_day_slots(
    room: Room, day: date, *, now: datetime | None = None, exclude: int | None = None
) -> list[Slot]:
    now = now or timezone.now()
    data = ScheduleData([room], day, day)
    slots = data.day_slots(room, day)
    if not slots:
        return []
    busy = occupied_intervals(
        [room.pk],
        slots[0].start,
        slots[-1].end + timedelta(minutes=room.buffer_minutes),
        exclude=exclude,
        now=now,
    )
    return with_status(room, slots, busy.get(room.pk, []), now)


class AvailableSlot(TypedDict):
    start: datetime  # in the venue's time zone
    end: datetime
    status: str  # free, busy or closed
    price: Decimal | None


class Availability(TypedDict):
    date: date
    timezone: str
    slots: list[AvailableSlot]


class AvailableDay(TypedDict):
    date: date
    slots: list[AvailableSlot]


class AvailabilityRange(TypedDict):
    first: date
    last: date  # the last day asked for, or the last bookable one if that comes sooner
    timezone: str
    days: list[AvailableDay]


# The most business days one availability request may ask for: a month view.
MAX_AVAILABILITY_DAYS = 31


def _available(slots: list[Slot], zone: ZoneInfo) -> list[AvailableSlot]:
    return [
        {
            "start": slot.start.astimezone(zone),
            "end": slot.end.astimezone(zone),
            "status": slot.status,
            "price": slot.price,
        }
        for slot in slots
    ]


def room_availability(room: Room, day: date, *, now: datetime | None = None) -> Availability:
    """A room's slots of business `day` in the venue's time zone, for the API."""
    return {
        "date": day,
        "timezone": room.venue.timezone,
        "slots": _available(room_day_slots(room, day, now=now), ZoneInfo(room.venue.timezone)),
    }


def room_availability_between(
    room: Room, first: date, last: date, *, now: datetime | None = None
) -> AvailabilityRange:
    """A room's slots of business days `first`..`last` (inclusive, at most
    MAX_AVAILABILITY_DAYS) in the venue's time zone, in three queries whatever the length.

    `first` past the booking horizon is refused like a single day; `last` past it is brought
    back to the last bookable day, so "the next month" near the horizon answers the days that
    can still be booked (the result's `last` says which)."""
    now = now or timezone.now()
    assert 0 <= (last - first).days < MAX_AVAILABILITY_DAYS, "the caller checks its input"
    check_horizon(room, first, now, field="from")
    last = min(last, bookable_window(room, now)[1])
    zone = ZoneInfo(room.venue.timezone)
    return {
        "first": first,
        "last": last,
        "timezone": room.venue.timezone,
        "days": [
            {"date": day, "slots": _available(slots, zone)}
            for day, slots in room_availability_range(room, first, last, now=now).items()
        ],
    }


def room_availability_range(
    room: Room, first: date, last: date, *, now: datetime | None = None
) -> dict[date, list[Slot]]:
    """Slots of many business days in a constant number of queries (the month view, the bench)."""
    now = now or timezone.now()
    data = ScheduleData([room], first, last)
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    raw = {day: data.day_slots(room, day) for day in days}
    starts = [s.start for slots in raw.values() for s in slots]
    if not starts:
        return {day: [] for day in days}
    ends = [s.end for slots in raw.values() for s in slots]
    busy = occupied_intervals(
        [room.pk], min(starts), max(ends) + timedelta(minutes=room.buffer_minutes), now=now
    ).get(room.pk, [])
    return {day: with_status(room, slots, busy, now) for day, slots in raw.items()}
