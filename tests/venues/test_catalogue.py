"""The public catalogue: search filters, sorting, pagination, query counts, venue and room pages."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from tests.factories import (
    CityFactory,
    PriceFactory,
    RoomFactory,
    VenueFactory,
    open_every_day,
    price_every_day,
)
from venues import services
from venues.models import OpeningHours, Photo, Price, Room, Venue
from venues.selectors import price_table
from venues.timezones import zone_label


def zone_label_ru(name: str) -> str:
    with translation.override("ru"):
        return zone_label(name)


pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(org_a):
    """Three rooms in Moscow and one in Saint Petersburg, priced 500–1500 ₽/h."""
    spb = CityFactory(name="Санкт-Петербург", slug="spb", timezone="Europe/Moscow")
    moscow_venue = VenueFactory(organisation=org_a, name="Альфа", metro="Бауманская")
    spb_venue = VenueFactory(organisation=org_a, name="Бета", city=spb, metro="Лиговский проспект")
    rooms = {}
    for venue, name, kind, capacity, price, gear in [
        (moscow_venue, "Барабанная", "rehearsal", 2, "500", ["Tama Starclassic"]),
        (moscow_venue, "Большой зал", "rehearsal", 10, "1500", ["Marshall JCM800"]),
        (moscow_venue, "Фотозал", "photo", 8, "1000", ["Profoto D2"]),
        (spb_venue, "Зал 1", "rehearsal", 6, "700", ["Marshall JCM900", "Pearl"]),
    ]:
        open_every_day(venue) if not venue.opening_hours.exists() else None
        room = RoomFactory(venue=venue, name=name, kind=kind, capacity=capacity, equipment=gear)
        price_every_day(room, price_per_hour=Decimal(price))
        room.price_from = Decimal(price)
        room.save(update_fields=["price_from"])
        rooms[name] = room
    return rooms


def _names(response) -> list[str]:
    return [room.name for room in response.context["page"].object_list]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["Барабанная", "Зал 1", "Фотозал", "Большой зал"]),
        ({"city": "spb"}, ["Зал 1"]),
        ({"kind": "photo"}, ["Фотозал"]),
        ({"capacity": 6}, ["Зал 1", "Фотозал", "Большой зал"]),
        ({"equipment": "marshall"}, ["Зал 1", "Большой зал"]),
        ({"max_price": "1000"}, ["Барабанная", "Зал 1", "Фотозал"]),
        ({"ordering": "-price"}, ["Большой зал", "Фотозал", "Зал 1", "Барабанная"]),
        # By the room's name, which heads each card (not the venue's).
        ({"ordering": "name"}, ["Барабанная", "Большой зал", "Зал 1", "Фотозал"]),
        ({"capacity": "many", "city": "spb"}, ["Зал 1"]),  # a bad field is ignored, not a 500
    ],
)
def test_search_filters_and_sorts(client, catalogue, query, expected):
    response = client.get(reverse("home"), query)
    assert response.status_code == 200
    assert _names(response) == expected


def test_inactive_unpriced_and_unpublished_rooms_are_not_listed(client, catalogue):
    catalogue["Фотозал"].is_active = False
    catalogue["Фотозал"].save()
    RoomFactory(venue=catalogue["Барабанная"].venue, name="Без цены")
    beta = catalogue["Зал 1"].venue
    beta.is_published = False
    beta.save()
    assert _names(client.get(reverse("home"))) == ["Барабанная", "Большой зал"]
    assert client.get(reverse("venues:venue", args=[beta.pk])).status_code == 404
    assert client.get(reverse("venues:room", args=[catalogue["Фотозал"].pk])).status_code == 404


def test_results_show_venue_metro_and_price_from(client, catalogue):
    page = client.get(reverse("home"), {"city": "spb"}).content.decode()
    assert "Бета" in page
    assert "Лиговский проспект" in page
    assert "700\u00a0₽" in page


def _many_rooms(org, count):
    venue = VenueFactory(organisation=org, name="Массовая")
    open_every_day(venue)
    rooms = Room.objects.bulk_create(
        Room(venue=venue, name=f"Зал {n:03}", kind="rehearsal", capacity=5, price_from=n + 100)
        for n in range(count)
    )
    return venue, rooms


def test_pagination_keeps_the_filters(client, org_a):
    _many_rooms(org_a, 45)
    response = client.get(reverse("home"), {"kind": "rehearsal", "page": 3})
    assert len(response.context["page"].object_list) == 5
    assert response.context["page"].paginator.count == 45
    assert "kind=rehearsal&amp;page=2" in response.content.decode()
    assert client.get(reverse("home"), {"page": "999"}).status_code == 200


def test_the_search_page_runs_the_same_number_of_queries_for_1_or_20_results(
    client, org_a, django_assert_num_queries, django_assert_max_num_queries, upload
):
    venue, rooms = _many_rooms(org_a, 1)
    Photo.objects.create(venue=venue, room=rooms[0], image=upload())
    # cities, count, page, room photos, venue photos, the visitor's tier (the cashback badge)
    with django_assert_max_num_queries(6) as one:
        client.get(reverse("home"))
    _venue, more = _many_rooms(org_a, 40)
    for room in more[:20]:
        Photo.objects.create(venue=room.venue, room=room, image=upload())
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(reverse("home"))
    assert len(response.context["page"].object_list) == 20


def test_the_room_page_shows_equipment_prices_and_hours_in_the_venue_time_zone(client, org_a):
    city = CityFactory(name="Екатеринбург", slug="ekb", timezone="Asia/Yekaterinburg")
    venue = VenueFactory(organisation=org_a, city=city, name="Урал")
    open_every_day(venue, opens=datetime.time(10), closes=datetime.time(2))
    room = RoomFactory(venue=venue, equipment=["Marshall JCM800"])
    price_every_day(room, price_per_hour=Decimal("900"), ends=datetime.time(17))
    price_every_day(room, price_per_hour=Decimal("1200"), starts=datetime.time(17))
    room.price_from = Decimal("900")
    room.save()
    page = client.get(reverse("venues:room", args=[room.pk])).content.decode()
    for text in [
        "Marshall JCM800",
        "10:00–17:00",
        "17:00–02:00",
        "1\u00a0200\u00a0₽",
        zone_label_ru("Asia/Yekaterinburg"),
        "с 10:00 до 02:00 следующего дня",
    ]:
        assert text in page, text
    venue_page = client.get(reverse("venues:venue", args=[venue.pk])).content.decode()
    assert room.name in venue_page


# --- the public API ------------------------------------------------------------------------------


def test_api_rooms_use_the_same_filters(api_client, catalogue):
    response = api_client.get("/api/v1/rooms/", {"equipment": "marshall", "ordering": "-price"})
    assert response.status_code == 200
    assert [r["name"] for r in response.data["results"]] == ["Большой зал", "Зал 1"]
    assert response.data["results"][0]["price_from"] == "1500.00"
    assert response.data["results"][0]["venue"]["city"]["slug"] == "moscow"


def test_api_venues_list_venues_with_a_matching_room(api_client, catalogue):
    response = api_client.get("/api/v1/venues/", {"kind": "photo"})
    assert [v["name"] for v in response.data["results"]] == ["Альфа"]
    response = api_client.get("/api/v1/venues/", {"ordering": "-price"})
    assert [v["name"] for v in response.data["results"]] == ["Бета", "Альфа"]
    assert response.data["results"][1]["price_from"] == "500.00"  # its cheapest room


def test_api_details_of_a_venue_and_a_room(api_client, catalogue):
    room = catalogue["Зал 1"]
    data = api_client.get(f"/api/v1/rooms/{room.pk}/").data
    assert data["equipment"] == ["Marshall JCM900", "Pearl"]
    assert len(data["prices"]) == 5
    assert data["opening_hours"][0] == {"weekday": 0, "opens": "10:00", "closes": "02:00"}
    data = api_client.get(f"/api/v1/venues/{room.venue_id}/").data
    assert [r["name"] for r in data["rooms"]] == ["Зал 1"]
    assert api_client.get("/api/v1/venues/999999/").status_code == 404


@pytest.mark.parametrize(
    "query", [{"capacity": "many"}, {"max_price": "-1"}, {"kind": "sauna"}, {"ordering": "x"}]
)
def test_api_bad_filters_are_a_clear_400(api_client, query):
    response = api_client.get("/api/v1/rooms/", query)
    assert response.status_code == 400
    assert response.json()["error"]["fields"]


def test_the_api_list_runs_a_fixed_number_of_queries(
    api_client, org_a, django_assert_max_num_queries
):
    _many_rooms(org_a, 30)
    # count, page, room photos, venue photos, the caller's tier (cashback_percent, read once)
    with django_assert_max_num_queries(5):
        response = api_client.get("/api/v1/rooms/", {"page_size": 30})
    assert len(response.data["results"]) == 30


@pytest.mark.parametrize(
    ("query", "field", "status"),
    [
        ({"city": "bogus"}, "city", 422),  # well-formed, but no such city: a rule's 422
        ({"page": "abc"}, "page", 400),
        ({"page": "0"}, "page", 400),
        ({"page_size": "x"}, "page_size", 400),
    ],
)
def test_bad_catalogue_parameters_are_a_4xx_naming_the_parameter(room_a, query, field, status):
    for url in ("/api/v1/rooms/", "/api/v1/venues/"):
        response = APIClient(HTTP_ACCEPT_LANGUAGE="en").get(url, query)
        assert response.status_code == status, (url, query)
        assert field in response.json()["error"]["fields"]


@pytest.mark.parametrize("page_number", ["0", "-1", "abc"])
def test_a_page_below_one_on_home_is_the_first_page(client, room_a, page_number):
    for number in range(21):  # two pages
        RoomFactory(venue=room_a.venue, name=f"Зал {number}", price_from=Decimal(500 + number))
    response = client.get(reverse("home"), {"page": page_number})
    assert response.context["page"].number == 1


def test_the_room_page_reads_well_in_russian(client, room_a):
    venue = room_a.venue
    OpeningHours.objects.filter(venue=venue, weekday=0).update(closes=datetime.time(0))
    room_a.area_m2 = 10
    room_a.save()
    PriceFactory(
        room=room_a,
        day_type="weekday",
        starts=datetime.time(3),
        ends=datetime.time(4),
        valid_from=datetime.date(2020, 1, 1),
        valid_until=datetime.date(2020, 1, 2),
    )
    services.room_price_from_refresh(room_id=room_a.pk)
    page = client.get(reverse("venues:room", args=[room_a.pk])).content.decode()
    assert "10 м²" in page and "m²" not in page
    assert "с 10:00 до полуночи" in page
    assert "с 10:00 до 02:00 следующего дня" in page
    assert "следующей ночи" not in page
    assert "Europe/Moscow" not in page and zone_label_ru("Europe/Moscow") in page
    assert "<th>Праздник</th>" in page


def test_price_table_rows_go_by_start_time():
    def band(starts, ends, valid_from=None):
        return Price(
            day_type="weekday",
            starts=datetime.time(starts),
            ends=datetime.time(ends),
            valid_from=valid_from,
        )

    rows = price_table([band(17, 2), band(10, 17, datetime.date(2026, 1, 1)), band(10, 2)])
    assert [(r.starts.hour, r.ends.hour) for r in rows] == [(10, 17), (10, 2), (17, 2)]


def test_a_free_cancellation_policy_does_not_mention_a_zero_fee(client, room_a):
    Venue.objects.filter(pk=room_a.venue.pk).update(
        cancellation_fee_percent=0, cancellation_free_hours=12
    )
    services.room_price_from_refresh(room_id=room_a.pk)
    page = client.get(reverse("venues:venue", args=[room_a.venue.pk])).content.decode()
    assert "Бесплатная отмена в любое время до начала." in page
    assert "0%" not in page
