"""Reviews after a completed booking, and the catalogue's "free on D between T1 and T2" filter."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from bookings import selectors, services
from tests.bookings.conftest import NOW, at
from tests.factories import RoomFactory, UserFactory, price_every_day
from venues.models import Room

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]
DAY = "2026-12-02"


@pytest.fixture
def completed(room_a, client_user):
    booking = services.booking_create(
        user=client_user,
        room=room_a,
        start=at(DAY, "19:00"),
        end=at(DAY, "21:00"),
        payment="venue",
        now=NOW,
    )
    services.bookings_complete(now=at(DAY, "21:00"))
    booking.refresh_from_db()
    return booking


def test_a_client_reviews_a_completed_booking_once(client_api, completed, room_a):
    url = f"/api/v1/bookings/{completed.pk}/review/"
    response = client_api.post(url, {"rating": 4, "comment": "Хороший звук"}, format="json")
    assert response.status_code == 201
    assert client_api.post(url, {"rating": 5}, format="json").status_code == 409
    summary = selectors.reviews_summary(room=room_a)
    assert summary["average"] == Decimal("4.0") and summary["count"] == 1
    assert summary["latest"][0].comment == "Хороший звук"
    assert selectors.reviews_summary(venue=room_a.venue)["count"] == 1
    public = client_api.get(f"/api/v1/rooms/{room_a.pk}/reviews/").json()
    assert public["average"] == "4.0" and public["latest"][0]["rating"] == 4


@pytest.mark.parametrize("rating", [0, 6, "five", None])
def test_a_rating_outside_1_to_5_is_refused(client_api, completed, rating):
    response = client_api.post(
        f"/api/v1/bookings/{completed.pk}/review/", {"rating": rating}, format="json"
    )
    assert response.status_code == 400


def test_no_review_before_the_session_or_of_someone_elses(client_api, room_a, client_user):
    booking = services.booking_create(
        user=client_user,
        room=room_a,
        start=at(DAY, "19:00"),
        end=at(DAY, "21:00"),
        payment="venue",
        now=NOW,
    )
    assert (
        client_api.post(
            f"/api/v1/bookings/{booking.pk}/review/", {"rating": 5}, format="json"
        ).status_code
        == 422
    )
    other = services.booking_create(
        user=UserFactory(),
        room=room_a,
        start=at(DAY, "12:00"),
        end=at(DAY, "13:00"),
        payment="venue",
        now=NOW,
    )
    services.bookings_complete(now=at(DAY, "22:00"))
    assert (
        client_api.post(
            f"/api/v1/bookings/{other.pk}/review/", {"rating": 5}, format="json"
        ).status_code
        == 404
    )


def test_rooms_free_between_finds_rooms_with_enough_consecutive_free_time(venue_a, client_user):
    busy = RoomFactory(venue=venue_a)
    free = RoomFactory(venue=venue_a)
    patchy = RoomFactory(venue=venue_a)
    for room in (busy, free, patchy):
        price_every_day(room)
    day = dt.date(2026, 12, 2)
    services.booking_create(
        user=client_user,
        room=busy,
        start=at(DAY, "18:00"),
        end=at(DAY, "23:00"),
        payment="venue",
        now=NOW,
    )
    # Patchy has single free hours between bookings: not 2 hours in a row.
    for hour in ("19:00", "21:00"):
        start = at(DAY, hour)
        services.booking_create(
            user=client_user,
            room=patchy,
            start=start,
            end=start + dt.timedelta(hours=1),
            payment="venue",
            now=NOW,
        )
    rooms = Room.objects.filter(venue=venue_a)
    found = selectors.rooms_free_between(
        rooms, date=day, start_time=dt.time(18), end_time=dt.time(23), hours=2, now=NOW
    )
    assert set(found) == {free}
    one_hour = selectors.rooms_free_between(
        rooms, date=day, start_time=dt.time(18), end_time=dt.time(23), hours=1, now=NOW
    )
    assert set(one_hour) == {free, patchy}
    # Past midnight: 23:00–02:00 is free in every room.
    night = selectors.rooms_free_between(
        rooms, date=day, start_time=dt.time(23), end_time=dt.time(2), hours=3, now=NOW
    )
    assert set(night) == {busy, free, patchy}
    # It is a queryset the catalogue can keep filtering.
    assert found.filter(pk=free.pk).count() == 1
