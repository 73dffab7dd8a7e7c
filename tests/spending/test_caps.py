"""The share payable by points and a booking's cap: every level of rules, per-slot caps across a
period boundary, rounding down, the seeds' numbers, and the settings' validation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from bookings.selectors import booking_quote
from core.errors import ApplicationError
from core.models import AuditLog
from tests.bookings.conftest import NOW, at
from tests.factories import RoomFactory, price_every_day
from venues import services
from venues.models import PointsRule
from venues.selectors import points_cap, points_share_at

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

WEDNESDAY, SATURDAY = "2026-12-02", "2026-12-05"


@dataclass
class S:
    start: dt.datetime
    price: Decimal


def slots(day: str, first: str, hours: int, price: str = "1000") -> list[S]:
    start = at(day, first)
    return [S(start + dt.timedelta(hours=h), Decimal(price)) for h in range(hours)]


def test_seed_numbers_25_percent_of_2000_is_500_points(points_room):
    assert points_cap(points_room, slots(WEDNESDAY, "19:00", 2), now=NOW) == 500


def test_a_venue_capping_at_10_percent(points_room):
    services.venue_loyalty_update(actor=None, venue=points_room.venue, max_points_percent=10)
    points_room.venue.refresh_from_db()
    assert points_cap(points_room, slots(WEDNESDAY, "19:00", 3, "900"), now=NOW) == 270


def test_every_level_most_specific_wins(points_room):
    venue, room = points_room.venue, points_room
    moment = at(SATURDAY, "19:00")
    assert points_share_at(room, moment) == 25  # the venue default
    PointsRule.objects.create(venue=venue, weekdays=[5], percent=30)
    assert points_share_at(room, moment) == 30  # a venue period rule beats the default
    room.max_points_percent = 15
    room.save()
    assert points_share_at(room, moment) == 15  # the room override beats venue period rules
    PointsRule.objects.create(venue=venue, room=room, weekdays=[5, 6], percent=40)
    assert points_share_at(room, moment) == 40  # a room period rule beats everything
    # A rule not in force at the moment is ignored; a newer matching rule at one level wins.
    PointsRule.objects.create(venue=venue, room=room, weekdays=[0], percent=90)
    assert points_share_at(room, moment) == 40
    PointsRule.objects.create(
        venue=venue,
        room=room,
        date_from=dt.date(2026, 12, 1),
        date_to=dt.date(2026, 12, 31),
        percent=5,
    )
    assert points_share_at(room, moment) == 5
    # Another room of the venue sees only the venue's levels.
    other = RoomFactory(venue=venue, name="Малый")
    assert points_share_at(other, moment) == 30


def test_per_slot_caps_across_a_period_boundary(points_room):
    PointsRule.objects.create(
        venue=points_room.venue,
        weekdays=[0, 1, 2, 3, 4],
        time_from=dt.time(10, 0),
        time_to=dt.time(16, 0),
        percent=50,
    )
    # 14:00–18:00: two slots at 50 %, two at the default 25 %.
    assert points_cap(points_room, slots(WEDNESDAY, "14:00", 4), now=NOW) == 500 + 500 + 250 + 250
    # The same hours on Saturday: default only.
    assert points_cap(points_room, slots(SATURDAY, "14:00", 4), now=NOW) == 1000


def test_a_band_past_midnight(points_room):
    PointsRule.objects.create(
        venue=points_room.venue, time_from=dt.time(23, 0), time_to=dt.time(2, 0), percent=0
    )
    assert points_share_at(points_room, at(WEDNESDAY, "23:00")) == 0
    assert points_share_at(points_room, at("2026-12-03", "01:00")) == 0
    assert points_share_at(points_room, at(WEDNESDAY, "22:00")) == 25


def test_the_after_midnight_part_of_a_band_belongs_to_the_day_it_began(points_room):
    # "Fridays 22:00–02:00: 50 %" covers Saturday 01:00, not Friday 01:00 (Thursday's night).
    PointsRule.objects.create(
        venue=points_room.venue,
        weekdays=[4],
        time_from=dt.time(22, 0),
        time_to=dt.time(2, 0),
        percent=50,
        date_to=dt.date(2026, 12, 4),
    )
    friday, saturday = "2026-12-04", SATURDAY
    assert points_share_at(points_room, at(friday, "23:00")) == 50
    assert (
        points_share_at(points_room, at(saturday, "01:00")) == 50
    )  # the band's date ended on Friday
    assert points_share_at(points_room, at(friday, "01:00")) == 25
    assert points_share_at(points_room, at(saturday, "02:00")) == 25
    # 23:00–02:00 across midnight: every slot at 50 %.
    assert points_cap(points_room, slots(friday, "23:00", 3), now=NOW) == 1500


def test_cap_is_rounded_down(points_room):
    services.venue_loyalty_update(actor=None, venue=points_room.venue, max_points_percent=33)
    points_room.venue.refresh_from_db()
    # 999.99 × 33 % = 329.9967 → 329
    assert points_cap(points_room, slots(WEDNESDAY, "19:00", 1, "999.99"), now=NOW) == 329


def test_no_cap_when_not_accepting_stale_or_below_minimum(points_room):
    venue = points_room.venue
    two_hours = slots(WEDNESDAY, "19:00", 2)
    venue.schedule_confirmed_at = NOW - dt.timedelta(days=31)
    assert not venue.accepts_points_now(NOW)
    assert points_cap(points_room, two_hours, now=NOW) == 0
    venue.schedule_confirmed_at = NOW - dt.timedelta(days=29)
    venue.points_min_booking_amount = Decimal("2000.01")
    assert points_cap(points_room, two_hours, now=NOW) == 0
    venue.points_min_booking_amount = Decimal("2000.00")
    assert points_cap(points_room, two_hours, now=NOW) == 500
    venue.accepts_points = False
    assert points_cap(points_room, two_hours, now=NOW) == 0


def test_quote_uses_the_same_cap(points_room):
    quote = booking_quote(
        room=points_room, start=at(WEDNESDAY, "19:00"), end=at(WEDNESDAY, "21:00")
    )
    assert quote.price == Decimal("2000.00") and quote.points_cap == 500
    assert quote.points_usable == 0 and quote.money_due == Decimal("2000.00")


# --- validation --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"max_points_percent": 101}, "max_points_percent"),
        ({"max_points_percent": -1}, "max_points_percent"),
        ({"max_points_percent": None}, "max_points_percent"),
        ({"cashback_boost_percent": 11}, "cashback_boost_percent"),
        ({"cashback_boost_percent": 2.5}, "cashback_boost_percent"),
        ({"points_min_booking_amount": Decimal("-1")}, "points_min_booking_amount"),
    ],
)
def test_bad_venue_settings_are_refused_and_change_nothing(owner_a, venue_a, values, field):
    with pytest.raises(ApplicationError) as error:
        services.venue_loyalty_update(actor=owner_a, venue=venue_a, **values)
    assert field in error.value.fields
    venue_a.refresh_from_db()
    assert (venue_a.max_points_percent, venue_a.cashback_boost_percent) == (10, 0)
    assert not AuditLog.objects.filter(action="venue.loyalty_update").exists()


def test_venue_settings_update_is_audited(owner_a, venue_a):
    services.venue_loyalty_update(
        actor=owner_a, venue=venue_a, accepts_points=True, max_points_percent=25
    )
    log = AuditLog.objects.get(action="venue.loyalty_update")
    assert log.before["max_points_percent"] == 10 and log.after["max_points_percent"] == 25


def test_room_override_validated_and_audited(owner_a, room_a):
    with pytest.raises(ApplicationError):
        services.room_loyalty_update(actor=owner_a, room=room_a, max_points_percent=150)
    services.room_loyalty_update(actor=owner_a, room=room_a, max_points_percent=40)
    services.room_loyalty_update(actor=owner_a, room=room_a, max_points_percent=None)
    room_a.refresh_from_db()
    assert room_a.max_points_percent is None
    assert AuditLog.objects.filter(action="room.loyalty_update").count() == 2


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"percent": 101, "weekdays": [1]}, "percent"),
        ({"percent": 10}, None),  # no period at all
        ({"percent": 10, "weekdays": [7]}, "weekdays"),
        ({"percent": 10, "weekdays": ["x"]}, "weekdays"),
        ({"percent": 10, "weekdays": "1,2"}, "weekdays"),
        (
            {"percent": 10, "date_from": dt.date(2026, 12, 5), "date_to": dt.date(2026, 12, 1)},
            "date_to",
        ),
        ({"percent": 10, "time_from": dt.time(10), "time_to": dt.time(10)}, "time_to"),
        ({"percent": 10, "time_from": dt.time(10)}, "time_to"),
    ],
)
def test_bad_rules_are_refused(owner_a, venue_a, values, field):
    with pytest.raises(ApplicationError) as error:
        services.points_rule_create(actor=owner_a, venue=venue_a, **values)
    if field:
        assert field in error.value.fields
    assert not PointsRule.objects.exists()


def test_a_rule_for_another_venues_room_is_refused(owner_a, venue_a, owner_b):
    foreign = RoomFactory(name="Чужой")
    with pytest.raises(ApplicationError):
        services.points_rule_create(
            actor=owner_a, venue=venue_a, room=foreign, weekdays=[1], percent=10
        )


def test_rule_create_and_delete_are_audited(owner_a, venue_a):
    rule = services.points_rule_create(actor=owner_a, venue=venue_a, weekdays=[4, 0, 4], percent=50)
    assert rule.weekdays == [0, 4]
    services.points_rule_delete(actor=owner_a, rule=rule)
    assert not PointsRule.objects.exists()
    actions = set(AuditLog.objects.values_list("action", flat=True))
    assert {"venue.points_rule_create", "venue.points_rule_delete"} <= actions


@pytest.mark.parametrize(
    "values",
    [
        {"percent": 101, "weekdays": [1]},
        {"percent": 10, "weekdays": [9]},
        {"percent": 10},
        {"percent": 10, "time_from": dt.time(10), "time_to": dt.time(10)},
        {"percent": 10, "date_from": dt.date(2026, 12, 5), "date_to": dt.date(2026, 12, 1)},
    ],
)
def test_the_database_refuses_bad_rules_too(venue_a, values):
    with pytest.raises(IntegrityError), transaction.atomic():
        PointsRule.objects.create(venue=venue_a, **values)


def test_the_database_refuses_bad_settings(venue_a, room_a):
    venue_a.max_points_percent = 101
    with pytest.raises(IntegrityError), transaction.atomic():
        venue_a.save()
    room_a.max_points_percent = 101
    with pytest.raises(IntegrityError), transaction.atomic():
        room_a.save()


def test_seed_room_default_price_is_used_for_a_new_room(points_room):
    room = RoomFactory(venue=points_room.venue, name="Третий")
    price_every_day(room, Decimal("2000.00"))
    assert points_cap(room, slots(WEDNESDAY, "19:00", 1, "2000"), now=NOW) == 500
