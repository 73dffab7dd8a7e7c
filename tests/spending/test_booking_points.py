"""Points through real bookings: quote and create with points, every bad input, and the points'
fate on each status change (pay at venue, hold that expires or is paid, request declined or
confirmed, cancel with a fee, reschedule to a lower cap, no-show), with the ledger audit clean."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from bookings import services
from bookings.models import Booking
from core.errors import Conflict
from loyalty.models import Account, LedgerTransaction
from loyalty.selectors import points_summary
from tests.bookings.conftest import NOW, at, book_payload
from tests.factories import UserFactory
from tests.spending.conftest import audit_clean, give_points
from venues.models import PointsRule

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

DAY = "2026-12-02"  # Wednesday
START, END = at(DAY, "19:00"), at(DAY, "21:00")  # 2,000 ₽ → cap 500 at 25 %


def balance(user) -> int:
    return points_summary(user=user, now=NOW).balance


def held(user) -> int:
    account = Account.objects.filter(user=user, kind="held").first()
    return account.balance if account else 0


def book(user, room, points, payment="venue", start=START, end=END) -> Booking:
    return services.booking_create(
        user=user, room=room, start=start, end=end, payment=payment, points=points, now=NOW
    )


# --- quote ---------------------------------------------------------------------------------


def test_quote_api_shows_cap_usable_money_due_cashback_and_lots(
    client_api, client_user, points_room
):
    give_points(client_user, 300, key="soon", days=10)
    give_points(client_user, 400, key="later", days=60)
    payload = {**book_payload(points_room, START, END), "points": 450}
    response = client_api.post("/api/v1/bookings/quote/", payload, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["price"] == "2000.00"
    assert (body["points_cap"], body["points_usable"], body["points"]) == (500, 500, 450)
    assert body["money_due"] == "1550.00"
    assert body["cashback_points"] == 15  # Bronze tier: 1 % of the 1,550 ₽ paid in money
    assert body["cashback_available_at"].startswith("2026-12-03T21:00")
    assert [p["points"] for p in body["points_from"]] == [300, 150]  # soonest expiry first


def test_quote_usable_is_limited_by_the_balance_and_anonymous_sees_the_cap(
    api_client, client_api, client_user, points_room
):
    give_points(client_user, 120)
    payload = book_payload(points_room, START, END)
    body = client_api.post("/api/v1/bookings/quote/", payload, format="json").json()
    assert (body["points_cap"], body["points_usable"], body["points"]) == (500, 120, 0)
    body = api_client.post("/api/v1/bookings/quote/", payload, format="json").json()
    assert (body["points_cap"], body["points_usable"]) == (500, 0)


@pytest.mark.parametrize(
    ("points", "setup", "status"),
    [
        (-1, None, 400),
        ("abc", None, 400),
        (1.5, None, 400),
        (True, None, 400),
        (501, None, 422),  # more than the cap: a rule, not the schema
        (450, "poor", 422),  # more than the balance
        (100, "not_accepting", 422),
        (100, "stale", 422),
    ],
)
def test_bad_points_are_a_4xx_on_points_and_change_nothing(
    client_api, client_user, points_room, points, setup, status
):
    give_points(client_user, 100 if setup == "poor" else 1000)
    venue = points_room.venue
    if setup == "not_accepting":
        venue.accepts_points = False
        venue.save()
    if setup == "stale":
        venue.schedule_confirmed_at = NOW - dt.timedelta(days=40)
        venue.save()
    before = balance(client_user)
    for url in ("/api/v1/bookings/quote/", "/api/v1/bookings/"):
        payload = {**book_payload(points_room, START, END), "points": points}
        response = client_api.post(url, payload, format="json")
        assert response.status_code == status, response.json()
        assert "points" in response.json()["error"]["fields"]
    assert not Booking.objects.exists()
    assert balance(client_user) == before


@pytest.mark.parametrize(
    ("points", "message"),
    [
        ("abc", "Введите целое число баллов."),
        (1.5, "Введите целое число баллов."),
        (-1, "Число баллов не может быть отрицательным."),
    ],
)
def test_the_api_reads_points_with_the_checkout_forms_messages(
    client_api, client_user, points_room, points, message
):
    payload = {**book_payload(points_room, START, END), "points": points}
    for url in ("/api/v1/bookings/quote/", "/api/v1/bookings/"):
        response = client_api.post(url, payload, format="json")
        assert response.status_code == 400
        assert response.json()["error"]["fields"]["points"] == [message]


# --- pay at the venue: spend, cancel with a fee, no-show, reschedule -------------------------


def test_pay_at_venue_spends_the_points_at_once(client_api, client_user, points_room):
    give_points(client_user, 800)
    payload = {**book_payload(points_room, START, END), "points": 500}
    response = client_api.post("/api/v1/bookings/", payload, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["points"], body["points_cap"]) == ("confirmed", 500, 500)
    assert body["money_due"] == "1500.00"
    assert balance(client_user) == 300
    assert (
        LedgerTransaction.objects.get(idempotency_key=f"spend:booking:{body['id']}").kind == "spend"
    )
    audit_clean()


def test_cancel_free_returns_all_points(client_user, points_room):
    give_points(client_user, 500)
    booking = book(client_user, points_room, 500)
    services.booking_cancel(booking_id=booking.pk, actor=client_user, now=NOW)
    assert balance(client_user) == 500
    audit_clean()


def test_cancel_with_a_fee_keeps_the_fee_share_of_the_points(client_user, points_room):
    venue = points_room.venue
    venue.cancellation_free_hours = 48
    venue.cancellation_fee_percent = 50
    venue.save()
    give_points(client_user, 500)
    booking = book(client_user, points_room, 500)
    booking = services.booking_cancel(booking_id=booking.pk, actor=client_user, now=NOW)
    assert booking.cancellation_fee == Decimal("1000.00")
    # kept = floor(500 × 1000 / 2000) = 250; the rest comes back.
    assert balance(client_user) == 250
    audit_clean()


def test_venue_cancelling_returns_everything(owner_a, client_user, points_room):
    venue = points_room.venue
    venue.cancellation_free_hours = 48
    venue.cancellation_fee_percent = 50
    venue.save()
    give_points(client_user, 500)
    booking = book(client_user, points_room, 500)
    services.booking_cancel(booking_id=booking.pk, actor=owner_a, by_venue=True, now=NOW)
    assert balance(client_user) == 500
    audit_clean()


def test_no_show_keeps_the_points_spent(owner_a, client_user, points_room):
    give_points(client_user, 500)
    booking = book(client_user, points_room, 400)
    services.booking_mark_no_show(
        booking_id=booking.pk, actor=owner_a, now=START + dt.timedelta(minutes=10)
    )
    assert balance(client_user) == 100
    assert not LedgerTransaction.objects.filter(kind="refund").exists()
    audit_clean()


def test_reschedule_to_a_lower_cap_refunds_the_excess(client_user, points_room):
    give_points(client_user, 500)
    booking = book(client_user, points_room, 500)
    # Thursdays only 10 %: 2,000 ₽ → cap 200.
    PointsRule.objects.create(venue=points_room.venue, weekdays=[3], percent=10)
    booking = services.booking_reschedule(
        booking_id=booking.pk,
        actor=client_user,
        start=at("2026-12-03", "19:00"),
        end=at("2026-12-03", "21:00"),
        now=NOW,
    )
    assert (booking.points, booking.points_cap) == (200, 200)
    assert booking.money_due == Decimal("1800.00")
    assert balance(client_user) == 300
    # Cancelling afterwards returns the 200 still spent.
    services.booking_cancel(booking_id=booking.pk, actor=client_user, now=NOW)
    assert balance(client_user) == 500
    audit_clean()


def test_reschedule_to_a_cheaper_shorter_time_refunds_the_excess(client_user, points_room):
    give_points(client_user, 500)
    booking = book(client_user, points_room, 500)
    booking = services.booking_reschedule(
        booking_id=booking.pk,
        actor=client_user,
        start=at(DAY, "19:00"),
        end=at(DAY, "20:00"),
        now=NOW,
    )
    assert (booking.price, booking.points, booking.money_due) == (
        Decimal("1000.00"),
        250,
        Decimal("750.00"),
    )
    assert balance(client_user) == 250
    audit_clean()


# --- online hold: reserve, then capture or release -------------------------------------------


def test_an_online_booking_paid_wholly_with_points_is_confirmed_at_once(client_user, online):
    online.venue.max_points_percent = 100
    online.venue.save()
    give_points(client_user, 2000)
    booking = book(client_user, online, 2000, payment="online")
    # Nothing is left to pay, so there is no hold that could expire and no 0 ₽ payment.
    assert booking.status == "confirmed" and booking.money_due == Decimal("0.00")
    assert booking.paid_at is not None and not booking.payments.exists()
    assert (balance(client_user), held(client_user)) == (0, 0)
    with pytest.raises(Conflict) as refused:
        services.payment_start(booking_id=booking.pk, user=client_user)
    assert refused.value.code == "nothing_to_pay"
    audit_clean()


def test_an_online_hold_that_expires_releases_the_points(client_user, online):
    give_points(client_user, 500)
    booking = book(client_user, online, 500, payment="online")
    assert booking.status == "hold" and booking.money_due == Decimal("1500.00")
    assert (balance(client_user), held(client_user)) == (0, 500)
    assert booking.payments.get().amount == Decimal("1500.00")
    services.holds_expire(now=NOW + dt.timedelta(hours=1))
    services.holds_expire(now=NOW + dt.timedelta(hours=2))  # twice: once
    assert (balance(client_user), held(client_user)) == (500, 0)
    audit_clean()


def test_an_online_hold_paid_captures_the_points(client_user, online):
    give_points(client_user, 500)
    booking = book(client_user, online, 300, payment="online")
    services.payment_simulate(
        payment_id=booking.payments.get().pk, user=client_user, outcome="succeeded"
    )
    booking.refresh_from_db()
    assert booking.status == "confirmed"
    assert (balance(client_user), held(client_user)) == (200, 0)
    assert LedgerTransaction.objects.filter(kind="capture").count() == 1
    audit_clean()


# --- request to book: reserve, then capture or release ---------------------------------------


@pytest.fixture
def on_request(points_room):
    venue = points_room.venue
    venue.booking_mode = "request"
    venue.save()
    return points_room


def test_a_declined_request_releases_the_points(owner_a, client_user, on_request):
    give_points(client_user, 500)
    booking = book(client_user, on_request, 500)
    assert booking.status == "requested" and held(client_user) == 500
    services.booking_decline(booking_id=booking.pk, actor=owner_a, now=NOW)
    assert (balance(client_user), held(client_user)) == (500, 0)
    audit_clean()


def test_a_confirmed_request_captures_then_a_cancel_refunds(owner_a, client_user, on_request):
    give_points(client_user, 500)
    booking = book(client_user, on_request, 500)
    services.booking_confirm(booking_id=booking.pk, actor=owner_a, now=NOW)
    assert (balance(client_user), held(client_user)) == (0, 0)
    services.booking_cancel(booking_id=booking.pk, actor=client_user, now=NOW)
    assert balance(client_user) == 500
    audit_clean()


def test_a_rescheduled_request_holds_only_the_new_cap(owner_a, client_user, on_request):
    give_points(client_user, 500)
    booking = book(client_user, on_request, 500)
    PointsRule.objects.create(venue=on_request.venue, weekdays=[3], percent=10)
    booking = services.booking_reschedule(
        booking_id=booking.pk,
        actor=client_user,
        start=at("2026-12-03", "19:00"),
        end=at("2026-12-03", "21:00"),
        now=NOW,
    )
    assert booking.points == 200 and held(client_user) == 200 and balance(client_user) == 300
    services.booking_confirm(booking_id=booking.pk, actor=owner_a, now=NOW)
    assert held(client_user) == 0 and balance(client_user) == 300
    audit_clean()


def test_an_unanswered_request_releases_the_points(client_user, on_request):
    give_points(client_user, 500)
    book(client_user, on_request, 500)
    services.requests_decline_unanswered(now=START)
    assert (balance(client_user), held(client_user)) == (500, 0)
    audit_clean()


# --- invariant 4 -----------------------------------------------------------------------------


def test_the_database_refuses_points_above_the_cap(client_user, points_room):
    give_points(client_user, 500)
    booking = book(client_user, points_room, 500)
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.filter(pk=booking.pk).update(points=501)
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.filter(pk=booking.pk).update(points_cap=100)


def test_a_booking_without_points_touches_no_ledger(points_room):
    user = UserFactory()
    book(user, points_room, 0)
    assert not LedgerTransaction.objects.exists()


# --- checkout page ---------------------------------------------------------------------------


def test_checkout_page_offers_points_and_books_with_them(client, client_user, points_room):
    give_points(client_user, 700)
    client.force_login(client_user)
    params = {"room": points_room.pk, "start": START.isoformat(), "minutes": 120}
    page = client.get("/bookings/checkout/", params).content.decode()
    assert 'max="500"' in page and 'id="points-range"' in page
    page = client.get("/bookings/checkout/", {**params, "points": 300}).content.decode()
    assert 'id="quote-money-due" class="money">1\u00a0700\u00a0₽' in page
    assert "У вас 700 баллов; за эту бронь можно списать до 500." in page
    # Re-quoting a number out of range uses the nearest allowed one and says so.
    for typed, used, due in [
        ("600", 500, "1\u00a0500"),
        ("-5", 0, "2\u00a0000"),
        ("12.7", 12, "1\u00a0988"),
    ]:
        page = client.get("/bookings/checkout/", {**params, "points": typed}).content.decode()
        assert f'id="quote-money-due" class="money">{due}\u00a0₽' in page, typed
        assert f'max="500" step="1" value="{used}"' in page
        assert f"Используем {used}: можно от 0 до 500." in page and 'role="alert"' not in page
    page = client.get("/bookings/checkout/", {**params, "points": "abc"}).content.decode()
    assert 'id="quote-money-due" class="money">2\u00a0000\u00a0₽' in page  # refused, no points
    assert 'role="alert"' in page
    response = client.post("/bookings/checkout/", {**params, "payment": "venue", "points": 501})
    assert response.status_code == 400 and not Booking.objects.exists()
    response = client.post("/bookings/checkout/", {**params, "payment": "venue", "points": 500})
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert (booking.points, booking.money_due) == (500, Decimal("1500.00"))
    detail = client.get(f"/me/bookings/{booking.pk}/").content.decode()
    assert 'data-testid="booking-points"' in detail and "1\u00a0500\u00a0₽" in detail
    assert balance(client_user) == 200
