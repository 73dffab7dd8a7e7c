"""One rule, one message: bad input on the dashboard and in the partner API is a clear 4xx
with the same words, and changes nothing."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from tests.factories import PriceFactory, RoomFactory
from venues.models import OpeningHours, Price, Room, ScheduleException

pytestmark = pytest.mark.django_db


def _api(user) -> APIClient:
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.force_authenticate(user)
    return api


@pytest.mark.parametrize(
    ("days", "message"),
    [(-1, "The date is in the past."), (2 * 366 + 1, "no more than two years ahead")],
)
def test_exceptions_in_the_past_or_far_ahead_are_refused_on_web_and_api(
    client, owner_a, venue_a, days, message
):
    day = timezone.localdate() + datetime.timedelta(days=days)
    response = _api(owner_a).post(
        f"/api/v1/partner/venues/{venue_a.pk}/exceptions/", {"date": str(day)}, format="json"
    )
    assert response.status_code == 422  # well-formed, refused by a rule
    assert message in response.json()["error"]["fields"]["date"][0]
    client.force_login(owner_a)
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("dashboard:exceptions", args=[venue_a.pk]), {"date": str(day), "is_closed": "on"}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ScheduleException.objects.exists()


def test_a_zero_price_is_refused_on_web_and_api(client, owner_a, room_a):
    count = Price.objects.count()
    data = {"day_type": "weekday", "starts": "03:00", "ends": "02:00", "price_per_hour": "0"}
    response = _api(owner_a).post(f"/api/v1/partner/rooms/{room_a.pk}/prices/", data, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["price_per_hour"] == [
        "The price must be more than zero."
    ]
    client.force_login(owner_a)
    response = client.post(reverse("dashboard:room", args=[room_a.venue.pk, room_a.pk]), data)
    assert response.status_code == 400
    assert "Цена должна быть больше нуля." in response.content.decode()
    assert Price.objects.count() == count
    with pytest.raises(IntegrityError), transaction.atomic():
        PriceFactory(room=room_a, price_per_hour=Decimal(0), starts=datetime.time(3))


def test_a_second_room_of_the_same_name_in_a_venue_is_refused(client, owner_a, room_a):
    response = _api(owner_a).post(
        f"/api/v1/partner/venues/{room_a.venue.pk}/rooms/",
        {"name": "БОЛЬШОЙ ЗАЛ", "kind": "rehearsal", "capacity": 5},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["error"]["fields"]["name"] == [
        "This venue already has a room with this name."
    ]
    client.force_login(owner_a)
    response = client.post(
        reverse("dashboard:room-create", args=[room_a.venue.pk]),
        {
            "name": "большой зал",
            "kind": "rehearsal",
            "capacity": 5,
            "slot_minutes": 60,
            "min_booking_minutes": 60,
            "buffer_minutes": 0,
        },
    )
    assert response.status_code == 400
    assert "В этом объекте уже есть зал с таким названием." in response.content.decode()
    assert Room.objects.count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        RoomFactory(venue=room_a.venue, name="Большой ЗАЛ")
    RoomFactory(name="Большой зал")  # another venue may use the name


@pytest.mark.parametrize("capacity", [0, -1, 1001, 32767])
def test_capacity_is_1_to_1000_on_web_and_api_with_one_message(client, owner_a, venue_a, capacity):
    message = "Capacity is from 1 to 1000 people."
    response = _api(owner_a).post(
        f"/api/v1/partner/venues/{venue_a.pk}/rooms/",
        {"name": "Зал", "kind": "rehearsal", "capacity": capacity},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["capacity"] == [message]
    client.force_login(owner_a)
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("dashboard:room-create", args=[venue_a.pk]),
        {
            "name": "Зал",
            "kind": "rehearsal",
            "capacity": capacity,
            "slot_minutes": 60,
            "min_booking_minutes": 60,
            "buffer_minutes": 0,
        },
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    response = APIClient(HTTP_ACCEPT_LANGUAGE="en").get("/api/v1/rooms/", {"capacity": capacity})
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["capacity"] == [message]
    assert not Room.objects.exists()


def test_non_numbers_get_the_same_message_on_web_and_api(client, owner_a, venue_a):
    response = APIClient(HTTP_ACCEPT_LANGUAGE="en").get(
        "/api/v1/rooms/", {"capacity": "abc"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.json()["error"]["fields"]["capacity"] == ["Enter a whole number."]
    response = _api(owner_a).post(
        f"/api/v1/partner/venues/{venue_a.pk}/rooms/",
        {"name": "Зал", "kind": "rehearsal", "capacity": "abc"},
        format="json",
    )
    assert response.json()["error"]["fields"]["capacity"] == ["Enter a whole number."]


@pytest.mark.parametrize(
    ("weekdays", "status"),
    [([0], 400), ([0, 1, 2, 3, 4, 5, 5], 422)],  # fewer than 7 breaks the schema; a repeat, a rule
)
def test_putting_hours_without_every_weekday_is_a_4xx_and_changes_nothing(
    owner_a, venue_a, weekdays, status
):
    before = list(OpeningHours.objects.filter(venue=venue_a).values_list("weekday", "opens"))
    response = _api(owner_a).put(
        f"/api/v1/partner/venues/{venue_a.pk}/hours/",
        {"days": [{"weekday": day, "opens": "12:00", "closes": "20:00"} for day in weekdays]},
        format="json",
    )
    assert response.status_code == status
    assert response.json()["error"]["fields"]["days"]
    after = list(OpeningHours.objects.filter(venue=venue_a).values_list("weekday", "opens"))
    assert after == before
