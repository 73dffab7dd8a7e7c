"""Availability: the slots of a business day, their prices and statuses (free / busy / closed)."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from bookings import selectors, services
from tests.bookings.conftest import NOW, at
from tests.factories import (
    OpeningHoursFactory,
    PriceFactory,
    RoomFactory,
    VenueFactory,
    open_every_day,
    price_every_day,
)
from venues.models import Holiday, ScheduleException

pytestmark = pytest.mark.django_db


def _slots(room, day, now=NOW):
    return selectors.room_availability(room, dt.date.fromisoformat(day), now=now)["slots"]


def test_a_day_runs_from_opening_past_midnight_with_hourly_prices(room_a):
    slots = _slots(room_a, "2026-12-02")
    assert len(slots) == 16  # 10:00–02:00
    assert slots[0]["start"] == at("2026-12-02", "10:00")
    assert slots[-1]["start"] == at("2026-12-03", "01:00")
    assert slots[-1]["end"] == at("2026-12-03", "02:00")
    assert {s["status"] for s in slots} == {"free"}
    assert {s["price"] for s in slots} == {Decimal("900.00")}


def test_after_midnight_slots_belong_to_the_previous_business_day(room_a):
    # Wednesday's list starts at 10:00 Wednesday; its 00:00–02:00 part is in Tuesday's list.
    tuesday = _slots(room_a, "2026-12-01")
    wednesday = _slots(room_a, "2026-12-02")
    assert at("2026-12-02", "01:00") in [s["start"] for s in tuesday]
    assert at("2026-12-02", "01:00") not in [s["start"] for s in wednesday]


def test_night_band_prices_the_slots_after_midnight_by_the_opening_day(venue_a):
    room = RoomFactory(venue=venue_a)
    # Monday–Thursday: 600 ₽ by day, 1 000 ₽ from 22:00 to 02:00; Friday is dearer all night.
    PriceFactory(
        room=room, day_type="weekday", starts=dt.time(10), ends=dt.time(22), price_per_hour=600
    )
    PriceFactory(
        room=room, day_type="weekday", starts=dt.time(22), ends=dt.time(2), price_per_hour=1000
    )
    PriceFactory(
        room=room, day_type="friday", starts=dt.time(10), ends=dt.time(2), price_per_hour=1500
    )
    thursday = {s["start"]: s["price"] for s in _slots(room, "2026-12-03")}
    assert thursday[at("2026-12-03", "21:00")] == Decimal("600.00")
    assert thursday[at("2026-12-03", "22:00")] == Decimal("1000.00")
    # 01:00 on Friday still belongs to Thursday's opening: the weekday night price.
    assert thursday[at("2026-12-04", "01:00")] == Decimal("1000.00")
    friday = {s["start"]: s["price"] for s in _slots(room, "2026-12-04")}
    assert friday[at("2026-12-04", "10:00")] == Decimal("1500.00")
    # No Saturday price at all: the whole Saturday is closed.
    assert {s["status"] for s in _slots(room, "2026-12-05")} == {"closed"}


def test_a_holiday_uses_the_holiday_prices(venue_a):
    room = RoomFactory(venue=venue_a)
    price_every_day(room, Decimal("900"))
    room.prices.filter(day_type="holiday").update(price_per_hour=Decimal("1350"))
    Holiday.objects.create(date=dt.date(2026, 12, 31), name="Новый год")
    assert {s["price"] for s in _slots(room, "2026-12-31")} == {Decimal("1350.00")}
    assert {s["price"] for s in _slots(room, "2026-12-30")} == {Decimal("900.00")}


def test_a_price_with_validity_dates_applies_only_on_those_dates(room_a):
    PriceFactory(
        room=room_a,
        day_type="weekday",
        starts=dt.time(10),
        ends=dt.time(2),
        price_per_hour=Decimal("1200"),
        valid_from=dt.date(2026, 12, 7),
        valid_until=dt.date(2026, 12, 10),
    )
    assert _slots(room_a, "2026-12-03")[0]["price"] == Decimal("900.00")
    assert _slots(room_a, "2026-12-08")[0]["price"] == Decimal("1200.00")
    assert _slots(room_a, "2026-12-14")[0]["price"] == Decimal("900.00")


def test_half_hour_slots_cost_half_the_hourly_price(venue_a):
    room = RoomFactory(venue=venue_a, slot_minutes=30, min_booking_minutes=60)
    price_every_day(room, Decimal("1000"))
    slots = _slots(room, "2026-12-02")
    assert len(slots) == 32
    assert slots[1]["start"] == at("2026-12-02", "10:30")
    assert slots[0]["price"] == Decimal("500.00")


def test_an_exception_closes_a_day_or_replaces_its_hours(room_a):
    ScheduleException.objects.create(venue=room_a.venue, date=dt.date(2026, 12, 9))
    ScheduleException.objects.create(
        venue=room_a.venue,
        date=dt.date(2026, 12, 10),
        is_closed=False,
        opens=dt.time(12),
        closes=dt.time(15),
    )
    assert _slots(room_a, "2026-12-09") == []
    special = _slots(room_a, "2026-12-10")
    assert [s["start"] for s in special] == [at("2026-12-10", f"{h}:00") for h in (12, 13, 14)]


def test_a_day_without_opening_hours_has_no_slots(db):
    venue = VenueFactory()
    OpeningHoursFactory(venue=venue, weekday=0, opens=dt.time(10), closes=dt.time(20))
    room = RoomFactory(venue=venue)
    price_every_day(room)
    assert _slots(room, "2026-12-08") == []  # a Tuesday
    assert len(_slots(room, "2026-12-07")) == 10  # a Monday


def test_taken_time_and_its_buffer_are_busy(client_user, venue_a):
    room = RoomFactory(venue=venue_a, buffer_minutes=30)
    price_every_day(room)
    services.booking_create(
        user=client_user,
        room=room,
        start=at("2026-12-02", "18:00"),
        end=at("2026-12-02", "20:00"),
        payment="venue",
        now=NOW,
    )
    status = {s["start"].hour: s["status"] for s in _slots(room, "2026-12-02")}
    assert status[18] == status[19] == "busy"
    # 20:00 is inside the 30-minute buffer after the booking; 17:00 would run into the booking's
    # start only with its own buffer (17:00–18:30 overlaps 18:00).
    assert status[20] == "busy"
    assert status[17] == "busy"
    assert status[16] == "free"
    assert status[21] == "free"


def test_past_slots_and_days_beyond_the_horizon_are_closed(room_a):
    today = {s["start"].hour: s["status"] for s in _slots(room_a, "2026-12-01")}
    assert today[10] == "free"  # now is 09:00
    later_now = at("2026-12-01", "15:30")
    today = {s["start"].hour: s["status"] for s in _slots(room_a, "2026-12-01", now=later_now)}
    assert today[15] == "closed" and today[16] == "free"
    assert {s["status"] for s in _slots(room_a, "2027-03-01")} == {"free"}  # day 90
    assert {s["status"] for s in _slots(room_a, "2027-03-02")} == {"closed"}  # day 91


BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def night_room_berlin(db):
    venue = VenueFactory(city__name="Берлин", city__slug="berlin", city__timezone="Europe/Berlin")
    open_every_day(venue, opens=dt.time(20), closes=dt.time(4))
    room = RoomFactory(venue=venue)
    price_every_day(room, Decimal("100"), starts=dt.time(20), ends=dt.time(4))
    return room


def test_spring_forward_night_has_one_slot_less_and_no_gap(night_room_berlin):
    now = dt.datetime(2026, 3, 20, 12, tzinfo=BERLIN)
    slots = _slots(night_room_berlin, "2026-03-28", now=now)
    # 20:00 CET → 04:00 CEST is 7 real hours: 02:00–03:00 does not exist that night.
    assert len(slots) == 7
    local = [s["start"].astimezone(BERLIN).strftime("%H:%M%z") for s in slots]
    assert local == [
        "20:00+0100",
        "21:00+0100",
        "22:00+0100",
        "23:00+0100",
        "00:00+0100",
        "01:00+0100",
        "03:00+0200",
    ]
    for first, second in itertools.pairwise(slots):
        assert first["end"] == second["start"]
        real = second["start"].astimezone(dt.UTC) - first["start"].astimezone(dt.UTC)
        assert real == dt.timedelta(hours=1)


def test_fall_back_night_has_one_slot_more(night_room_berlin):
    now = dt.datetime(2026, 10, 20, 12, tzinfo=BERLIN)
    slots = _slots(night_room_berlin, "2026-10-24", now=now)
    assert len(slots) == 9  # 02:00 happens twice
    local = [s["start"].astimezone(BERLIN).strftime("%H:%M%z") for s in slots]
    assert local[-3:] == ["02:00+0200", "02:00+0100", "03:00+0100"]
    assert {s["price"] for s in slots} == {Decimal("100.00")}


def test_a_booking_across_the_dst_change_is_priced_by_its_real_hours(
    client_user, night_room_berlin
):
    now = dt.datetime(2026, 3, 20, 12, tzinfo=BERLIN)
    quote = selectors.booking_quote(
        room=night_room_berlin,
        start=dt.datetime(2026, 3, 29, 0, tzinfo=BERLIN),
        end=dt.datetime(2026, 3, 29, 4, tzinfo=BERLIN),
        now=now,
    )
    assert len(quote.slots) == 3  # 00–01, 01–03 (one real hour), 03–04
    assert quote.price == Decimal("300.00")
