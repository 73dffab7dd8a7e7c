"""The month view of the availability API: `?from=&to=` answers many days in one request, the
same slots as asking day by day, in a constant number of queries; bad ranges get a clear 400."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings

from bookings import services
from tests.bookings.conftest import NOW, at
from tests.factories import RoomFactory, price_every_day
from venues.models import Holiday, ScheduleException

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

TODAY = NOW.date()  # Tuesday 1 December 2026 in Moscow


def _url(room) -> str:
    return f"/api/v1/rooms/{room.pk}/availability/"


@pytest.fixture
def busy_room(client_user, owner_a, venue_a):
    """room_a's venue with a buffered room: bookings, a block, a closed day and a holiday."""
    room = RoomFactory(venue=venue_a, buffer_minutes=30)
    price_every_day(room)
    price_every_day(room, Decimal("1500"), starts=dt.time(18), ends=dt.time(2))
    for day in range(0, 10, 2):
        start = at(TODAY + dt.timedelta(days=day), "18:00")
        services.booking_create(
            user=client_user,
            room=room,
            start=start,
            end=start + dt.timedelta(hours=2),
            payment="venue",
            now=NOW,
        )
    services.block_create(
        actor=owner_a,
        room=room,
        start=at("2026-12-03", "12:00"),
        end=at("2026-12-03", "15:00"),
        note="Ремонт",
    )
    ScheduleException.objects.create(venue=venue_a, date=dt.date(2026, 12, 5), is_closed=True)
    Holiday.objects.create(date=dt.date(2026, 12, 7), name="Праздник")
    return room


def test_a_month_in_one_request_is_each_day_as_the_one_day_answer_gives_it(api_client, busy_room):
    last = TODAY + dt.timedelta(days=30)
    response = api_client.get(_url(busy_room), {"from": TODAY, "to": last})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["from"] == "2026-12-01" and body["to"] == "2026-12-31"
    assert body["timezone"] == "Europe/Moscow"
    assert [day["date"] for day in body["days"]] == [
        (TODAY + dt.timedelta(days=n)).isoformat() for n in range(31)
    ]
    for day in body["days"]:
        one = api_client.get(_url(busy_room), {"date": day["date"]}).json()
        assert day["slots"] == one["slots"], day["date"]
    by_date = {day["date"]: day["slots"] for day in body["days"]}
    assert by_date["2026-12-05"] == []  # closed
    taken = {s["start"][11:16]: s["status"] for s in by_date["2026-12-03"]}
    # the block 12–15 and the booking 18–20, each with the hour before it (a booking of it
    # would need its 30-minute buffer), and the booking's own buffer after it
    busy = [h for h, status in taken.items() if status == "busy"]
    assert busy == ["11:00", "12:00", "13:00", "14:00", "17:00", "18:00", "19:00", "20:00"]
    evening = {s["start"][11:16]: s for s in by_date["2026-12-02"]}
    assert evening["17:00"]["price"] == "900.00" and evening["19:00"]["price"] == "1500.00"


def test_the_query_count_does_not_grow_with_the_days(
    api_client, busy_room, django_assert_num_queries
):
    # the room with its venue, the schedule tables (one UNION), the bookings
    for last in (TODAY, TODAY + dt.timedelta(days=30)):
        with django_assert_num_queries(3):
            response = api_client.get(_url(busy_room), {"from": TODAY, "to": last})
        assert response.status_code == 200


def test_a_range_past_the_horizon_ends_at_the_last_bookable_day(api_client, room_a):
    horizon = TODAY + dt.timedelta(days=settings.BOOKINGS_HORIZON_DAYS)
    first = horizon - dt.timedelta(days=5)
    response = api_client.get(_url(room_a), {"from": first, "to": horizon + dt.timedelta(days=20)})
    assert response.status_code == 200
    body = response.json()
    assert body["to"] == horizon.isoformat()
    assert len(body["days"]) == 6
    assert {s["status"] for s in body["days"][-1]["slots"]} == {"free"}


def test_a_range_starting_past_the_horizon_is_refused_like_a_day(api_client, room_a):
    beyond = TODAY + dt.timedelta(days=settings.BOOKINGS_HORIZON_DAYS + 1)
    response = api_client.get(
        _url(room_a),
        {"from": beyond, "to": beyond + dt.timedelta(days=3)},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 422
    assert response.json()["error"]["fields"]["from"] == [
        f"Bookings open at most {settings.BOOKINGS_HORIZON_DAYS} days ahead."
    ]


def test_past_days_are_answered_closed(api_client, room_a):
    response = api_client.get(_url(room_a), {"from": "2026-11-29", "to": "2026-12-01"})
    assert response.status_code == 200
    days = response.json()["days"]
    assert {s["status"] for day in days[:2] for s in day["slots"]} == {"closed"}
    assert days[2]["slots"][0]["status"] == "free"  # today 10:00, now is 09:00


def test_more_than_31_days_is_refused_with_a_message_that_says_the_limit(api_client, room_a):
    response = api_client.get(
        _url(room_a), {"from": "2026-12-01", "to": "2027-01-01"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    # well-formed dates that a rule refuses: 422 (core.api), as the schema cannot say it
    assert response.status_code == 422
    assert response.json()["error"]["fields"]["to"] == ["Ask for at most 31 days at a time."]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"from": "2026-12-05", "to": "2026-12-04"}, "to"),
        ({"from": "2026-12-01"}, "to"),
        ({"to": "2026-12-01"}, "from"),
        ({}, "date"),
        ({"from": "2026-12-01", "to": "2026-12-04", "date": "2026-12-01"}, "date"),
    ],
)
def test_dates_that_do_not_go_together_are_refused_naming_the_input(
    api_client, room_a, query, field
):
    response = api_client.get(_url(room_a), query)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "rule" and error["fields"][field]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"from": "first of december", "to": "2026-12-04"}, "from"),
        ({"from": "2026-12-01", "to": "2026-13-45"}, "to"),
        ({"from": "", "to": "2026-12-04"}, "from"),
    ],
)
def test_a_malformed_date_is_a_400_naming_the_input(api_client, room_a, query, field):
    response = api_client.get(_url(room_a), query)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert list(error["fields"]) == [field]


def test_a_year_out_of_range_is_refused_and_an_unknown_room_is_404(api_client, room_a):
    response = api_client.get(_url(room_a), {"from": "9999-12-01", "to": "9999-12-02"})
    assert response.status_code == 422 and "from" in response.json()["error"]["fields"]
    response = api_client.get(
        "/api/v1/rooms/999999/availability/", {"from": "2026-12-01", "to": "2026-12-02"}
    )
    assert response.status_code == 404
