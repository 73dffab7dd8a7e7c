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
    assert body["results"][0]["cashback_percent"] == "1.00"  # anonymous: the lowest tier
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


def test_cards_show_the_cashback_the_visitor_gets_with_one_tier_query_a_page(
    client, client_user, listed, other_room, django_assert_max_num_queries
):
    from loyalty.models import ClientTier, Tier

    listed.venue.cashback_boost_percent = 2
    listed.venue.save()
    # A visitor: the lowest tier (Bronze 1 %) plus each venue's boost.
    page = client.get("/").content.decode()
    assert "Кешбэк 3%" in page and "Кешбэк 1%" in page
    # A Gold client (3 %) sees 5 % at the boosted venue; more rooms cost no more queries.
    ClientTier.objects.create(
        user=client_user, tier=Tier.objects.get(name="Золото"), since=NOW, updated_at=NOW
    )
    client.force_login(client_user)
    with django_assert_max_num_queries(14) as few:
        client.get("/")
    for _ in range(5):
        room = RoomFactory(venue=other_room.venue, name=f"Ещё {_}")
        price_every_day(room)
        room.price_from = 900
        room.save()
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get("/").content.decode()
    assert "Кешбэк 5%" in page and "Кешбэк 3%" in page
    assert "Кешбэк 5%" in client.get(f"/rooms/{listed.pk}/").content.decode()
    # The rooms API says the same to programs (the session's client, or anyone by token).
    body = client.get("/api/v1/rooms/").json()
    percents = {r["id"]: r["cashback_percent"] for r in body["results"]}
    assert percents[listed.pk] == "5.00" and percents[other_room.pk] == "3.00"
    assert client.get(f"/api/v1/rooms/{listed.pk}/").json()["cashback_percent"] == "5.00"
    # The total stays within the platform's cap (15 %).
    listed.venue.cashback_boost_percent = 10
    listed.venue.save()
    Tier.objects.filter(name="Золото").update(cashback_percent=7)
    assert "Кешбэк 15%" in client.get(f"/rooms/{listed.pk}/").content.decode()


def test_the_cashback_percent_of_a_request_with_no_user_is_the_lowest_tiers(points_room):
    from decimal import Decimal

    from django.http import HttpRequest

    from venues.extensions import cashback_percent

    venue = points_room.venue
    bare = cashback_percent(HttpRequest(), venue)  # no authentication middleware ran
    assert bare == cashback_percent(None, venue) == Decimal(1) + venue.cashback_boost_percent
