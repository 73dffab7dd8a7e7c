"""The booking API: availability, quote, create (instant, online hold, request), cancel, my
bookings, the Idempotency-Key, and bad input that must get a clear 4xx and change nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from rest_framework.test import APIClient

from bookings.models import Booking
from core.models import IdempotencyKey
from tests.bookings.conftest import NOW, at, book_payload
from tests.factories import RoomFactory, UserFactory, price_every_day

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

DAY = "2026-12-02"


def test_availability_endpoint_lists_slots_with_offsets_and_decimal_prices(api_client, room_a):
    response = api_client.get(f"/api/v1/rooms/{room_a.pk}/availability/", {"date": DAY})
    assert response.status_code == 200
    body = response.json()
    assert body["date"] == DAY and body["timezone"] == "Europe/Moscow"
    assert body["slots"][0] == {
        "start": "2026-12-02T10:00:00+03:00",
        "end": "2026-12-02T11:00:00+03:00",
        "status": "free",
        "price": "900.00",
    }
    assert body["slots"][-1]["end"] == "2026-12-03T02:00:00+03:00"


@pytest.mark.parametrize("value", ["", "tomorrow", "2026-13-45"])
def test_availability_needs_a_real_date(api_client, room_a, value):
    response = api_client.get(f"/api/v1/rooms/{room_a.pk}/availability/", {"date": value})
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["date"]


def test_availability_of_an_unknown_or_inactive_room_is_404(api_client, room_a):
    assert api_client.get("/api/v1/rooms/999999/availability/", {"date": DAY}).status_code == 404
    room_a.is_active = False
    room_a.save()
    response = api_client.get(f"/api/v1/rooms/{room_a.pk}/availability/", {"date": DAY})
    assert response.status_code == 404


def test_quote_gives_slots_total_and_cancellation_policy(api_client, room_a):
    venue = room_a.venue
    venue.cancellation_free_hours = 48
    venue.cancellation_fee_percent = 50
    venue.save()
    response = api_client.post(
        "/api/v1/bookings/quote/",
        {
            "room": room_a.pk,
            "start": at(DAY, "19:00").isoformat(),
            "end": at(DAY, "22:00").isoformat(),
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["price"] == "2700.00" and body["money_due"] == "2700.00"
    assert [s["start"] for s in body["slots"]] == [
        "2026-12-02T19:00:00+03:00",
        "2026-12-02T20:00:00+03:00",
        "2026-12-02T21:00:00+03:00",
    ]
    assert body["cancellation"] == {"free_until": "2026-11-30T19:00:00+03:00", "fee_percent": 50}


def test_pay_at_an_instant_venue_confirms_at_once_and_mails_an_ics(
    client_api, room_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_api.post(
            "/api/v1/bookings/",
            book_payload(room_a, at(DAY, "19:00"), at(DAY, "21:00")),
            format="json",
        )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "confirmed"
    assert body["price"] == "1800.00" and body["money_due"] == "1800.00"
    assert body["start"] == "2026-12-02T19:00:00+03:00"
    assert body["end"] == "2026-12-02T21:00:00+03:00"
    assert body["room"] == room_a.pk
    assert len(mail.outbox) == 1
    attachment = mail.outbox[0].attachments[0]
    assert attachment[0].endswith(".ics") and "BEGIN:VEVENT" in str(attachment[1])
    assert "2026-12-02" in [b["start"][:10] for b in client_api.get("/api/v1/me/bookings/").json()]


def test_online_payment_holds_the_slot_and_gives_a_payment_url(client_api, room_a):
    venue = room_a.venue
    venue.pay_online = True
    venue.save()
    response = client_api.post(
        "/api/v1/bookings/",
        book_payload(room_a, at(DAY, "19:00"), at(DAY, "20:00"), "online"),
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "hold"
    assert body["hold_expires_at"] == "2026-12-01T09:15:00+03:00"
    assert "/payments/test/" in body["payment_url"]


def test_request_to_book_venue_records_a_request(client_api, room_a):
    venue = room_a.venue
    venue.booking_mode = "request"
    venue.save()
    response = client_api.post(
        "/api/v1/bookings/", book_payload(room_a, at(DAY, "19:00"), at(DAY, "20:00")), format="json"
    )
    assert response.status_code == 201
    assert response.json()["status"] == "requested"
    assert Booking.objects.get().respond_by == NOW + dt.timedelta(hours=24)


def test_an_overlapping_booking_is_a_409_not_a_500(client_api, room_a):
    first = client_api.post(
        "/api/v1/bookings/", book_payload(room_a, at(DAY, "19:00"), at(DAY, "21:00")), format="json"
    )
    assert first.status_code == 201
    other = APIClient()
    other.force_authenticate(UserFactory())
    second = other.post(
        "/api/v1/bookings/", book_payload(room_a, at(DAY, "20:00"), at(DAY, "22:00")), format="json"
    )
    assert second.status_code == 409
    assert second.json()["error"]["message"]
    assert Booking.objects.count() == 1


def test_the_buffer_after_a_booking_keeps_the_next_slot(client_api, venue_a, client_user):
    room = RoomFactory(venue=venue_a, buffer_minutes=30)
    price_every_day(room)
    assert (
        client_api.post(
            "/api/v1/bookings/",
            book_payload(room, at(DAY, "19:00"), at(DAY, "20:00")),
            format="json",
        ).status_code
        == 201
    )
    response = client_api.post(
        "/api/v1/bookings/", book_payload(room, at(DAY, "20:00"), at(DAY, "21:00")), format="json"
    )
    assert response.status_code == 409


BAD = {
    "end before start": lambda r: book_payload(r, at(DAY, "21:00"), at(DAY, "19:00")),
    "end equals start": lambda r: book_payload(r, at(DAY, "21:00"), at(DAY, "21:00")),
    "not on the grid": lambda r: book_payload(r, at(DAY, "19:30"), at(DAY, "20:30")),
    "end not on the grid": lambda r: book_payload(r, at(DAY, "19:00"), at(DAY, "20:15")),
    "outside opening hours": lambda r: book_payload(r, at(DAY, "06:00"), at(DAY, "08:00")),
    "runs past closing": lambda r: book_payload(
        r, at("2026-12-03", "01:00"), at("2026-12-03", "03:00")
    ),
    "in the past": lambda r: book_payload(r, at("2026-11-30", "19:00"), at("2026-11-30", "20:00")),
    "beyond the horizon": lambda r: book_payload(
        r, at("2027-03-10", "19:00"), at("2027-03-10", "20:00")
    ),
    "unknown room": lambda r: {
        **book_payload(r, at(DAY, "19:00"), at(DAY, "20:00")),
        "room": 999999,
    },
    "huge room id": lambda r: {
        **book_payload(r, at(DAY, "19:00"), at(DAY, "20:00")),
        "room": 10**30,
    },
    "not a date": lambda r: {
        **book_payload(r, at(DAY, "19:00"), at(DAY, "20:00")),
        "start": "soon",
    },
    "bad payment": lambda r: {
        **book_payload(r, at(DAY, "19:00"), at(DAY, "20:00")),
        "payment": "cash",
    },
    "online not offered": lambda r: book_payload(r, at(DAY, "19:00"), at(DAY, "20:00"), "online"),
    "missing fields": lambda r: {},
    "too long": lambda r: book_payload(r, at(DAY, "10:00"), at("2026-12-04", "10:00")),
}


@pytest.mark.parametrize("case", BAD)
def test_bad_input_gets_a_clear_4xx_and_books_nothing(client_api, room_a, case):
    response = client_api.post("/api/v1/bookings/", BAD[case](room_a), format="json")
    assert 400 <= response.status_code < 500, response.content
    assert response.json()["error"]["message"]
    assert Booking.objects.count() == 0


def test_shorter_than_the_minimum_is_refused(client_api, venue_a):
    room = RoomFactory(venue=venue_a, min_booking_minutes=120)
    price_every_day(room)
    response = client_api.post(
        "/api/v1/bookings/", book_payload(room, at(DAY, "19:00"), at(DAY, "20:00")), format="json"
    )
    assert response.status_code == 422
    assert "120" in response.json()["error"]["message"]


def test_an_inactive_room_takes_no_bookings(client_api, room_a):
    room_a.is_active = False
    room_a.save()
    response = client_api.post(
        "/api/v1/bookings/", book_payload(room_a, at(DAY, "19:00"), at(DAY, "20:00")), format="json"
    )
    assert response.status_code == 422
    assert Booking.objects.count() == 0


def test_creating_needs_a_login(api_client, room_a):
    response = api_client.post(
        "/api/v1/bookings/", book_payload(room_a, at(DAY, "19:00"), at(DAY, "20:00")), format="json"
    )
    assert response.status_code in (401, 403)


def test_a_booking_across_midnight_is_fine(client_api, room_a):
    response = client_api.post(
        "/api/v1/bookings/",
        book_payload(room_a, at(DAY, "23:00"), at("2026-12-03", "02:00")),
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["price"] == "2700.00"


# --- Idempotency-Key -------------------------------------------------------------------------


def test_the_same_idempotency_key_returns_the_same_booking(client_api, room_a):
    payload = book_payload(room_a, at(DAY, "19:00"), at(DAY, "20:00"))
    first = client_api.post("/api/v1/bookings/", payload, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = client_api.post("/api/v1/bookings/", payload, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Booking.objects.count() == 1


def test_the_same_key_with_another_body_is_422(client_api, room_a):
    client_api.post(
        "/api/v1/bookings/",
        book_payload(room_a, at(DAY, "19:00"), at(DAY, "20:00")),
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-2",
    )
    response = client_api.post(
        "/api/v1/bookings/",
        book_payload(room_a, at(DAY, "21:00"), at(DAY, "22:00")),
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-2",
    )
    assert response.status_code == 422
    assert Booking.objects.count() == 1


def test_keys_belong_to_their_user(client_api, room_a):
    client_api.post(
        "/api/v1/bookings/",
        book_payload(room_a, at(DAY, "19:00"), at(DAY, "20:00")),
        format="json",
        HTTP_IDEMPOTENCY_KEY="shared",
    )
    other = APIClient()
    other.force_authenticate(UserFactory())
    response = other.post(
        "/api/v1/bookings/",
        book_payload(room_a, at(DAY, "21:00"), at(DAY, "22:00")),
        format="json",
        HTTP_IDEMPOTENCY_KEY="shared",
    )
    assert response.status_code == 201
    assert IdempotencyKey.objects.count() == 2


def test_a_conflict_is_replayed_as_the_same_conflict(client_api, room_a):
    Booking.objects.all().delete()
    other = APIClient()
    other.force_authenticate(UserFactory())
    other.post(
        "/api/v1/bookings/", book_payload(room_a, at(DAY, "19:00"), at(DAY, "20:00")), format="json"
    )
    payload = book_payload(room_a, at(DAY, "19:00"), at(DAY, "20:00"))
    first = client_api.post("/api/v1/bookings/", payload, format="json", HTTP_IDEMPOTENCY_KEY="k-3")
    Booking.objects.all().update(status="cancelled")
    again = client_api.post("/api/v1/bookings/", payload, format="json", HTTP_IDEMPOTENCY_KEY="k-3")
    assert first.status_code == again.status_code == 409
    assert Booking.objects.filter(user__email="client@example.com").count() == 0


def test_cancel_with_a_key_replays_instead_of_failing(client_api, room_a):
    booking_id = client_api.post(
        "/api/v1/bookings/", book_payload(room_a, at(DAY, "19:00"), at(DAY, "20:00")), format="json"
    ).json()["id"]
    url = f"/api/v1/bookings/{booking_id}/cancel/"
    first = client_api.post(url, format="json", HTTP_IDEMPOTENCY_KEY="c-1")
    again = client_api.post(url, format="json", HTTP_IDEMPOTENCY_KEY="c-1")
    assert first.status_code == again.status_code == 200
    assert again.json()["status"] == "cancelled"
    # Without the key a second cancel is a clear conflict.
    assert client_api.post(url, format="json").status_code == 409


# --- Cancel ----------------------------------------------------------------------------------


def _book(client_api, room, start, end):
    response = client_api.post("/api/v1/bookings/", book_payload(room, start, end), format="json")
    assert response.status_code == 201, response.json()
    return response.json()["id"]


def test_cancelling_before_the_deadline_is_free(client_api, room_a):
    booking_id = _book(client_api, room_a, at("2026-12-05", "19:00"), at("2026-12-05", "21:00"))
    response = client_api.post(f"/api/v1/bookings/{booking_id}/cancel/")
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert response.json()["cancellation_fee"] == "0.00"
    # The slot is free again.
    assert _book(client_api, room_a, at("2026-12-05", "19:00"), at("2026-12-05", "20:00"))


def test_cancelling_late_costs_the_snapshotted_fee(client_api, room_a):
    venue = room_a.venue
    venue.cancellation_free_hours = 24
    venue.cancellation_fee_percent = 30
    venue.save()
    booking_id = _book(client_api, room_a, at("2026-12-01", "19:00"), at("2026-12-01", "21:00"))
    # The venue changes its policy later: the booking keeps the one it was made under.
    venue.cancellation_fee_percent = 100
    venue.save()
    response = client_api.post(f"/api/v1/bookings/{booking_id}/cancel/")
    assert response.json()["cancellation_fee"] == "540.00"
    assert Booking.objects.get(pk=booking_id).cancellation_fee == Decimal("540.00")


def test_cancelling_someone_elses_booking_is_404(client_api, room_a):
    other = APIClient()
    other.force_authenticate(UserFactory())
    booking_id = _book(other, room_a, at(DAY, "19:00"), at(DAY, "20:00"))
    response = client_api.post(f"/api/v1/bookings/{booking_id}/cancel/")
    assert response.status_code == 404
    assert Booking.objects.get(pk=booking_id).status == "confirmed"
    assert client_api.get(f"/api/v1/bookings/{booking_id}/").status_code == 404


def test_a_started_booking_cannot_be_cancelled(client_api, room_a, frozen):
    booking_id = _book(client_api, room_a, at("2026-12-01", "10:00"), at("2026-12-01", "12:00"))
    frozen.move_to(at("2026-12-01", "10:30"))
    response = client_api.post(f"/api/v1/bookings/{booking_id}/cancel/")
    assert response.status_code == 409
    assert Booking.objects.get(pk=booking_id).status == "confirmed"


def test_reschedule_moves_and_reprices(client_api, room_a):
    room_a.prices.filter(day_type="saturday").update(price_per_hour=Decimal("1200"))
    booking_id = _book(client_api, room_a, at(DAY, "19:00"), at(DAY, "21:00"))
    response = client_api.post(
        f"/api/v1/bookings/{booking_id}/reschedule/",
        {
            "start": at("2026-12-05", "12:00").isoformat(),
            "end": at("2026-12-05", "14:00").isoformat(),
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["price"] == "2400.00"
    assert response.json()["start"] == "2026-12-05T12:00:00+03:00"
    # Moving onto (part of) its own old time is fine.
    response = client_api.post(
        f"/api/v1/bookings/{booking_id}/reschedule/",
        {
            "start": at("2026-12-05", "13:00").isoformat(),
            "end": at("2026-12-05", "15:00").isoformat(),
        },
        format="json",
    )
    assert response.status_code == 200


def test_reschedule_onto_taken_time_is_409(client_api, room_a):
    first = _book(client_api, room_a, at(DAY, "19:00"), at(DAY, "20:00"))
    _book(client_api, room_a, at(DAY, "21:00"), at(DAY, "22:00"))
    response = client_api.post(
        f"/api/v1/bookings/{first}/reschedule/",
        {"start": at(DAY, "20:00").isoformat(), "end": at(DAY, "22:00").isoformat()},
        format="json",
    )
    assert response.status_code == 409
    assert Booking.objects.get(pk=first).start == at(DAY, "19:00")


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/bookings/99999999999999999999999/",
        "/api/v1/rooms/99999999999999999999999/availability/?date=2026-12-02",
        "/api/v1/rooms/99999999999999999999999/reviews/",
    ],
)
def test_ids_out_of_range_are_404_not_500(client_api, url):
    assert client_api.get(url).status_code == 404


def test_cancelling_an_id_out_of_range_is_404(client_api):
    assert client_api.post("/api/v1/bookings/99999999999999999999999/cancel/").status_code == 404


def test_a_body_that_is_not_an_object_is_a_400(client_api):
    response = client_api.post("/api/v1/bookings/", [1, 2], format="json")
    assert response.status_code == 400
    response = client_api.post("/api/v1/bookings/quote/", "nonsense", format="json")
    assert response.status_code == 400


def test_list_endpoints_do_not_grow_queries_with_rows(
    client_api, room_a, client_user, owner_a, django_assert_max_num_queries
):
    from bookings import services as booking_services

    for hour in range(10, 22, 2):
        start = at(DAY, f"{hour}:00")
        booking_services.booking_create(
            user=client_user,
            room=room_a,
            start=start,
            end=start + dt.timedelta(hours=1),
            payment="venue",
            now=NOW,
        )
    with django_assert_max_num_queries(3):
        assert len(client_api.get("/api/v1/me/bookings/").json()) == 6
    partner = APIClient()
    partner.force_authenticate(owner_a)
    with django_assert_max_num_queries(6):
        response = partner.get("/api/v1/partner/bookings/", {"venue": room_a.venue_id, "from": DAY})
    assert len(response.json()) == 6
