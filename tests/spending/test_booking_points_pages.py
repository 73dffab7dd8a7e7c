"""What the client reads about a booking's points: held while an online payment is pending,
returned on cancellation (after a confirmation page showing the refund), cashback earned."""

from __future__ import annotations

import datetime as dt

import pytest

from bookings import services
from bookings.models import Booking
from tests.spending.conftest import give_points
from tests.spending.test_booking_points import END, NOW, balance, book

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def test_an_online_hold_says_the_points_are_held_not_paid(client, client_user, online):
    give_points(client_user, 500)
    booking = book(client_user, online, 500, payment="online")
    assert booking.status == "hold"
    client.force_login(client_user)
    detail = client.get(f"/me/bookings/{booking.pk}/").content.decode()
    assert "баллов отложено: 500" in detail and "оплачено баллами" not in detail
    mine = client.get("/me/bookings/").content.decode()
    assert "баллов отложено: 500" in mine


def test_cancel_asks_first_shows_the_refund_then_says_what_came_back(
    client, client_user, points_room
):
    venue = points_room.venue
    venue.cancellation_free_hours = 48
    venue.cancellation_fee_percent = 50
    venue.save()
    give_points(client_user, 500)
    booking = book(client_user, points_room, 500)
    client.force_login(client_user)
    detail = client.get(f"/me/bookings/{booking.pk}/").content.decode()
    assert "оплачено баллами: 500" in detail
    assert f'href="/me/bookings/{booking.pk}/cancel/"' in detail  # a link, not a one-click form
    confirm = client.get(f"/me/bookings/{booking.pk}/cancel/")
    assert confirm.status_code == 200
    html = confirm.content.decode()
    assert "По правилам объекта отмена сейчас стоит 1\u00a0000\u00a0₽." in html
    # kept = floor(500 × 1000 / 2000) = 250: the confirmation says 250 come back.
    assert "На ваш счёт вернутся 250 баллов." in html
    booking.refresh_from_db()
    assert booking.status == "confirmed"  # looking at the page changes nothing
    response = client.post(f"/me/bookings/{booking.pk}/cancel/")
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == "cancelled" and balance(client_user) == 250
    detail = client.get(f"/me/bookings/{booking.pk}/").content.decode()
    assert "250 баллов вернулись на ваш счёт." in detail
    assert "Штраф за отмену" in detail and "1\u00a0000\u00a0₽" in detail
    mine = client.get("/me/bookings/").content.decode()
    assert "250 баллов возвращено" in mine


def test_a_released_hold_counts_as_returned(client, client_user, online):
    give_points(client_user, 22)
    booking = book(client_user, online, 22, payment="online")
    services.booking_cancel(booking_id=booking.pk, actor=client_user, now=NOW)
    client.force_login(client_user)
    assert (
        "22 балла вернулись на ваш счёт."
        in client.get(f"/me/bookings/{booking.pk}/").content.decode()
    )


def test_a_completed_booking_shows_its_cashback(
    client, client_user, points_room, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        booking = book(client_user, points_room, 0)
    services.bookings_complete(now=END + dt.timedelta(minutes=1))
    booking.refresh_from_db()
    assert booking.status == Booking.Status.COMPLETED
    client.force_login(client_user)
    # Bronze: 1 % of the 2,000 ₽ paid in money.
    detail = client.get(f"/me/bookings/{booking.pk}/").content.decode()
    assert "Кешбэк за эту бронь: +20 баллов." in detail
    mine = client.get("/me/bookings/").content.decode()
    assert "кешбэк +20 баллов" in mine and "2\u00a0000\u00a0₽" in mine
