"""The catalogue's "free on date D between T1 and T2 for H hours" filter and the room page's
slot picker and reviews, as a visitor sees them."""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse

from bookings import services
from tests.bookings.conftest import NOW, at
from tests.factories import RoomFactory, price_every_day

pytestmark = pytest.mark.django_db
DAY = "2026-12-02"


@pytest.fixture
def two_rooms(venue_a, client_user):
    busy = RoomFactory(venue=venue_a, name="Занятый зал")
    free = RoomFactory(venue=venue_a, name="Свободный зал")
    for room in (busy, free):
        price_every_day(room)
    services.booking_create(
        user=client_user,
        room=busy,
        start=at(DAY, "18:00"),
        end=at(DAY, "23:00"),
        payment="venue",
        now=NOW,
    )
    return busy, free


def _search(client, **params):
    with time_machine.travel(NOW, tick=False):
        return client.get(reverse("home"), params)


def test_search_finds_only_rooms_free_for_the_asked_hours(client, two_rooms):
    busy, free = two_rooms
    response = _search(client, free_date=DAY, free_from="18:00", free_to="23:00", free_hours="2")
    found = [room.pk for room in response.context["page"].object_list]
    assert free.pk in found and busy.pk not in found
    # Without the date filter both are listed.
    found = [room.pk for room in _search(client).context["page"].object_list]
    assert {busy.pk, free.pk} <= set(found)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"free_from": "18:00", "free_hours": "2"}, "Choose the date"),
        ({"free_date": "2020-01-01"}, "in the past"),
    ],
)
def test_incomplete_or_past_availability_filters_are_explained(client, two_rooms, params, message):
    client.cookies["django_language"] = "en"
    response = _search(client, **params)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["filters"].extensions == {}


def test_room_page_shows_the_slot_picker_and_reviews(client, room_a):
    html = client.get(reverse("venues:room", args=[room_a.pk])).content.decode()
    assert reverse("bookings:checkout") in html
    assert 'class="card reviews"' in html
