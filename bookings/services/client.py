"""What a client does with a booking: cancel it, move it."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from bookings import selectors, signals
from bookings.models import Booking, BookingEvent
from bookings.points import programme as points_programme
from bookings.selectors.actions import MOVABLE
from bookings.services.state import (
    Status,
    announce_booking,
    is_overlap,
    lock_room_time,
    locked_booking,
    status_change,
    taken_conflict,
)
from core.errors import Conflict
from core.services import audit_record


def booking_cancel(
    *, booking_id: int, actor: User, by_venue: bool = False, now: datetime | None = None
) -> Booking:
    """Cancel a booking: free before the policy's deadline, later with the fee (a venue
    cancelling never charges the client). The caller has already checked who may do it."""
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        booking = locked_booking(booking_id)
        if not selectors.can_cancel(booking, now=now):
            raise Conflict(_("This booking can no longer be cancelled."), code="not_cancellable")
        booking.cancellation_fee = (
            Decimal("0.00") if by_venue else selectors.cancellation_fee(booking, now=now)
        )
        booking.cancelled_at = now
        status_change(
            booking,
            Status.CANCELLED,
            action="cancel_by_venue" if by_venue else "cancel",
            actor=actor,
            fields=("cancellation_fee", "cancelled_at"),
            now=now,
        )
        announce_booking(signals.booking_cancelled, booking)
    return booking


def booking_reschedule(
    *, booking_id: int, actor: User, start: datetime, end: datetime, now: datetime | None = None
) -> Booking:
    """Move a booking to another free time of the same room, repriced."""
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        booking = locked_booking(booking_id)
        if booking.status not in MOVABLE or booking.start <= now:
            raise Conflict(_("This booking can no longer be moved."), code="not_movable")
        if selectors.paid_online(booking):
            raise Conflict(
                _("A booking paid online cannot be moved; cancel it and book again."),
                code="not_movable",
            )
        # The figures the move page showed before the client confirmed (invariant 4: the
        # points stay up to the new cap; the excess goes back to the client).
        move = selectors.move_quote(booking=booking, start=start, end=end, now=now)
        quote = move.quote
        before = {"start": booking.start.isoformat(), "end": booking.end.isoformat()}
        old_points = booking.points
        booking.start, booking.end = quote.start, quote.end
        booking.occupied_until = quote.end + timedelta(minutes=booking.room.buffer_minutes)
        booking.points_cap = quote.points_cap if old_points else 0
        booking.points = move.points
        booking.price = quote.price
        booking.money_due = move.money_due
        booking.slots = quote.slots_json()
        booking.free_cancellation_until = quote.free_until
        booking.reminder_sent_at = None
        try:
            with transaction.atomic():
                lock_room_time(booking.room_id)
                booking.save()
        except IntegrityError as error:
            if is_overlap(error):
                raise taken_conflict() from None
            raise
        # Always: the points above the new cap go back, and the cashback promised is the new
        # money part's at once, so no page shows the old figure after the move.
        points_programme().reschedule(booking, old_points, now)
        BookingEvent.objects.create(
            booking=booking,
            from_status=booking.status,
            to_status=booking.status,
            action="reschedule",
            actor=actor,
            note=f"{before['start']} → {booking.start.isoformat()}",
        )
        audit_record(
            actor=actor,
            action="booking.reschedule",
            obj=booking,
            before=before,
            after={"start": booking.start.isoformat(), "end": booking.end.isoformat()},
        )
        announce_booking(signals.booking_rescheduled, booking, status=booking.status)
    return booking
