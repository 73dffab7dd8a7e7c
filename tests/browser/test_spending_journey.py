"""The owner lets clients pay 25 % with points; a client with the 500 welcome points books a
2,000 ₽ room, the checkout allows at most 500, they pay 1,500 ₽, their bookings show the points
used, and after the session and the jobs "My points" shows the cashback."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils import timezone

from bookings.models import Booking
from loyalty import services as ledger
from loyalty.selectors import ledger_audit
from tests.browser.test_booking_journey import _log_in
from tests.factories import price_every_day

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_owner_sets_25_percent_and_a_client_pays_part_with_points(
    browser, live_server, client_user, owner_a, room_a
):
    room_a.prices.all().delete()
    price_every_day(room_a, Decimal("1000.00"))
    venue = room_a.venue
    venue.schedule_confirmed_at = timezone.now()
    venue.save()
    ledger.welcome_bonus_grant(user=client_user, now=timezone.now())

    owner = browser.new_context(base_url=live_server.url, locale="ru-RU")
    owner_page = owner.new_page()
    owner_page.set_default_timeout(15_000)
    _log_in(owner_page, owner_a.email)
    owner_page.goto(f"/dashboard/venues/{venue.pk}/")
    owner_page.get_by_role("link", name="Баллы и кешбэк").click()
    owner_page.locator("#id_accepts_points").check()
    owner_page.locator("#id_max_points_percent").fill("25")
    owner_page.get_by_role("button", name="Сохранить").first.click()
    owner_page.get_by_text("Настройки баллов сохранены.").wait_for()
    venue.refresh_from_db()
    assert venue.accepts_points and venue.max_points_percent == 25
    owner.close()

    zone = ZoneInfo(venue.timezone)
    day = timezone.now().astimezone(zone).date() + timedelta(days=2)
    start = datetime.combine(day, time(19, 0), tzinfo=zone)
    client = browser.new_context(base_url=live_server.url, locale="ru-RU")
    page = client.new_page()
    page.set_default_timeout(15_000)
    _log_in(page, client_user.email)
    page.goto(
        f"/bookings/checkout/?room={room_a.pk}&start={start.isoformat()}&minutes=120".replace(
            "+", "%2B"
        )
    )
    number = page.locator("#points-number")
    assert number.get_attribute("max") == "500"
    assert page.locator("#points-range").get_attribute("max") == "500"
    # Out of range or a fraction: the field takes the nearest allowed whole number, not 0.
    for typed, used, due in [
        ("600", "500", r"1\s500"),
        ("-5", "0", r"2\s000"),
        ("12.7", "12", r"1\s988"),
    ]:
        number.fill(typed)
        page.locator("#quote-money-due", has_text=re.compile(due)).wait_for()
        assert page.locator("#points-number").input_value() == used, typed
        assert page.locator("#points-range").input_value() == used, typed
    number.fill("500")
    page.locator("#quote-money-due", has_text=re.compile(r"1\s500")).wait_for()
    page.locator("input[name=payment][value=venue]").check()
    page.locator("#checkout-form button[type=submit]").click()
    page.locator("[data-testid=booking-points]").wait_for()
    booking = Booking.objects.get()
    assert (booking.points, booking.money_due) == (500, Decimal("1500.00"))
    assert "500" in page.locator("[data-testid=booking-points]").inner_text()
    page.goto("/me/bookings/")
    page.locator("#upcoming-bookings").get_by_text("500", exact=False).wait_for()

    # The session ends; a day later the jobs complete it and make its cashback available:
    # Bronze tier, 1 % of the 1,500 ₽ paid in money = 15 points.
    after_window = booking.end + timedelta(hours=25)
    call_command("runjob", "bookings_complete", now=after_window.isoformat())
    call_command("runjob", "loyalty_accrue", now=after_window.isoformat())
    page.goto("/me/points/")
    assert page.get_by_test_id("balance").inner_text() == "15"
    assert page.get_by_test_id("pending").inner_text() == "0"
    assert ledger_audit().violations == []
    client.close()
