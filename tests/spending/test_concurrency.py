"""Two bookings spending the same last points at once: one succeeds, the other is a clear 400,
and the balance never goes negative."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from bookings import services
from bookings.models import Booking
from core.errors import ApplicationError
from loyalty.models import Account
from tests.bookings.conftest import NOW, at
from tests.spending.conftest import audit_clean, give_points

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_bookings_racing_for_the_last_points(client_user, points_room):
    give_points(client_user, 500)
    windows = [("19:00", "21:00"), ("22:00", "00:00")]
    barrier = threading.Barrier(len(windows))
    outcomes: list[str] = []

    def attempt(first: str, last: str) -> None:
        try:
            barrier.wait()
            end_day = "2026-12-03" if last == "00:00" else "2026-12-02"
            services.booking_create(
                user=client_user,
                room=points_room,
                start=at("2026-12-02", first),
                end=at(end_day, last),
                payment="venue",
                points=400,
                now=NOW,
            )
            outcomes.append("ok")
        except ApplicationError as error:
            assert "points" in error.fields
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=w) for w in windows]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "refused"]
    assert Booking.objects.count() == 1
    wallet = Account.objects.get(user=client_user, kind="wallet")
    assert wallet.balance == 100
    audit_clean()
