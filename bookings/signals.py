"""Events bookings tell higher apps about (loyalty listens), always sent after commit.

Each is sent with `sender=Booking` and `booking_id=<int>`; a receiver should only enqueue a task.
"""

from __future__ import annotations

from django.db import transaction
from django.dispatch import Signal

booking_confirmed = Signal()
booking_cancelled = Signal()
booking_completed = Signal()
booking_no_show = Signal()
booking_rescheduled = Signal()  # moved to another time, repriced


def send_after_commit(signal: Signal, booking_id: int) -> None:
    """Send `signal` once the current transaction commits (at once outside a transaction)."""
    from bookings.models import Booking

    transaction.on_commit(lambda: signal.send(sender=Booking, booking_id=booking_id))
