"""Fixtures of the spending tests: a venue that accepts points, a client with points."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from loyalty import services as ledger
from loyalty.selectors import ledger_audit
from tests.bookings.conftest import NOW, frozen  # noqa: F401  (a fixture)
from tests.factories import price_every_day


def give_points(user, amount: int, *, key: str = "gift", days: int = 90, now=NOW) -> None:
    ledger.points_credit(
        ledger.Movement(
            user=user,
            amount=amount,
            lifetime=timedelta(days=days),
            kind="bonus",
            reason="Test gift",
            idempotency_key=f"{key}:{user.pk}",
            now=now,
        )
    )


def audit_clean() -> None:
    report = ledger_audit()
    assert report.ok, report


@pytest.fixture
def points_room(room_a):
    """room_a at 1,000 ₽/h; its venue accepts points up to 25 % and confirmed its schedule."""
    room_a.prices.all().delete()
    price_every_day(room_a, Decimal("1000.00"))
    venue = room_a.venue
    venue.accepts_points = True
    venue.max_points_percent = 25
    venue.schedule_confirmed_at = NOW - timedelta(days=1)
    venue.save()
    return room_a


@pytest.fixture
def online(points_room):
    """points_room at a venue that also takes online payment."""
    venue = points_room.venue
    venue.pay_online = True
    venue.save()
    return points_room
