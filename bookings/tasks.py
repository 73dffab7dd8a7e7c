"""Celery tasks of bookings: they take ids and do one thing (send an e-mail)."""

from __future__ import annotations

import logging

from celery import shared_task

from bookings.emails import booking_message
from bookings.models import Booking

logger = logging.getLogger(__name__)


@shared_task(
    name="bookings.booking_email_send",
    acks_late=True,
    autoretry_for=(ConnectionError, OSError),
    retry_backoff=True,
    max_retries=5,
)
def booking_email_send(booking_id: int, kind: str) -> None:
    booking = (
        Booking.objects.select_related("room", "room__venue", "user").filter(pk=booking_id).first()
    )
    if booking is None or booking.user is None:
        return
    booking_message(booking, kind).send()
    logger.info("booking e-mail sent", extra={"booking": booking_id, "kind": kind})
