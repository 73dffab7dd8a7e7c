"""The catalogue: the "accepts points" filter (web and API) and the badge with the share."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.bookings.conftest import NOW
from tests.factories import RoomFactory, VenueFactory, open_every_day, price_every_day

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


@pytest.fixture
def other_room(db):
    venue = VenueFactory(name="Без баллов")
    open_every_day(venue)
    room = RoomFactory(venue=venue, name="Обычный")
    price_every_day(room)
    room.price_from = 900
    room.save()
    return room


@pytest.fixture
def listed(points_room):
    points_room.price_from = 1000
    points_room.save()
    return points_room


def test_api_filter_accepts_points(api_client, listed, other_room):
    ids = [r["id"] for r in api_client.get("/api/v1/rooms/").json()["results"]]
    assert set(ids) == {listed.pk, other_room.pk}
    body = api_client.get("/api/v1/rooms/", {"accepts_points": "true"}).json()
    assert [r["id"] for r in body["results"]] == [listed.pk]
    assert body["results"][0]["points_percent"] == 25
    assert api_client.get("/api/v1/rooms/", {"accepts_points": "maybe"}).status_code == 400


def test_a_stale_schedule_drops_out_of_the_filter_and_loses_the_badge(api_client, listed):
    venue = listed.venue
    venue.schedule_confirmed_at = NOW - dt.timedelta(days=31)
    venue.save()
    body = api_client.get("/api/v1/rooms/", {"accepts_points": "true"}).json()
    assert body["results"] == []
    body = api_client.get("/api/v1/rooms/").json()
    assert body["results"][0]["points_percent"] is None


def test_web_filter_and_badge(client, listed, other_room, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        page = client.get("/", {"accepts_points": "on"}).content.decode()
    assert listed.name in page and other_room.name not in page
    assert "25%" in page
    page = client.get(f"/rooms/{listed.pk}/").content.decode()
    assert "25%" in page


def test_the_room_override_is_the_badge(client, listed):
    listed.max_points_percent = 40
    listed.save()
    page = client.get(f"/rooms/{listed.pk}/").content.decode()
    assert "40%" in page
