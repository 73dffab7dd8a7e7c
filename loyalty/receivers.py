"""Signal receivers of loyalty: they only enqueue tasks (connected in LoyaltyConfig.ready)."""

from __future__ import annotations

from typing import Any


def on_booking_confirmed(sender: Any, booking_id: int, **kwargs: Any) -> None:
    from loyalty import tasks

    tasks.cashback_pend.delay(booking_id)


def on_booking_cancelled(sender: Any, booking_id: int, **kwargs: Any) -> None:
    from loyalty import tasks

    tasks.cashback_cancel.delay(booking_id)


def on_booking_rescheduled(sender: Any, booking_id: int, **kwargs: Any) -> None:
    from loyalty import tasks

    tasks.cashback_replan.delay(booking_id)


def on_booking_completed(sender: Any, booking_id: int, **kwargs: Any) -> None:
    from loyalty import tasks

    tasks.booking_completed.delay(booking_id)


def on_email_confirmed(request: Any, email_address: Any, **kwargs: Any) -> None:
    from django.db import transaction

    from loyalty import tasks

    user_id = email_address.user_id
    transaction.on_commit(lambda: tasks.welcome_bonus.delay(user_id))


def on_profile_updated(sender: Any, user_id: int, **kwargs: Any) -> None:
    from loyalty import tasks

    tasks.profile_bonus.delay(user_id)


def connect() -> None:
    from allauth.account.signals import email_confirmed

    from accounts.signals import profile_updated
    from bookings import signals

    email_confirmed.connect(on_email_confirmed, dispatch_uid="loyalty.email_confirmed")
    profile_updated.connect(on_profile_updated, dispatch_uid="loyalty.profile_updated")

    signals.booking_confirmed.connect(on_booking_confirmed, dispatch_uid="loyalty.confirmed")
    signals.booking_cancelled.connect(on_booking_cancelled, dispatch_uid="loyalty.cancelled")
    signals.booking_no_show.connect(on_booking_cancelled, dispatch_uid="loyalty.no_show")
    signals.booking_completed.connect(on_booking_completed, dispatch_uid="loyalty.completed")
    signals.booking_rescheduled.connect(on_booking_rescheduled, dispatch_uid="loyalty.rescheduled")
