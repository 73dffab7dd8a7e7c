"""Celery tasks of bookings: each takes ids and calls one service, and is safe to run twice.

(The booking e-mails go through core.emails' one task; see bookings/emails.py.)"""

from __future__ import annotations

from celery import shared_task

from bookings import services


@shared_task(
    name="bookings.room_feed_create",
    acks_late=True,
    autoretry_for=(ConnectionError, OSError),
    retry_backoff=True,
    max_retries=5,
)
def room_feed_create(room_id: int) -> None:
    services.room_feed_create(room_id=room_id)
