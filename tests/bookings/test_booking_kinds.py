"""Every page, partial, feed, e-mail and API output that shows a booking handles each kind of
booking: a client's (with a user), a phone booking (no user) and a block (no user, no price).

The pages are read from the URL resolver and the e-mails from core.emails' registry, so a booking
page or e-mail added later is rendered here with each kind without touching this file.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import get_resolver
from django.utils import translation
from icalendar import Calendar

from bookings import selectors, services
from bookings.emails import booking_ics
from core.emails import EMAILS, messages
from tests.bookings.conftest import NOW, at
from tests.test_partner_tenancy import _fill, _routes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

WEEK = [date(2026, 11, 30) + timedelta(days=i) for i in range(7)]


@pytest.fixture
def kinds(client_user, owner_a, room_a):
    """One booking of each kind in the week of NOW; the block runs overnight Friday → Saturday."""
    client_user.name = "Анна Клиентова"
    client_user.save()
    return {
        "client": services.booking_create(
            user=client_user,
            room=room_a,
            start=at("2026-12-02", "19:00"),
            end=at("2026-12-02", "21:00"),
            payment="venue",
            now=NOW,
        ),
        "manual": services.manual_booking_create(
            actor=owner_a,
            room=room_a,
            start=at("2026-12-03", "12:00"),
            end=at("2026-12-03", "14:00"),
            client_name="Иван Телефонов",
            client_phone="+79001234567",
            now=NOW,
        ),
        "block": services.block_create(
            actor=owner_a,
            room=room_a,
            start=at("2026-12-04", "23:00"),
            end=at("2026-12-05", "12:00"),
            note="ремонт пола",
        ),
    }


def test_each_kind_says_who_it_is_for(kinds):
    with translation.override("en"):
        assert kinds["client"].client_label == "Анна Клиентова"
        assert kinds["manual"].client_label == "Phone booking: Иван Телефонов +79001234567"
        assert kinds["block"].client_label == "Block: ремонт пола"


def _booking_routes() -> list[str]:
    """Every page and API endpoint that shows bookings: the ones named after them."""
    routes = [
        route
        for route in _routes(get_resolver().url_patterns)
        if ("booking" in route or "calendar" in route) and "(?P" not in route
    ]
    assert len(routes) > 15, "the booking URLs were not found"
    return routes


QUERIES = [""] + [f"?view={view}&date={day}" for view in ("day", "week") for day in WEEK]


def test_every_booking_page_renders_each_kind(
    client, kinds, owner_a, client_user, staff_user, room_feed
):
    """The owner's calendar (day and week), the partner API list, the room's feed, the client's
    pages and the admin answer without an error whatever kind of booking they show."""
    venue = kinds["client"].room.venue
    seen = {}
    for persona in (owner_a, client_user, staff_user):
        client.force_login(persona)
        for kind, booking in kinds.items():
            objects = {
                "venue_id": venue.pk,
                "room_id": booking.room_id,
                "booking_id": booking.pk,
                "object_id": booking.pk,
                "token": room_feed.token,
                "action": "confirm",
            }
            for route in _booking_routes():
                queries = QUERIES if "calendar/" in route else [f"?venue={venue.pk}"]
                for query in queries:
                    url = _fill(route, objects) + query
                    response = client.get(url)
                    assert response.status_code < 500, f"{kind}: GET {url} as {persona}"
                    if response.status_code == 200:
                        seen.setdefault(route, []).append(response.content)
    calendar = b"".join(seen["dashboard/venues/<int:venue_id>/calendar/"]).decode()
    feed = " ".join(
        str(event["summary"])
        for event in Calendar.from_ical(seen["calendar/rooms/<str:token>.ics"][0]).walk("VEVENT")
    )
    for booking in kinds.values():
        assert booking.client_label in calendar
    assert "ремонт пола" in feed and "Иван Телефонов" in feed


def test_the_partner_api_says_who_each_booking_is_for(client, kinds, owner_a):
    client.force_login(owner_a)
    venue = kinds["client"].room.venue
    response = client.get(
        "/api/v1/partner/bookings/", {"venue": venue.pk, "from": "2026-11-30", "to": "2026-12-06"}
    )
    assert response.status_code == 200
    shown = {row["kind"]: row for row in response.json()}
    assert shown["manual"]["client_name"] == "Иван Телефонов"
    assert shown["manual"]["client_phone"] == "+79001234567"
    assert shown["client"]["client_name"] == "Анна Клиентова"
    assert shown["block"]["note"] == "ремонт пола"
    assert {kind: row["client"] for kind, row in shown.items()} == {
        kind: booking.client_label for kind, booking in kinds.items()
    }


def test_every_booking_email_builds_for_each_kind(kinds, client_user):
    """A booking without a user gets no e-mail (there is nobody to write to) and no error."""
    booking_kinds = [kind for kind in EMAILS if kind.name.startswith("bookings.")]
    assert len(booking_kinds) >= 5
    for email_kind in booking_kinds:
        for kind, booking in kinds.items():
            built = messages(email_kind, [{"booking_id": booking.pk}])
            expected = [client_user.email] if booking.user else None
            assert [message.to for _item, message in built] == ([expected] if expected else []), (
                f"{email_kind.name} of a {kind} booking"
            )


def test_an_overnight_block_is_shown_on_each_day_it_takes(kinds, venue_a):
    week = selectors.venue_calendar(venue=venue_a, day=WEEK[0], view="week", now=NOW)
    days = {
        item.day: [b.kind for column in item.columns for b in column.bookings] for item in week.grid
    }
    assert days[date(2026, 12, 4)] == ["block"]
    assert days[date(2026, 12, 5)] == ["block"]  # until 12:00, after Saturday's 10:00 opening
    assert days[date(2026, 12, 2)] == ["client"]
    assert days[date(2026, 12, 3)] == ["manual"]
    assert days[date(2026, 12, 6)] == []


def test_a_late_session_is_not_shown_on_the_next_day(client_user, venue_a, room_a):
    services.booking_create(
        user=client_user,
        room=room_a,
        start=at("2026-12-02", "23:00"),
        end=at("2026-12-03", "02:00"),
        payment="venue",
        now=NOW,
    )
    week = selectors.venue_calendar(venue=venue_a, day=WEEK[0], view="week", now=NOW)
    shown = {item.day: sum(len(c.bookings) for c in item.columns) for item in week.grid}
    assert shown[date(2026, 12, 2)] == 1 and shown[date(2026, 12, 3)] == 0


def test_the_booking_ics_names_a_phone_client_and_a_block(kinds):
    summaries = {
        kind: str(next(iter(Calendar.from_ical(booking_ics(b)).walk("VEVENT")))["summary"])
        for kind, b in kinds.items()
    }
    assert "Иван Телефонов" in summaries["manual"]
    assert "ремонт пола" in summaries["block"]
