"""Booking e-mails (subject + text + HTML templates) with an .ics attachment, and iCal feeds.

Each kind is `bookings.<kind>` with items `{"booking_id": …}` (see core.emails); bookings/
receivers.py queues them when a booking changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from bookings.models import Booking
from core.emails import Attachment, Email, Item, email_kind

KINDS = ("confirmed", "requested", "declined", "cancelled", "reminder")
PRODID = "-//Bronka//bookings//RU"


def _uid(booking: Booking) -> str:
    return f"booking-{booking.pk}@bronka"


def _event(booking: Booking, *, cancelled: bool = False) -> Event:
    event = Event()
    event.add("uid", _uid(booking))
    event.add("dtstamp", booking.updated_at or booking.created_at)
    event.add("dtstart", booking.start)
    event.add("dtend", booking.end)
    room = booking.room
    summary = f"{room.name} — {room.venue.name}"
    if booking.kind != Booking.Kind.CLIENT or booking.contact_name:
        summary += f" ({booking.client_label})"
    event.add("summary", summary)
    event.add("location", f"{room.venue.name}, {room.venue.address}")
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    # Every change of a booking is a new revision of the same calendar entry.
    event.add("sequence", booking.events.count() if booking.pk else 0)
    return event


def booking_ics(booking: Booking, *, cancelled: bool = False) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    calendar.add_component(_event(booking, cancelled=cancelled))
    return calendar.to_ical()


def feed_ics(room_name: str, bookings: Iterable[Booking]) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", room_name)
    for booking in bookings:
        calendar.add_component(_event(booking))
    return calendar.to_ical()


def relative_day(start: datetime, zone: ZoneInfo, now: datetime) -> str:
    """«today», «tomorrow» or "" for later: how the day of `start` relates to `now`, both read
    on the venue's clocks (at 03:00 in Novosibirsk a session at 23:00 is today, whatever
    Moscow's date)."""
    days = (start.astimezone(zone).date() - now.astimezone(zone).date()).days
    return {0: "today", 1: "tomorrow"}.get(days, "")


def _booking_email(name: str) -> None:
    """Declare the booking e-mail `name`: to the client, with the booking's event attached."""

    @email_kind(f"bookings.{name}", template=f"bookings/email/{name}")
    def build(items: list[Item]) -> list[Email]:
        ids = [int(item["booking_id"]) for item in items]
        bookings = Booking.objects.select_related("room", "room__venue", "user").in_bulk(ids)
        emails = []
        for item in items:
            booking = bookings.get(int(item["booking_id"]))
            if booking is None or booking.user is None:  # gone, or a phone client's booking
                continue
            venue = booking.room.venue
            context = {
                "booking": booking,
                "room": booking.room,
                "venue": venue,
                "start": booking.start,
                "end": booking.end,
                "day": relative_day(booking.start, ZoneInfo(venue.timezone), timezone.now()),
                "url": settings.SITE_URL + reverse("bookings:detail", args=[booking.pk]),
            }
            ics = booking_ics(booking, cancelled=name in ("cancelled", "declined"))
            emails.append(
                Email(
                    item=item,
                    to=[booking.user.email],
                    context=context,
                    attachments=[Attachment(f"booking-{booking.pk}.ics", ics, "text/calendar")],
                    zone=venue.timezone,  # times and "today" as the venue's clocks say
                )
            )
        return emails


for _name in KINDS:
    _booking_email(_name)
