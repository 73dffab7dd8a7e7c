"""Booking e-mails: every kind renders in Russian with text, HTML and an .ics of the booking."""

from __future__ import annotations

import pytest
from icalendar import Calendar

from bookings import services
from bookings.emails import KINDS
from core.emails import EMAILS, messages
from tests.bookings.conftest import NOW, at

pytestmark = pytest.mark.django_db


def booking_message(booking, kind):
    [(_item, message)] = messages(EMAILS.get(f"bookings.{kind}"), [{"booking_id": booking.pk}])
    return message


@pytest.mark.parametrize("kind", KINDS)
def test_each_booking_email_has_text_html_and_the_event(room_a, client_user, kind):
    booking = services.booking_create(
        user=client_user,
        room=room_a,
        start=at("2026-12-02", "19:00"),
        end=at("2026-12-02", "21:00"),
        payment="venue",
        now=NOW,
    )
    message = booking_message(booking, kind)
    assert message.to == [client_user.email]
    assert room_a.name in message.subject
    assert "19:00–21:00" in message.body  # shown in the venue's time zone
    assert message.alternatives[0][1] == "text/html"
    name, content, mimetype = message.attachments[0]
    assert name.endswith(".ics")
    assert mimetype == "text/calendar"
    event = next(iter(Calendar.from_ical(content).walk("VEVENT")))
    assert event.decoded("dtstart") == at("2026-12-02", "19:00")
    assert event.decoded("dtend") == at("2026-12-02", "21:00")
    expected = "CANCELLED" if kind in ("cancelled", "declined") else "CONFIRMED"
    assert str(event["status"]) == expected


def test_the_confirmation_is_in_russian(room_a, client_user):
    booking = services.booking_create(
        user=client_user,
        room=room_a,
        start=at("2026-12-02", "19:00"),
        end=at("2026-12-02", "21:00"),
        payment="venue",
        now=NOW,
    )
    message = booking_message(booking, "confirmed")
    assert message.subject.startswith("Бронь подтверждена")
    assert "декабря" in message.body
