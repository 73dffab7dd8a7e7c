"""The lifecycle jobs of bookings: holds expire, unanswered requests are declined, sessions
complete, reminders go out.

Each claims its rows with FOR UPDATE SKIP LOCKED and a status condition, so a second run (or
a run in another worker at the same moment) finds nothing left to do: the effect happens once.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet

from bookings import signals
from bookings.models import Booking
from bookings.services.state import Status, announce_booking, status_change

BATCH = 500


def _claim(queryset: QuerySet[Booking]) -> list[Booking]:
    return list(queryset.select_for_update(skip_locked=True, of=("self",)).order_by("pk")[:BATCH])


def holds_expire(*, now: datetime) -> int:
    """Holds whose payment did not arrive in time free their slot."""
    done = 0
    while True:
        with transaction.atomic(durable=True):
            rows = _claim(Booking.objects.filter(status=Status.HOLD, hold_expires_at__lte=now))
            for booking in rows:
                status_change(booking, Status.EXPIRED, action="expire", actor=None, now=now)
        done += len(rows)
        if len(rows) < BATCH:
            return done


def requests_decline_unanswered(*, now: datetime) -> int:
    done = 0
    while True:
        with transaction.atomic(durable=True):
            rows = _claim(Booking.objects.filter(status=Status.REQUESTED, respond_by__lte=now))
            for booking in rows:
                status_change(
                    booking, Status.DECLINED, action="decline_timeout", actor=None, now=now
                )
                announce_booking(signals.booking_declined, booking)
        done += len(rows)
        if len(rows) < BATCH:
            return done


def bookings_complete(*, now: datetime) -> int:
    done = 0
    while True:
        with transaction.atomic(durable=True):
            rows = _claim(Booking.objects.filter(status=Status.CONFIRMED, end__lte=now))
            for booking in rows:
                status_change(booking, Status.COMPLETED, action="complete", actor=None, now=now)
                if booking.kind != Booking.Kind.BLOCK:
                    announce_booking(signals.booking_completed, booking)
        done += len(rows)
        if len(rows) < BATCH:
            return done


def reminders_send(*, now: datetime) -> int:
    """Remind clients of bookings starting within the next 24 hours, once each."""
    horizon = now + timedelta(hours=settings.BOOKINGS_REMINDER_HOURS)
    done = 0
    while True:
        with transaction.atomic(durable=True):
            rows = _claim(
                Booking.objects.filter(
                    status=Status.CONFIRMED,
                    reminder_sent_at__isnull=True,
                    user__isnull=False,
                    start__gt=now,
                    start__lte=horizon,
                )
            )
            for booking in rows:
                booking.reminder_sent_at = now
                booking.save(update_fields=["reminder_sent_at", "updated_at"])
                announce_booking(signals.booking_reminder_due, booking)
        done += len(rows)
        if len(rows) < BATCH:
            return done
