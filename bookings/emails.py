"""Booking e-mails (subject + text + HTML templates) with an .ics attachment, and iCal feeds."""

from __future__ import annotations

from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from icalendar import Calendar, Event

from bookings.models import Booking

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
    if booking.kind == Booking.Kind.BLOCK:
        summary = f"{room.name}: {booking.note}"
    else:
        who = booking.client_name or (booking.user.get_full_name() if booking.user else "")
        summary = f"{room.name} — {room.venue.name}" + (f" ({who})" if who else "")
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


def booking_message(booking: Booking, kind: str) -> EmailMultiAlternatives:
    """The e-mail of `kind` about the booking, in Russian, with the event attached."""
    if kind not in KINDS:
        raise ValueError(f"Unknown booking e-mail {kind!r}")
    zone = ZoneInfo(booking.room.venue.timezone)
    context = {
        "booking": booking,
        "room": booking.room,
        "venue": booking.room.venue,
        "start": booking.start.astimezone(zone),
        "end": booking.end.astimezone(zone),
        "url": settings.SITE_URL + reverse("bookings:detail", args=[booking.pk]),
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"bookings/email/{kind}_subject.txt", context).strip()
        text = render_to_string(f"bookings/email/{kind}.txt", context)
        html = render_to_string(f"bookings/email/{kind}.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()), body=text, to=[booking.user.email]
    )
    message.attach_alternative(html, "text/html")
    message.attach(
        f"booking-{booking.pk}.ics",
        booking_ics(booking, cancelled=kind in ("cancelled", "declined")),
        "text/calendar",
    )
    return message
