"""The slot picker's context: a room's slots of a day with their prices and the lengths a booking
can have. The booking page, its htmx partial, the reschedule page and the `availability_picker`
template tag (room pages of venues) all render it."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils.dates import MONTHS_ALT, WEEKDAYS
from django.utils.translation import gettext as _

from bookings import selectors
from bookings.models import Booking
from venues.models import Room


def durations(room: Room) -> list[tuple[int, str]]:
    """Choices of booking length: from the room's minimum to 8 hours, by its slot step."""
    result = []
    minutes = room.min_booking_minutes
    while minutes <= max(8 * 60, room.min_booking_minutes):
        hours, rest = divmod(minutes, 60)
        label = (
            _("%(h)s h") % {"h": hours}
            if not rest
            else _("%(h)s h %(m)s min")
            % {
                "h": hours,
                "m": rest,
            }
        )
        result.append((minutes, label))
        minutes += room.slot_minutes
    return result


def _chosen(
    slots: list[dict[str, object]], chosen: tuple[time, time | None] | None
) -> tuple[str, int] | None:
    """The free slot starting at the chosen venue time and the minutes to its end (past
    midnight when the end is not after the start), or None if there is no such slot."""
    if chosen is None:
        return None
    start, end = chosen
    for slot in slots:
        moment = slot["start"]
        assert isinstance(moment, datetime)
        if slot["status"] == "free" and moment.time() == start:
            minutes = 0
            if end is not None:
                minutes = (end.hour * 60 + end.minute - start.hour * 60 - start.minute) % (24 * 60)
            return str(slot["iso"]), minutes
    return None


def picker_context(
    room: Room,
    day: date,
    *,
    action: str,
    booking: Booking | None = None,
    chosen: tuple[time, time | None] | None = None,
) -> dict[str, object]:
    """The picker of `room` on business `day`, posting to `action` (moving `booking`, if given;
    with the free slot starting at `chosen`'s start and its length to `chosen`'s end picked)."""
    zone = ZoneInfo(room.venue.timezone)
    # When moving a booking, its own time counts as free.
    slots = selectors.room_day_slots(room, day, exclude=booking.pk if booking else None)
    rows: list[dict[str, object]] = [
        {
            "start": s.start.astimezone(zone),
            "end": s.end.astimezone(zone),
            "iso": s.start.astimezone(zone).isoformat(),
            "status": s.status,
            "price": s.price,
        }
        for s in slots
    ]
    picked = _chosen(rows, chosen)
    return {
        "room": room,
        "venue": room.venue,
        "day": day,
        "prev_day": day - timedelta(days=1),
        "next_day": day + timedelta(days=1),
        "slots": rows,
        "chosen_iso": picked[0] if picked else None,
        "chosen_minutes": picked[1] if picked else None,
        "has_free": any(s.status == "free" for s in slots),
        "durations": durations(room),
        "action": action,
        "booking": booking,
        "tzname": room.venue.timezone,
        **({} if booking else _switcher(room)),
    }


def _switcher(room: Room) -> dict[str, object]:
    """What static/js/availability.js needs to show other days without asking the server for
    each: the API's address, the words of the day's heading (as the date filter's "l, j E Y"
    writes them) and an empty slot of each status to copy."""
    return {
        "api_url": reverse("api-room-availability", args=[room.pk]),
        "weekday_names": [str(WEEKDAYS[i]) for i in range(7)],
        "month_names": [str(MONTHS_ALT[i]) for i in range(1, 13)],
        "slot_prototypes": [{"status": status} for status in ("free", "busy", "closed")],
    }
