"""Fixtures for the booking tests: a frozen clock and helpers for venue-local times."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine

from bookings import services

MOSCOW = ZoneInfo("Europe/Moscow")
# Tuesday 1 December 2026, 09:00 in Moscow: the "now" of most booking tests.
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=MOSCOW)


def at(day: date | str, hh_mm: str, zone: ZoneInfo = MOSCOW) -> datetime:
    """A venue-local moment: at("2026-12-01", "19:00")."""
    if isinstance(day, str):
        day = date.fromisoformat(day)
    return datetime.combine(day, time.fromisoformat(hh_mm), tzinfo=zone)


@pytest.fixture
def frozen():
    """Freeze the clock at NOW (services and API views read timezone.now())."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def book_payload(room, start: datetime, end: datetime, payment: str = "venue") -> dict:
    return {
        "room": room.pk,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "payment": payment,
    }


@pytest.fixture
def room_feed(room_a):
    """room_a's calendar feed. Rooms made by the factories have none: a room gets its feed when
    the venue team creates it (venues.services.room_create announces room_created)."""
    return services.room_feed_create(room_id=room_a.pk)
