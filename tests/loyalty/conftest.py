"""Fixtures of the ledger tests: a fixed clock and helpers to read a client's points."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from loyalty.models import Account
from tests.factories import BookingFactory

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def now():
    return T0


@pytest.fixture
def booking(db, client_user):
    """A real booking the ledger can point at (transactions reference bookings by foreign key)."""
    return BookingFactory(user=client_user)


def balance_of(user, kind: str = Account.Kind.WALLET) -> int:
    account = Account.objects.filter(user=user, kind=kind).first()
    return account.balance if account else 0
