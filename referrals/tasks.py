"""Celery tasks of referrals: they take ids and call one service."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from referrals import services


@shared_task(name="referrals.booking_changed", acks_late=True)
def booking_changed(booking_id: int) -> None:
    """A booking was cancelled or marked a no-show: undo referral rewards it earned."""
    services.referrals_for_booking_check(booking_id=booking_id, now=timezone.now())
