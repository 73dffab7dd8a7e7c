"""What can still be done with a booking: the rules its services enforce, read once for pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ObjectDoesNotExist

from bookings.models import Booking, Review
from bookings.selectors.cancellation import cancellation_fee

Status = Booking.Status
CANCELLABLE = (Status.HOLD, Status.REQUESTED, Status.CONFIRMED)
MOVABLE = (Status.CONFIRMED, Status.REQUESTED)
PAYABLE = (Status.HOLD, Status.CONFIRMED)


def can_cancel(booking: Booking, *, now: datetime) -> bool:
    # A block (maintenance) can be lifted until it ends; a booking only before it starts.
    deadline = booking.end if booking.kind == Booking.Kind.BLOCK else booking.start
    return booking.status in CANCELLABLE and deadline > now


def paid_online(booking: Booking) -> bool:
    """Money was paid online (a move would reprice what the provider already took)."""
    return (
        booking.paid_at is not None
        and booking.payment == Booking.Payment.ONLINE
        and booking.money_due > 0
    )


def can_move(booking: Booking, *, now: datetime) -> bool:
    return booking.status in MOVABLE and booking.start > now and not paid_online(booking)


def can_pay(booking: Booking) -> bool:
    return (
        booking.payment == Booking.Payment.ONLINE
        and booking.paid_at is None
        and booking.status in PAYABLE
    )


@dataclass(frozen=True)
class BookingActions:
    """What the client can do with their booking now, for its page."""

    cancellable: bool
    fee_now: Decimal | None  # what cancelling now costs, when it can be cancelled
    movable: bool
    payable: bool
    reviewable: bool
    review: Review | None


def booking_actions(booking: Booking, *, now: datetime) -> BookingActions:
    cancellable = can_cancel(booking, now=now)
    try:
        review: Review | None = booking.review
    except ObjectDoesNotExist:
        review = None
    return BookingActions(
        cancellable=cancellable,
        fee_now=cancellation_fee(booking, now=now) if cancellable else None,
        movable=can_move(booking, now=now),
        payable=can_pay(booking),
        reviewable=booking.status == Status.COMPLETED and review is None,
        review=review,
    )
