"""Signal receivers of loyalty: they only enqueue tasks (connected in LoyaltyConfig.ready)."""

from __future__ import annotations

from typing import Any


def on_booking_confirmed(sender: Any, booking_id: int, **kwargs: Any) -> None:
    from loyalty import tasks

    tasks.cashback_pend.delay(booking_id)


def on_booking_cancelled(sender: Any, booking_id: int, **kwargs: Any) -> None:
    from loyalty import tasks

    tasks.cashback_cancel.delay(booking_id)


def on_booking_completed(sender: Any, booking_id: int, **kwargs: Any) -> None:
    from loyalty import tasks

    tasks.booking_completed.delay(booking_id)


def connect() -> None:
    from bookings import signals

    signals.booking_confirmed.connect(on_booking_confirmed, dispatch_uid="loyalty.confirmed")
    signals.booking_cancelled.connect(on_booking_cancelled, dispatch_uid="loyalty.cancelled")
    signals.booking_no_show.connect(on_booking_cancelled, dispatch_uid="loyalty.no_show")
    signals.booking_completed.connect(on_booking_completed, dispatch_uid="loyalty.completed")
