"""Concurrency on real PostgreSQL: overlapping bookings sent at the same moment never overlap.

Real threads, each with its own database connection, start every round together at a barrier.
"""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection, connections
from rest_framework.test import APIClient

from bookings import services
from bookings.models import Booking
from core.errors import Conflict
from tests.bookings.conftest import NOW, at, book_payload
from tests.factories import RoomFactory, UserFactory, price_every_day

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 10
ROUNDS = 200


def _overlaps() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*) FROM bookings_booking a JOIN bookings_booking b
              ON a.room_id = b.room_id AND a.id < b.id
             AND tstzrange(a.start, a.occupied_until) && tstzrange(b.start, b.occupied_until)
             WHERE a.status IN ('hold', 'requested', 'confirmed', 'completed')
               AND b.status IN ('hold', 'requested', 'confirmed', 'completed')
            """
        )
        return cursor.fetchone()[0]


def _windows(rooms):
    """Disjoint 4-hour windows, one per round, spread over the rooms and the next weeks."""
    windows = []
    day = 1
    while len(windows) < ROUNDS:
        date = (NOW + timedelta(days=day)).date()
        for room in rooms:
            for hour in ("10:00", "14:00", "18:00"):
                windows.append((room, at(date, hour)))
        day += 1
    return windows[:ROUNDS]


def test_hundreds_of_rounds_of_concurrent_overlapping_bookings_never_overlap(venue_a):
    rooms = []
    for buffer in (0, 30):
        room = RoomFactory(venue=venue_a, buffer_minutes=buffer)
        price_every_day(room)
        rooms.append(room)
    users = [UserFactory() for _ in range(THREADS)]
    windows = _windows(rooms)
    barrier = threading.Barrier(THREADS)
    outcomes: list[Counter] = [Counter() for _ in range(ROUNDS)]
    errors: list[BaseException] = []

    def worker(index: int) -> None:
        try:
            for round_no, (room, base) in enumerate(windows):
                # Requests of 1–2 hours starting at base, base+1h or base+2h: they all overlap
                # some others, and with the buffer even touching ones collide.
                start = base + timedelta(hours=index % 3)
                end = start + timedelta(hours=1 + index % 2)
                barrier.wait(timeout=30)
                try:
                    services.booking_create(
                        user=users[index], room=room, start=start, end=end, payment="venue", now=NOW
                    )
                    outcomes[round_no]["won"] += 1
                except Conflict as conflict:
                    assert conflict.status == 409
                    outcomes[round_no]["409"] += 1
        except BaseException as error:  # surfaced in the main thread
            errors.append(error)
            barrier.abort()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors, errors
    assert _overlaps() == 0
    for round_no, outcome in enumerate(outcomes):
        assert outcome["won"] >= 1, round_no
        assert outcome["won"] + outcome["409"] == THREADS, round_no
    assert sum(o["409"] for o in outcomes) > ROUNDS  # the rounds really collided
    assert Booking.objects.filter(status="confirmed").count() == sum(o["won"] for o in outcomes)


def test_concurrent_overlapping_api_requests_get_201_or_409(room_a):
    users = [UserFactory() for _ in range(THREADS)]
    rounds = 15
    barrier = threading.Barrier(THREADS)
    statuses: list[Counter] = [Counter() for _ in range(rounds)]
    errors: list[BaseException] = []

    def worker(index: int) -> None:
        api = APIClient()
        api.force_authenticate(users[index])
        try:
            for round_no in range(rounds):
                base = at((NOW + timedelta(days=round_no + 1)).date(), "18:00")
                start = base + timedelta(hours=index % 2)
                payload = book_payload(room_a, start, start + timedelta(hours=2))
                barrier.wait(timeout=30)
                response = api.post("/api/v1/bookings/", payload, format="json")
                statuses[round_no][response.status_code] += 1
        except BaseException as error:
            errors.append(error)
            barrier.abort()
        finally:
            connections.close_all()

    import time_machine

    with time_machine.travel(NOW, tick=False):
        threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert not errors, errors
    assert _overlaps() == 0
    for counts in statuses:
        assert counts[201] == 1 and counts[409] == THREADS - 1, counts


def test_the_same_idempotency_key_sent_concurrently_makes_one_booking(room_a, client_user):
    barrier = threading.Barrier(THREADS)
    responses = []
    payload = book_payload(room_a, at("2026-12-03", "19:00"), at("2026-12-03", "20:00"))

    def worker() -> None:
        api = APIClient()
        api.force_authenticate(client_user)
        try:
            barrier.wait(timeout=30)
            responses.append(
                api.post("/api/v1/bookings/", payload, format="json", HTTP_IDEMPOTENCY_KEY="same")
            )
        finally:
            connections.close_all()

    import time_machine

    with time_machine.travel(NOW, tick=False):
        threads = [threading.Thread(target=worker) for _ in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert len(responses) == THREADS
    assert {r.status_code for r in responses} == {201}
    assert len({r.json()["id"] for r in responses}) == 1
    assert Booking.objects.count() == 1
