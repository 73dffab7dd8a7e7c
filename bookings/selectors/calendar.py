"""The venue calendar of the partner dashboard: a day or a week of the venue's rooms, each
booking on the business day it belongs to, the requests to answer, the rooms' feed tokens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.models import Booking
from bookings.schedule import ScheduleData
from bookings.selectors.lookups import room_feed_tokens, venue_bookings, venue_requests
from core.errors import NotFound
from venues.models import Room, Venue

CalendarView = Literal["day", "week"]


@dataclass(frozen=True)
class CalendarColumn:
    room: Room
    bookings: list[Booking]


@dataclass(frozen=True)
class CalendarDay:
    day: date
    columns: list[CalendarColumn]  # one per room shown


@dataclass(frozen=True)
class VenueCalendar:
    venue: Venue
    view: CalendarView
    day: date  # the day shown, or the Monday of the week shown
    prev: date  # the day (or week) before
    next: date  # the day (or week) after
    rooms: list[Room]  # every room of the venue, by name
    room_id: int  # the one room shown, or 0 for all
    grid: list[CalendarDay]
    requests: list[Booking]  # requests awaiting an answer, soonest first
    feed_tokens: dict[int, str]  # room id → its secret feed token (a room may have none yet)
    now: datetime


def venue_calendar(
    *,
    venue: Venue,
    day: date | None = None,
    view: CalendarView = "day",
    room_id: int = 0,
    now: datetime | None = None,
) -> VenueCalendar:
    """The calendar of `day` (today in the venue's time zone when None) or of its week, for
    every room or only `room_id` (not a room of this venue: NotFound)."""
    now = now or timezone.now()
    zone = ZoneInfo(venue.timezone)
    day = day or now.astimezone(zone).date()
    if view == "week":
        day = day - timedelta(days=day.weekday())
    days = [day + timedelta(days=i) for i in range(7 if view == "week" else 1)]
    rooms = list(venue.rooms.order_by("name"))
    if room_id and room_id not in {room.pk for room in rooms}:
        raise NotFound(_("Not found."))
    # A business day may run past midnight: look until 06:00 of the day after the last one.
    rows = list(
        venue_bookings(
            venue,
            first=datetime.combine(days[0], time(0), tzinfo=zone),
            last=datetime.combine(days[-1] + timedelta(days=1), time(6), tzinfo=zone),
            room_id=room_id or None,
        )
    )
    on_day = _business_dates(rooms, rows, days, zone)
    grid = [
        CalendarDay(
            day=shown,
            columns=[
                CalendarColumn(
                    room=room,
                    bookings=[b for b in rows if b.room_id == room.pk and shown in on_day[b.pk]],
                )
                for room in rooms
                if not room_id or room.pk == room_id
            ],
        )
        for shown in days
    ]
    step = timedelta(days=7 if view == "week" else 1)
    return VenueCalendar(
        venue=venue,
        view=view,
        day=day,
        prev=days[0] - step,
        next=days[0] + step,
        rooms=rooms,
        room_id=room_id,
        grid=grid,
        requests=list(venue_requests(venue)),
        feed_tokens=room_feed_tokens(rooms),
        now=now,
    )


def _business_dates(
    rooms: list[Room], rows: list[Booking], days: list[date], zone: ZoneInfo
) -> dict[int, set[date]]:
    """The business days each booking is shown on: one at 01:00 after a 10:00–02:00 opening
    belongs to the opening's day; one that runs into a later business day (a block overnight
    or over several days) is shown on that day too. A later day begins at its opening, or at
    06:00 when it is closed."""
    if not rooms:
        return {}
    schedule = ScheduleData(rooms, days[0] - timedelta(days=1), days[-1])
    result = {}
    for booking in rows:
        local = booking.start.astimezone(zone)
        first = local.date()
        hours = schedule.opening(booking.room, first - timedelta(days=1))
        if hours and hours[1] <= hours[0] and local.time() < hours[1]:
            first -= timedelta(days=1)
        shown = {first}
        for later in days:
            if later <= first:
                continue
            opening = schedule.opening(booking.room, later)
            begins = datetime.combine(later, opening[0] if opening else time(6), tzinfo=zone)
            if booking.end > begins:
                shown.add(later)
        result[booking.pk] = shown
    return result
