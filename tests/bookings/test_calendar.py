"""The venue calendar's read (bookings.selectors.venue_calendar) and its query: day or week,
one room or all, each booking on its business day. The page itself: test_partner.py."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bookings import selectors, services
from core.errors import NotFound
from tests.bookings.conftest import NOW, at
from tests.factories import RoomFactory, price_every_day

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def _book(user, room, day, start, end):
    return services.booking_create(
        user=user, room=room, start=at(day, start), end=at(day, end), payment="venue", now=NOW
    )


def test_a_week_starts_on_monday_and_steps_a_week(venue_a, room_a):
    shown = selectors.venue_calendar(venue=venue_a, day=date(2026, 12, 3), view="week", now=NOW)
    assert shown.day == date(2026, 11, 30)
    assert [d.day for d in shown.grid] == [date(2026, 11, 30) + timedelta(days=i) for i in range(7)]
    assert (shown.prev, shown.next) == (date(2026, 11, 23), date(2026, 12, 7))
    day = selectors.venue_calendar(venue=venue_a, view="day", now=NOW)
    assert day.day == date(2026, 12, 1)  # today in Moscow
    assert (day.prev, day.next) == (date(2026, 11, 30), date(2026, 12, 2))


def test_one_room_or_all_each_booking_in_its_rooms_column(client_user, venue_a, room_a):
    other = RoomFactory(venue=venue_a, name="Акустика")
    price_every_day(other)
    first = _book(client_user, room_a, "2026-12-02", "19:00", "21:00")
    second = _book(client_user, other, "2026-12-02", "12:00", "13:00")
    everyone = selectors.venue_calendar(venue=venue_a, day=date(2026, 12, 2), now=NOW)
    assert [r.name for r in everyone.rooms] == ["Акустика", "Большой зал"]
    [day] = everyone.grid
    assert [(c.room, c.bookings) for c in day.columns] == [(other, [second]), (room_a, [first])]
    one = selectors.venue_calendar(venue=venue_a, day=date(2026, 12, 2), room_id=room_a.pk, now=NOW)
    assert one.rooms == everyone.rooms  # the filter still lists every room
    assert [(c.room, c.bookings) for c in one.grid[0].columns] == [(room_a, [first])]


def test_a_room_of_another_venue_is_not_found(venue_a, room_a):
    stranger = RoomFactory()
    with pytest.raises(NotFound):
        selectors.venue_calendar(venue=venue_a, room_id=stranger.pk, now=NOW)


def test_requests_and_feed_tokens_come_with_the_calendar(client_user, venue_a, room_a, room_feed):
    venue_a.booking_mode = "request"
    venue_a.save()
    request = _book(client_user, room_a, "2026-12-05", "19:00", "20:00")
    shown = selectors.venue_calendar(venue=venue_a, now=NOW)
    assert shown.requests == [request]
    assert shown.feed_tokens == {room_a.pk: room_feed.token}


def test_the_page_reads_a_bad_query_as_today_and_every_room(client, owner_a, venue_a, room_a):
    client.force_login(owner_a)
    url = f"/dashboard/venues/{venue_a.pk}/calendar/"
    page = client.get(url, {"date": "2026-13-45", "view": "month", "room": "x"})
    assert page.status_code == 200
    assert page.context["day"] == date(2026, 12, 1) and page.context["view"] == "day"
    assert page.context["room_id"] == 0
    stranger = RoomFactory()
    assert client.get(url, {"room": stranger.pk}).status_code == 404
