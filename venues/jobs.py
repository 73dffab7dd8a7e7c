"""Periodic jobs of venues."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from core.jobs import crontab, register
from venues import services


@register(
    "venues_price_from_refresh",
    every=crontab(hour=0, minute=5),
    description="Recompute each room's lowest current price for the catalogue",
)
def price_from_refresh(*, now: datetime) -> str:
    # Idempotent: it recomputes from the prices, so running it twice changes nothing.
    count = services.price_from_refresh_all(today=timezone.localdate(now))
    return f"refreshed the lowest price of {count} rooms"


@register(
    "venues_schedule_freshness",
    every=crontab(minute=20),
    description="Remind owners to confirm schedules at 25 days; stop accepting points at 30",
)
def schedule_freshness(*, now: datetime) -> str:
    reminded, switched_off = services.schedule_freshness_check(now=now)
    return f"reminded {reminded} venues, stopped points at {switched_off}"
