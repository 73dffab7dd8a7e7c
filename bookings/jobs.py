"""Periodic jobs of bookings: each idempotent, each taking `now` (see core/jobs.py)."""

from __future__ import annotations

from datetime import datetime, timedelta

from bookings import services
from core.idempotency import idempotency_keys_clear
from core.jobs import crontab, register


@register(
    "bookings_expire_holds",
    every=timedelta(minutes=1),
    description="Expire online-payment holds not paid in time",
)
def expire_holds(*, now: datetime) -> str:
    return f"expired {services.holds_expire(now=now)} holds"


@register(
    "bookings_decline_unanswered",
    every=timedelta(minutes=5),
    description="Decline requests the venue did not answer in time",
)
def decline_unanswered(*, now: datetime) -> str:
    return f"declined {services.requests_decline_unanswered(now=now)} requests"


@register(
    "bookings_complete",
    every=timedelta(minutes=5),
    description="Complete confirmed bookings whose time is over",
)
def complete(*, now: datetime) -> str:
    return f"completed {services.bookings_complete(now=now)} bookings"


@register(
    "bookings_send_reminders",
    every=crontab(minute="*/10"),
    description="E-mail a reminder 24 hours before a booking",
)
def send_reminders(*, now: datetime) -> str:
    return f"sent {services.reminders_send(now=now)} reminders"


@register(
    "bookings_open_time_extend",
    every=crontab(hour=0, minute=15),
    description="Store the rooms' open time of the day entering the booking horizon",
)
def open_time_extend(*, now: datetime) -> str:
    # Idempotent: days already stored are left alone, the past is dropped once.
    dropped, written = services.open_time_extend(now=now)
    return f"dropped {dropped} past open days, wrote {written}"


@register(
    "bookings_open_time_rebuild",
    every=crontab(hour=3, minute=40, day_of_week=0),
    description="Rewrite every room's stored open time from the schedule (a weekly safety net)",
)
def open_time_rebuild(*, now: datetime) -> str:
    return f"wrote {services.open_time_rebuild(now=now)} open days"


@register(
    "idempotency_keys_clear",
    every=crontab(hour=4, minute=7),
    description="Forget Idempotency-Key answers older than 48 hours",
)
def clear_idempotency_keys(*, now: datetime) -> str:
    return f"deleted {idempotency_keys_clear(now=now)} idempotency keys"
