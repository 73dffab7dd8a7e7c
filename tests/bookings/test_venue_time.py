"""Venue-local time everywhere: a 23:00–02:00 session at a venue in Novosibirsk reads 23:00–02:00
in every booking e-mail (the registry's) and on every booking page (the resolver's), the zone is
said in words («Novosibirsk time (MSK+4)»), never as an IANA name, and "today / tomorrow" in a
reminder is the venue's today."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy

from bookings import services
from core.emails import EMAILS, messages
from tests.bookings.conftest import NOW, at
from tests.bookings.test_booking_kinds import _booking_routes
from tests.factories import CityFactory, RoomFactory, VenueFactory, open_every_day, price_every_day
from tests.test_partner_tenancy import _fill
from venues.timezones import RUSSIAN_ZONES, msk_offset, zone_label

pytestmark = pytest.mark.django_db

NOVOSIBIRSK = ZoneInfo("Asia/Novosibirsk")


def _in_site_language(text) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return str(text)


@pytest.fixture
def night(org_a, client_user):
    """A confirmed 23:00–02:00 session on 2 December at a venue in Novosibirsk (MSK+4)."""
    city = CityFactory(name="Новосибирск", slug="nsk", timezone="Asia/Novosibirsk")
    venue = VenueFactory(organisation=org_a, city=city, name="Сибирь")
    open_every_day(venue)
    room = RoomFactory(venue=venue, name="Ночной зал")
    price_every_day(room)
    with time_machine.travel(NOW, tick=False):
        return services.booking_create(
            user=client_user,
            room=room,
            start=at("2026-12-02", "23:00", NOVOSIBIRSK),
            end=at("2026-12-03", "02:00", NOVOSIBIRSK),
            payment="venue",
            now=NOW,
        )


def test_the_zones_of_russia_in_words():
    with translation.override("en"):
        assert zone_label("Asia/Novosibirsk") == "Novosibirsk time (MSK+4)"
        assert zone_label("Europe/Moscow") == "Moscow time (MSK)"
        assert zone_label("Europe/Kaliningrad") == "Kaliningrad time (MSK−1)"
        assert zone_label("Asia/Kamchatka") == "Kamchatka time (MSK+9)"
        assert zone_label("Europe/Berlin") == "local time (MSK−2)"
        assert zone_label("Mars/Olympus") == ""
    offsets = [msk_offset(name) for name in RUSSIAN_ZONES]
    assert len(set(offsets)) == 11  # Russia's eleven zones (Novosibirsk and Krasnoyarsk share)


@pytest.mark.parametrize("kind", [k.name for k in EMAILS if k.name.startswith("bookings.")])
def test_every_booking_email_shows_venue_time_and_the_zone_in_words(night, kind):
    with time_machine.travel(NOW, tick=False):
        [(_item, message)] = messages(EMAILS.get(kind), [{"booking_id": night.pk}])
    html = message.alternatives[0][0]
    words = _in_site_language(zone_label("Asia/Novosibirsk"))
    for part in (message.body, html):
        assert "23:00–02:00" in part
        assert words in part
        assert "Asia/Novosibirsk" not in part
    assert "23:00" in message.subject and "Asia/" not in message.subject


@pytest.mark.parametrize(
    ("sent_at", "day"),
    [
        # 03:00 on the day in Novosibirsk is still 23:00 of the day before in Moscow.
        (datetime(2026, 12, 2, 3, 0, tzinfo=NOVOSIBIRSK), "today"),
        (datetime(2026, 12, 1, 23, 30, tzinfo=NOVOSIBIRSK), "tomorrow"),
    ],
)
def test_the_reminder_says_today_or_tomorrow_on_the_venues_clock(night, sent_at, day):
    with time_machine.travel(sent_at, tick=False):
        [(_item, message)] = messages(EMAILS.get("bookings.reminder"), [{"booking_id": night.pk}])
    expected = {
        "today": "Reminder: your booking is today",
        "tomorrow": "Reminder: your booking is tomorrow",
    }
    assert message.subject.startswith(_in_site_language(gettext_lazy(expected[day])))


def test_every_booking_page_shows_venue_time_and_no_zone_id(client, night, client_user, owner_a):
    venue = night.room.venue
    objects = {
        "venue_id": venue.pk,
        "room_id": night.room_id,
        "booking_id": night.pk,
        "token": "none",
        "action": "confirm",
        "object_id": night.pk,
    }
    shown = []
    with time_machine.travel(NOW, tick=False):
        for persona in (client_user, owner_a):
            client.force_login(persona)
            for route in _booking_routes():
                response = client.get(_fill(route, objects) + "?date=2026-12-02")
                assert response.status_code < 500, route
                if response.status_code == 200 and "html" in response["Content-Type"]:
                    page = response.content.decode()
                    assert "Asia/Novosibirsk" not in page, route
                    shown.append(route)
        client.force_login(client_user)
        detail = client.get(reverse("bookings:detail", args=[night.pk])).content.decode()
    assert "23:00–02:00" in detail
    assert _in_site_language(zone_label("Asia/Novosibirsk")) in detail
    assert len(shown) >= 4


def test_the_venue_form_offers_russias_zones(client, owner_a, venue_a):
    client.force_login(owner_a)
    url = reverse("dashboard:venue-edit", args=[venue_a.pk])
    page = client.get(url).content.decode()
    assert '<select name="timezone"' in page
    assert 'value="Asia/Novosibirsk"' in page and 'value="Asia/Kamchatka"' in page
    assert _in_site_language(zone_label("Asia/Novosibirsk")) in page
    data = {
        "name": venue_a.name,
        "city": venue_a.city_id,
        "address": venue_a.address,
        "timezone": "Asia/Novosibirsk",
        "pay_at_venue": "on",
        "booking_mode": "instant",
        "cancellation_free_hours": 24,
        "cancellation_fee_percent": 0,
    }
    assert client.post(url, data).status_code == 302
    venue_a.refresh_from_db()
    assert venue_a.timezone == "Asia/Novosibirsk"
