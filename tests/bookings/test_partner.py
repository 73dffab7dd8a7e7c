"""The venue team's side: requests, paid, no-show, manual bookings and blocks, the calendar;
another organisation's member gets 404 everywhere."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from rest_framework.test import APIClient

from bookings import services
from bookings.models import Booking
from core.models import AuditLog
from tests.bookings.conftest import NOW, at

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]
DAY = "2026-12-02"


def _api(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


@pytest.fixture
def booking(room_a, client_user):
    return services.booking_create(
        user=client_user,
        room=room_a,
        start=at(DAY, "19:00"),
        end=at(DAY, "21:00"),
        payment="venue",
        now=NOW,
    )


@pytest.fixture
def request_booking(room_a, client_user):
    room_a.venue.booking_mode = "request"
    room_a.venue.save()
    return services.booking_create(
        user=client_user,
        room=room_a,
        start=at(DAY, "10:00"),
        end=at(DAY, "12:00"),
        payment="venue",
        now=NOW,
    )


def test_any_member_confirms_a_request(administrator_a, request_booking):
    response = _api(administrator_a).post(f"/api/v1/partner/bookings/{request_booking.pk}/confirm/")
    assert response.status_code == 200
    assert response.json()["status"] == "confirmed"
    assert AuditLog.objects.filter(action="booking.confirm", actor=administrator_a).exists()


def test_the_venue_declines_a_request(manager_a, request_booking):
    response = _api(manager_a).post(f"/api/v1/partner/bookings/{request_booking.pk}/decline/")
    assert response.json()["status"] == "declined"
    # Declined time is free again.
    assert not Booking.objects.filter(status__in=Booking.ACTIVE).exists()


def test_confirming_a_non_request_is_409(owner_a, booking):
    assert _api(owner_a).post(f"/api/v1/partner/bookings/{booking.pk}/confirm/").status_code == 409


def test_mark_paid_once(owner_a, booking):
    api = _api(owner_a)
    response = api.post(f"/api/v1/partner/bookings/{booking.pk}/mark-paid/")
    assert response.status_code == 200 and response.json()["paid"] is True
    assert api.post(f"/api/v1/partner/bookings/{booking.pk}/mark-paid/").status_code == 409


def test_no_show_only_after_the_start(owner_a, booking, frozen):
    api = _api(owner_a)
    early = api.post(f"/api/v1/partner/bookings/{booking.pk}/no-show/")
    assert early.status_code == 422
    booking.refresh_from_db()
    assert booking.status == "confirmed"
    frozen.move_to(at(DAY, "19:20"))
    assert api.post(f"/api/v1/partner/bookings/{booking.pk}/no-show/").json()["status"] == "no_show"


def test_manual_booking_and_block_take_time(owner_a, room_a):
    api = _api(owner_a)
    manual = api.post(
        "/api/v1/partner/bookings/",
        {
            "room": room_a.pk,
            "start": at(DAY, "15:00").isoformat(),
            "end": at(DAY, "17:00").isoformat(),
            "client_name": "Пётр",
            "client_phone": "+79160000000",
        },
        format="json",
    )
    assert manual.status_code == 201, manual.json()
    assert manual.json()["kind"] == "manual" and manual.json()["price"] == "1800.00"
    block = api.post(
        "/api/v1/partner/blocks/",
        {
            "room": room_a.pk,
            "start": at(DAY, "12:00").isoformat(),
            "end": at(DAY, "14:30").isoformat(),
            "note": "ремонт",
        },
        format="json",
    )
    assert block.status_code == 201
    slots = {
        s["start"][11:16]: s["status"]
        for s in APIClient()
        .get(f"/api/v1/rooms/{room_a.pk}/availability/", {"date": DAY})
        .json()["slots"]
    }
    assert slots["12:00"] == slots["14:00"] == slots["15:00"] == slots["16:00"] == "busy"
    assert slots["11:00"] == slots["17:00"] == "free"
    clash = api.post(
        "/api/v1/partner/blocks/",
        {
            "room": room_a.pk,
            "start": at(DAY, "16:00").isoformat(),
            "end": at(DAY, "18:00").isoformat(),
        },
        format="json",
    )
    assert clash.status_code == 409


def test_partner_list_shows_the_venues_bookings(owner_a, booking, venue_a):
    response = _api(owner_a).get("/api/v1/partner/bookings/", {"venue": venue_a.pk, "from": DAY})
    assert response.status_code == 200
    assert [b["id"] for b in response.json()] == [booking.pk]
    assert response.json()[0]["client_name"] == "Анна Клиентова"


@pytest.mark.parametrize("action", ["confirm", "decline", "mark-paid", "no-show", "cancel"])
def test_another_organisation_gets_404_on_actions(owner_b, booking, action):
    response = _api(owner_b).post(f"/api/v1/partner/bookings/{booking.pk}/{action}/")
    assert response.status_code == 404
    booking.refresh_from_db()
    assert booking.status == "confirmed" and booking.paid_at is None


def test_another_organisation_gets_404_on_lists_and_creation(owner_b, room_a, venue_a):
    api = _api(owner_b)
    assert api.get("/api/v1/partner/bookings/", {"venue": venue_a.pk}).status_code == 404
    payload = {
        "room": room_a.pk,
        "start": at(DAY, "15:00").isoformat(),
        "end": at(DAY, "17:00").isoformat(),
        "client_name": "X",
    }
    assert api.post("/api/v1/partner/bookings/", payload, format="json").status_code == 404
    assert api.post("/api/v1/partner/blocks/", payload, format="json").status_code == 404
    assert not Booking.objects.exists()


def test_a_client_is_not_a_partner(client_api, booking):
    assert client_api.post(f"/api/v1/partner/bookings/{booking.pk}/cancel/").status_code == 404


# --- Pages -----------------------------------------------------------------------------------


def test_calendar_page_shows_the_day_and_acts(
    client, owner_a, booking, venue_a, django_assert_max_num_queries
):
    client.force_login(owner_a)
    url = f"/dashboard/venues/{venue_a.pk}/calendar/?date={DAY}"
    with django_assert_max_num_queries(20):
        page = client.get(url)
    assert page.status_code == 200
    assert "Анна Клиентова" in page.content.decode()
    response = client.post(
        f"/dashboard/venues/{venue_a.pk}/bookings/{booking.pk}/mark-paid/", {"next": url}
    )
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.paid_at is not None
    week = client.get(f"/dashboard/venues/{venue_a.pk}/calendar/?date={DAY}&view=week")
    assert week.status_code == 200


def test_calendar_forms_add_a_manual_booking_and_a_block(client, owner_a, room_a, venue_a):
    client.force_login(owner_a)
    client.post(
        f"/dashboard/venues/{venue_a.pk}/bookings/new/",
        {
            "room": room_a.pk,
            "date": DAY,
            "start_time": "23:00",
            "end_time": "01:00",
            "client_name": "Пётр",
        },
    )
    client.post(
        f"/dashboard/venues/{venue_a.pk}/blocks/new/",
        {
            "room": room_a.pk,
            "date": DAY,
            "start_time": "10:00",
            "end_time": "12:00",
            "note": "уборка",
        },
    )
    manual = Booking.objects.get(kind="manual")
    assert manual.end - manual.start == timedelta(hours=2)
    assert Booking.objects.filter(kind="block").count() == 1


def test_another_organisation_gets_404_on_pages(client, owner_b, booking, venue_a, room_a):
    client.force_login(owner_b)
    assert client.get(f"/dashboard/venues/{venue_a.pk}/calendar/").status_code == 404
    assert (
        client.post(f"/dashboard/venues/{venue_a.pk}/bookings/{booking.pk}/cancel/").status_code
        == 404
    )
    assert (
        client.post(
            f"/dashboard/venues/{venue_a.pk}/blocks/new/",
            {"room": room_a.pk, "date": DAY, "start_time": "10:00", "end_time": "12:00"},
        ).status_code
        == 404
    )
    assert client.post(f"/dashboard/venues/{venue_a.pk}/rooms/{room_a.pk}/feed/").status_code == 404
    booking.refresh_from_db()
    assert booking.status == "confirmed"


def test_the_room_feed_is_secret_and_lists_bookings(client, owner_a, booking, room_a, room_feed):
    feed = room_feed
    response = client.get(f"/calendar/rooms/{feed.token}.ics")
    assert response.status_code == 200
    assert b"BEGIN:VEVENT" in response.content
    assert client.get("/calendar/rooms/not-the-token.ics").status_code == 404
    services.room_feed_regenerate(room=room_a, actor=owner_a)
    assert client.get(f"/calendar/rooms/{feed.token}.ics").status_code == 404


def test_request_with_online_payment_is_paid_after_the_venue_confirms(owner_a, room_a, client_user):
    venue = room_a.venue
    venue.booking_mode = "request"
    venue.pay_online = True
    venue.save()
    booking = services.booking_create(
        user=client_user,
        room=room_a,
        start=at(DAY, "19:00"),
        end=at(DAY, "20:00"),
        payment="online",
        now=NOW,
    )
    assert booking.status == "requested"
    _api(owner_a).post(f"/api/v1/partner/bookings/{booking.pk}/confirm/")
    payment = services.payment_start(booking_id=booking.pk, user=client_user)
    services.payment_simulate(payment_id=payment.pk, user=client_user, outcome="succeeded")
    booking.refresh_from_db()
    assert booking.status == "confirmed" and booking.paid_at is not None


def test_the_calendar_shows_an_after_midnight_booking_on_its_opening_day(
    client, owner_a, room_a, venue_a, client_user
):
    services.booking_create(
        user=client_user,
        room=room_a,
        start=at("2026-12-03", "00:00"),
        end=at("2026-12-03", "02:00"),
        payment="venue",
        now=NOW,
    )
    client.force_login(owner_a)
    wednesday = client.get(f"/dashboard/venues/{venue_a.pk}/calendar/?date=2026-12-02")
    thursday = client.get(f"/dashboard/venues/{venue_a.pk}/calendar/?date=2026-12-03")
    assert "00:00–02:00" in wednesday.content.decode()
    assert "00:00–02:00" not in thursday.content.decode()


@pytest.mark.parametrize(
    ("language", "said"), [("ru", "Отмечено как оплаченное."), ("en", "Marked as paid.")]
)
def test_the_calendar_says_what_was_done_in_the_members_language(
    client, owner_a, booking, venue_a, language, said
):
    client.force_login(owner_a)
    client.cookies["django_language"] = language
    response = client.post(f"/dashboard/venues/{venue_a.pk}/bookings/{booking.pk}/mark-paid/")
    assert [str(m) for m in get_messages(response.wsgi_request)] == [said]
