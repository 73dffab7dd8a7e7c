"""The checkout: its form (what the page reads), its selector (what the page shows) and the page's
answers to input it cannot use. Points at checkout: tests/spending/test_checkout_points.py."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages

from bookings import selectors
from bookings.forms import CheckoutForm, PointsField, whole_part
from bookings.models import Booking
from tests.bookings.conftest import NOW, at

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]
DAY = "2026-12-02"  # the day after NOW


def _params(room, hh_mm="19:00", minutes=120, **more) -> dict:
    return {"room": room.pk, "start": at(DAY, hh_mm).isoformat(), "minutes": minutes, **more}


# --- the form --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "points", "message"),
    [
        ("", 0, None),
        (" 7 ", 7, None),
        ("300", 300, None),
        ("abc", None, "Введите целое число баллов."),
        ("12.7", None, "Введите целое число баллов."),
        ("-5", None, "Число баллов не может быть отрицательным."),
    ],
)
def test_the_points_field_reads_whole_points_with_the_apis_messages(typed, points, message):
    field = PointsField(required=False)
    if message is None:
        assert field.clean(typed) == points
    else:
        with pytest.raises(Exception) as refused:
            field.clean(typed)
        assert refused.value.messages == [message]


@pytest.mark.parametrize(
    ("typed", "whole"),
    [("12.7", 12), ("12,7", 12), ("\u22125", -5), ("600", 600), ("abc", None), ("inf", None)],
)
def test_a_re_quote_reads_the_whole_part_of_any_number(typed, whole):
    assert whole_part(typed) == whole


def test_the_form_reads_the_start_in_the_venues_time_and_defaults_the_length(room_a):
    naive = {"room": room_a.pk, "start": "2026-12-02T19:00:00", "minutes": "lots"}
    form = CheckoutForm(naive, booking=False)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["start"] == at(DAY, "19:00")
    assert form.cleaned_data["minutes"] == room_a.min_booking_minutes
    # An offset's "+" typed into a URL by hand arrives as a space.
    spaced = {"room": room_a.pk, "start": "2026-12-02T19:00:00 03:00"}
    assert CheckoutForm(spaced, booking=False).is_valid()


def test_booking_needs_a_payment_choice_a_re_quote_does_not(room_a):
    assert CheckoutForm(_params(room_a), booking=False).is_valid()
    form = CheckoutForm(_params(room_a), booking=True)
    assert not form.is_valid() and form.error("payment") == "Выберите способ оплаты."
    assert CheckoutForm(_params(room_a, payment="venue"), booking=True).is_valid()


# --- the selector ----------------------------------------------------------------------------


def test_the_checkout_quote_says_what_cancelling_costs(client_user, room_a):
    venue = room_a.venue
    venue.cancellation_free_hours = 48
    venue.cancellation_fee_percent = 30
    venue.save()
    # Three days ahead: free cancellation is still open; the late fee is 30 % of 1,800 ₽.
    page = selectors.checkout_quote(
        room=room_a,
        start=at("2026-12-04", "19:00"),
        end=at("2026-12-04", "21:00"),
        user=client_user,
        now=NOW,
    )
    assert page.quote is not None and page.quote.price == Decimal("1800.00")
    assert (page.free_now, page.late_fee, page.error) == (True, Decimal("540.00"), None)
    # Tomorrow evening, 34 hours ahead, is within the 48: already late.
    page = selectors.checkout_quote(
        room=room_a, start=at(DAY, "19:00"), end=at(DAY, "21:00"), user=client_user, now=NOW
    )
    assert (page.free_now, page.late_fee) == (False, Decimal("540.00"))


def test_the_checkout_quote_of_a_time_that_cannot_be_booked_says_why(client_user, room_a):
    page = selectors.checkout_quote(
        room=room_a,
        start=at(DAY, "19:30"),
        end=at(DAY, "21:30"),
        user=client_user,
        now=NOW,
    )
    assert page.quote is None and page.error == "Начало не совпадает с сеткой слотов."
    # Why booking was refused comes first.
    page = selectors.checkout_quote(
        room=room_a,
        start=at(DAY, "19:30"),
        end=at(DAY, "21:30"),
        user=client_user,
        error="Выберите способ оплаты.",
        now=NOW,
    )
    assert page.error == "Выберите способ оплаты."


# --- the page --------------------------------------------------------------------------------


def test_the_page_tells_when_free_cancellation_is_over(client, client_user, room_a):
    venue = room_a.venue
    venue.cancellation_free_hours = 48
    venue.cancellation_fee_percent = 50
    venue.save()
    client.force_login(client_user)
    html = client.get("/bookings/checkout/", _params(room_a)).content.decode()
    assert "Бесплатная отмена уже недоступна: отмена стоит 50% (900\u00a0₽)." in html
    assert "Если отменить сейчас, вернём всё." not in html
    html = client.get(
        "/bookings/checkout/", {**_params(room_a), "start": at("2026-12-05", "19:00").isoformat()}
    ).content.decode()
    assert "Если отменить сейчас, вернём всё." in html


def test_without_a_slot_the_page_sends_the_client_back_to_the_picker(client, client_user, room_a):
    client.force_login(client_user)
    response = client.get("/bookings/checkout/", {"room": room_a.pk, "start": "tomorrow"})
    assert response.status_code == 302 and response["Location"] == f"/rooms/{room_a.pk}/book/"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Сначала выберите свободный слот."
    ]


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_unknown_or_hidden_room_is_404(client, client_user, room_a, method):
    client.force_login(client_user)
    for room in ("999999", "abc", ""):
        params = {**_params(room_a), "room": room, "payment": "venue"}
        assert getattr(client, method)("/bookings/checkout/", params).status_code == 404
    room_a.venue.is_published = False
    room_a.venue.save()
    response = getattr(client, method)("/bookings/checkout/", _params(room_a, payment="venue"))
    assert response.status_code == 404
    assert not Booking.objects.exists()


def test_booking_without_a_payment_choice_books_nothing_and_says_so(client, client_user, room_a):
    client.force_login(client_user)
    response = client.post("/bookings/checkout/", _params(room_a))
    assert response.status_code == 200  # the quote still stands; only the choice is missing
    html = response.content.decode()
    assert "Выберите способ оплаты." in html and 'id="quote-total"' in html
    assert not Booking.objects.exists()


def test_a_booking_the_venue_refuses_keeps_the_quote(client, client_user, room_a):
    # The venue takes no online payment: the page says so and still shows the quote.
    client.force_login(client_user)
    response = client.post("/bookings/checkout/", _params(room_a, payment="online"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Этот объект не принимает онлайн-оплату." in html and 'id="quote-total"' in html
    assert not Booking.objects.exists()
