"""Receivers of bookings' own events (the client's e-mails) and of venues' (a new room gets its
calendar feed); connected in BookingsConfig.ready. They only queue work."""

from __future__ import annotations

from bookings import signals, tasks
from bookings.models import Booking
from core.after_commit import enqueue
from core.emails import email_send_on_commit
from venues.models import Room
from venues.signals import room_created


def _email(kind: str, booking_id: int) -> None:
    email_send_on_commit(f"bookings.{kind}", [{"booking_id": booking_id}])


def on_requested(sender: type, booking_id: int, **kwargs: object) -> None:
    _email("requested", booking_id)


def on_confirmed(sender: type, booking_id: int, **kwargs: object) -> None:
    _email("confirmed", booking_id)


def on_declined(sender: type, booking_id: int, **kwargs: object) -> None:
    _email("declined", booking_id)


def on_cancelled(sender: type, booking_id: int, **kwargs: object) -> None:
    _email("cancelled", booking_id)


def on_reminder_due(sender: type, booking_id: int, **kwargs: object) -> None:
    _email("reminder", booking_id)


def on_rescheduled(sender: type, booking_id: int, status: str, **kwargs: object) -> None:
    # A move repeats the confirmation, or the request while the venue has not answered.
    _email("requested" if status == Booking.Status.REQUESTED else "confirmed", booking_id)


def on_room_created(sender: type, room_id: int, **kwargs: object) -> None:
    enqueue(tasks.room_feed_create, room_id)


def connect() -> None:
    for signal, receiver in (
        (signals.booking_requested, on_requested),
        (signals.booking_confirmed, on_confirmed),
        (signals.booking_declined, on_declined),
        (signals.booking_cancelled, on_cancelled),
        (signals.booking_reminder_due, on_reminder_due),
        (signals.booking_rescheduled, on_rescheduled),
    ):
        signal.connect(receiver, sender=Booking, dispatch_uid=f"bookings.{receiver.__name__}")
    room_created.connect(on_room_created, sender=Room, dispatch_uid="bookings.on_room_created")
