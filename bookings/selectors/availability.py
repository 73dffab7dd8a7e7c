"""Free time: the rooms the public may book, their slots of a day or of many days, rooms free
between two times (the catalogue filter)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import TypedDict
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.schedule import (
    FREE,
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


def rooms_free_between(
    rooms_qs: QuerySet[Room],
    *,
    date: date,
    start_time: time,
    end_time: time,
    hours: Decimal | float | int,
    now: datetime | None = None,
) -> QuerySet[Room]:
    """The rooms of `rooms_qs` with `hours` of consecutive free slots on business day `date`
    between `start_time` and `end_time` (venue time; an end at or before the start means past
    midnight). Returns a queryset so the catalogue can keep filtering and ordering it.
    """
    now = now or timezone.now()
    want = timedelta(minutes=int(Decimal(str(hours)) * 60))
    rooms = list(rooms_qs.select_related("venue").filter(is_active=True))
    if not rooms or want <= timedelta(0):
        return rooms_qs.none()
    data = ScheduleData(rooms, date, date)
    day_slots = {room.pk: data.day_slots(room, date) for room in rooms}
    all_slots = [s for slots in day_slots.values() for s in slots]
    if not all_slots:
        return rooms_qs.none()
    busy = occupied_intervals(
        [room.pk for room in rooms],
        min(s.start for s in all_slots),
        max(s.end for s in all_slots) + timedelta(hours=4),
        now=now,
    )
    matching = []
    for room in rooms:
        zone = ZoneInfo(room.venue.timezone)
        window_start = datetime.combine(date, start_time, tzinfo=zone).astimezone(UTC)
        end_day = date + timedelta(days=1) if end_time <= start_time else date
        window_end = datetime.combine(end_day, end_time, tzinfo=zone).astimezone(UTC)
        need = max(want, timedelta(minutes=room.min_booking_minutes))
        slots = with_status(room, day_slots[room.pk], busy.get(room.pk, []), now)
        run_start = run_end = None
        for slot in slots:
            inside = slot.start >= window_start and slot.end <= window_end
            if slot.status == FREE and inside:
                if run_start is None or run_end != slot.start:
                    run_start = slot.start
                run_end = slot.end
                if run_end - run_start >= need:
                    matching.append(room.pk)
                    break
            else:
                run_start = None
    return rooms_qs.filter(pk__in=matching)
