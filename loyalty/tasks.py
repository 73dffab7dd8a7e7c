"""Celery tasks of loyalty: each takes ids, calls one service with the current time, and is safe
to run twice (the services are idempotent by their keys)."""

from __future__ import annotations

from typing import TypedDict

from celery import shared_task
from django.utils import timezone

from accounts.models import User
from bookings.models import Booking
from loyalty import services


class _Retry(TypedDict):
    acks_late: bool
    autoretry_for: tuple[type[Exception], ...]
    retry_backoff: bool
    max_retries: int


# A lost connection to the database or the broker is worth another try; a bug is not.
RETRY: _Retry = {
    "acks_late": True,
    "autoretry_for": (ConnectionError, OSError),
    "retry_backoff": True,
    "max_retries": 5,
}


@shared_task(name="loyalty.cashback_pend", **RETRY)
def cashback_pend(booking_id: int) -> None:
    services.cashback_pend(booking_id=booking_id, now=timezone.now())


@shared_task(name="loyalty.cashback_cancel", **RETRY)
def cashback_cancel(booking_id: int) -> None:
    services.cashback_cancel(booking_id=booking_id, now=timezone.now())


@shared_task(name="loyalty.cashback_replan", **RETRY)
def cashback_replan(booking_id: int) -> None:
    services.cashback_replan(booking_id=booking_id, now=timezone.now())


@shared_task(name="loyalty.tier_upgrade", **RETRY)
def tier_upgrade(booking_id: int) -> None:
    """A completed booking may lift its client to a higher tier at once."""
    booking = Booking.objects.select_related("user").filter(pk=booking_id).first()
    if booking is not None and booking.user is not None:
        # A booking completes after its end, so the tier counts it even when the completion job
        # was run for a moment ahead of the clock (`runjob bookings_complete --now …`).
        services.tier_upgrade(user=booking.user, now=max(timezone.now(), booking.end))


@shared_task(name="loyalty.welcome_bonus", **RETRY)
def welcome_bonus(user_id: int) -> None:
    user = User.objects.filter(pk=user_id).first()
    if user is not None:
        services.welcome_bonus_grant(user=user, now=timezone.now())


@shared_task(name="loyalty.profile_bonus", **RETRY)
def profile_bonus(user_id: int) -> None:
    user = User.objects.filter(pk=user_id).first()
    if user is not None:
        services.profile_bonus_grant(user=user, now=timezone.now())
