"""Client pages: the slot picker (htmx partial and page), checkout, my bookings, detail, cancel,
reschedule; the checkout shows the same quote as the API."""

from __future__ import annotations

import pytest

from bookings import services
from bookings.models import Booking
from tests.bookings.conftest import NOW, at
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]
DAY = "2026-12-02"


def test_the_availability_partial_lists_free_slots_with_prices(client, room_a):
    response = client.get(f"/rooms/{room_a.pk}/availability/?date={DAY}", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert '19:00–20:00 · <span class="money">900\u00a0₽</span>' in html
    assert "<html" not in html


def test_the_book_page_works_without_a_catalogue(client, room_a):
    response = client.get(f"/rooms/{room_a.pk}/book/?date={DAY}")
    assert response.status_code == 200
    assert room_a.name in response.content.decode()
    assert client.get("/rooms/999999/book/").status_code == 404


def test_checkout_shows_the_quote_and_books(client, client_user, room_a):
    client.force_login(client_user)
    start = at(DAY, "19:00").isoformat()
    page = client.get("/bookings/checkout/", {"room": room_a.pk, "start": start, "minutes": 120})
    assert page.status_code == 200
    assert "1\u00a0800\u00a0₽" in page.content.decode()  # the rub format of the whole site
    response = client.post(
        "/bookings/checkout/",
        {"room": room_a.pk, "start": start, "minutes": 120, "payment": "venue"},
    )
    booking = Booking.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/me/bookings/{booking.pk}/"
    assert booking.status == "confirmed"


def test_checkout_of_taken_time_shows_a_message_not_a_500(client, client_user, room_a):
    services.booking_create(
        user=UserFactory(),
        room=room_a,
        start=at(DAY, "19:00"),
        end=at(DAY, "20:00"),
        payment="venue",
        now=NOW,
    )
    client.force_login(client_user)
    response = client.post(
        "/bookings/checkout/",
        {
            "room": room_a.pk,
            "start": at(DAY, "19:00").isoformat(),
            "minutes": 60,
            "payment": "venue",
        },
    )
    assert response.status_code == 400
    assert "уже занято" in response.content.decode() or "already taken" in response.content.decode()
    assert Booking.objects.count() == 1


def test_my_bookings_detail_and_cancel(client, client_user, room_a, django_assert_max_num_queries):
    for hour in ("12:00", "15:00", "19:00"):
        services.booking_create(
            user=client_user,
            room=room_a,
            start=at(DAY, hour),
            end=at(DAY, hour).replace(hour=int(hour[:2]) + 1),
            payment="venue",
            now=NOW,
        )
    booking = Booking.objects.order_by("start").last()
    client.force_login(client_user)
    with django_assert_max_num_queries(8):
        page = client.get("/me/bookings/")
    assert page.status_code == 200
    detail = client.get(f"/me/bookings/{booking.pk}/")
    assert (
        "Отменить бронь" in detail.content.decode()
        or "Cancel the booking" in detail.content.decode()
    )
    client.post(f"/me/bookings/{booking.pk}/cancel/")
    booking.refresh_from_db()
    assert booking.status == "cancelled"


def test_someone_elses_booking_pages_are_404(client, room_a):
    booking = services.booking_create(
        user=UserFactory(),
        room=room_a,
        start=at(DAY, "19:00"),
        end=at(DAY, "20:00"),
        payment="venue",
        now=NOW,
    )
    client.force_login(UserFactory())
    assert client.get(f"/me/bookings/{booking.pk}/").status_code == 404
    assert client.post(f"/me/bookings/{booking.pk}/cancel/").status_code == 404
    booking.refresh_from_db()
    assert booking.status == "confirmed"


def test_reschedule_page_moves_the_booking(client, client_user, room_a):
    booking = services.booking_create(
        user=client_user,
        room=room_a,
        start=at(DAY, "19:00"),
        end=at(DAY, "20:00"),
        payment="venue",
        now=NOW,
    )
    client.force_login(client_user)
    assert client.get(f"/me/bookings/{booking.pk}/reschedule/").status_code == 200
    response = client.post(
        f"/me/bookings/{booking.pk}/reschedule/",
        {"start": at(DAY, "21:00").isoformat(), "minutes": 120},
    )
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.start == at(DAY, "21:00") and str(booking.price) == "1800.00"


def test_template_tags_render_the_picker_and_reviews_for_other_pages(room_a):
    from django.template import Context, Template

    html = Template(
        "{% load bookings_tags %}{% availability_picker room %}{% reviews_block venue=room.venue %}"
    ).render(Context({"room": room_a}))
    assert f'id="availability-{room_a.pk}"' in html
    assert "900\u00a0₽" in html


def test_online_checkout_sends_the_client_to_the_payment_page_then_confirms(
    client, client_user, room_a
):
    room_a.venue.pay_online = True
    room_a.venue.save()
    client.force_login(client_user)
    response = client.post(
        "/bookings/checkout/",
        {
            "room": room_a.pk,
            "start": at(DAY, "19:00").isoformat(),
            "minutes": 60,
            "payment": "online",
        },
    )
    booking = Booking.objects.get()
    assert booking.status == "hold"
    payment = booking.payments.get()
    assert response["Location"] == f"/payments/test/{payment.pk}/"
    client.post(response["Location"], {"outcome": "succeeded"})
    booking.refresh_from_db()
    assert booking.status == "confirmed" and booking.paid_at is not None


def test_admin_lists_and_shows_bookings_with_their_history(client, staff_user, room_a, client_user):
    booking = services.booking_create(
        user=client_user,
        room=room_a,
        start=at(DAY, "19:00"),
        end=at(DAY, "20:00"),
        payment="venue",
        now=NOW,
    )
    services.booking_cancel(booking_id=booking.pk, actor=client_user, now=NOW)
    client.force_login(staff_user)
    listing = client.get("/admin/bookings/booking/?status__exact=cancelled")
    assert (
        listing.status_code == 200
        and f"/admin/bookings/booking/{booking.pk}/" in listing.content.decode()
    )
    detail = client.get(f"/admin/bookings/booking/{booking.pk}/change/")
    assert detail.status_code == 200
    assert "cancel" in detail.content.decode()
