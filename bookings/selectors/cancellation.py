"""What cancelling a booking costs under its snapshotted policy, and the points it gives back."""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_FLOOR, Decimal

from bookings.models import Booking
from core.money import money


def points_kept(booking: Booking, fee: Decimal | None) -> int:
    """Points a cancellation fee keeps: the fee's share of the price, of the points paid."""
    if not booking.price or not fee:
        return 0
    return int(
        (Decimal(booking.points) * fee / booking.price).to_integral_value(rounding=ROUND_FLOOR)
    )


def points_back(booking: Booking, fee: Decimal) -> int:
    """Points cancelling with `fee` gives back (a reservation is released whole)."""
    if booking.status in (Booking.Status.HOLD, Booking.Status.REQUESTED):
        return booking.points
    return booking.points - points_kept(booking, fee)


def cancellation_fee(booking: Booking, *, now: datetime) -> Decimal:
    """What cancelling now costs under the policy snapshotted on the booking."""
    if booking.status in (Booking.Status.HOLD, Booking.Status.REQUESTED):
        return Decimal("0.00")
    if now <= booking.free_cancellation_until:
        return Decimal("0.00")
    return late_cancellation_fee(booking.price, booking.cancellation_fee_percent)


def late_cancellation_fee(price: Decimal, fee_percent: int) -> Decimal:
    """The fee of a cancellation after the free period: `fee_percent` of the price."""
    return money(price * fee_percent / 100)
