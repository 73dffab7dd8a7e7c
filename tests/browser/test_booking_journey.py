"""A client finds a free evening slot, books it paying at the venue, sees it in "my bookings" and
cancels it; the owner sees it in the venue calendar."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from bookings.models import Booking
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, email):
    page.goto("/accounts/login/")
    page.get_by_label("Адрес электронной почты").fill(email)
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_load_state()


def test_book_an_evening_slot_see_it_cancel_it_and_the_owner_sees_it(
    browser, live_server, client_user, owner_a, room_a
):
    tomorrow = (timezone.now().astimezone(ZoneInfo("Europe/Moscow")) + timedelta(days=1)).date()
    client = browser.new_context(base_url=live_server.url, locale="ru-RU")
    page = client.new_page()
    page.set_default_timeout(15_000)
    _log_in(page, client_user.email)

    page.goto(f"/rooms/{room_a.pk}/book/?date={tomorrow.isoformat()}")
    # Step to the day after and back with htmx: the picker reloads in place.
    page.get_by_role("link", name="Следующий день →").click()
    page.get_by_text((tomorrow + timedelta(days=1)).strftime("%Y")).first.wait_for()
    page.get_by_role("link", name="← Предыдущий день").click()
    page.get_by_label("19:00–20:00 · 900 ₽").check()
    page.get_by_label("Длительность").select_option(label="2 ч")
    page.get_by_role("button", name="Продолжить").click()

    page.get_by_text("Итого").wait_for()
    assert "1\u00a0800\u00a0₽" in page.locator("#quote-total").inner_text()
    page.get_by_label("Оплата на месте").check()
    page.get_by_role("button", name="Забронировать").click()
    page.get_by_text("Забронировано! До встречи.").wait_for()
    booking = Booking.objects.get()
    assert booking.status == "confirmed" and booking.user == client_user

    page.get_by_role("link", name="← Мои брони").click()
    upcoming = page.locator("#upcoming-bookings")
    upcoming.get_by_text(room_a.name, exact=False).wait_for()

    # The owner sees it in the calendar of that day.
    owner = browser.new_context(base_url=live_server.url, locale="ru-RU")
    owner_page = owner.new_page()
    owner_page.set_default_timeout(15_000)
    _log_in(owner_page, owner_a.email)
    owner_page.goto(f"/dashboard/venues/{room_a.venue_id}/calendar/?date={tomorrow.isoformat()}")
    owner_page.get_by_text("Анна Клиентова").wait_for()
    assert "19:00–21:00" in owner_page.content()

    # The client cancels (free: more than 24 hours before? not necessarily — the page says).
    upcoming.get_by_role("link").first.click()
    page.get_by_role("link", name="Отменить бронь").click()  # asks first, on a page of its own
    page.get_by_text("Отменить бронь?").first.wait_for()
    booking.refresh_from_db()
    assert booking.status == "confirmed"
    page.get_by_role("button", name="Да, отменить бронь").click()
    page.get_by_text("Бронь отменена").first.wait_for()
    booking.refresh_from_db()
    assert booking.status == "cancelled"
    page.goto("/me/bookings/")
    page.locator("#past-bookings").get_by_text("отменена").wait_for()

    owner_page.reload()
    owner_page.get_by_text("отменена").wait_for()
    client.close()
    owner.close()
