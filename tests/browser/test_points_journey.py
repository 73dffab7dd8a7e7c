"""A client with points logs in, opens "My points" from the menu and sees balance and history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from loyalty import services
from tests.factories import PASSWORD, BookingFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_client_sees_balance_pending_expiry_and_history(page):
    user = UserFactory(email="anna@example.com")
    now = timezone.now()
    booking = BookingFactory(user=user)
    services.points_credit(
        services.Movement(
            user=user,
            amount=500,
            lifetime=timedelta(days=90),
            kind="welcome",
            reason="Pending points became available",  # a message id with a Russian translation
            idempotency_key="welcome:anna",
            now=now,
        )
    )
    services.points_pending_credit(
        services.Movement(
            user=user,
            amount=45,
            lifetime=timedelta(days=365),
            kind="cashback",
            reason="Cashback",
            idempotency_key="cashback:booking:1",
            booking_id=booking.pk,
            now=now,
        )
    )
    page.goto("/accounts/login/")
    page.get_by_label("Адрес электронной почты").fill("anna@example.com")
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.get_by_role("link", name="Мои баллы").click()
    page.wait_for_url("**/me/points/")
    assert page.get_by_test_id("balance").inner_text() == "500"
    assert page.get_by_test_id("pending").inner_text() == "45"
    page.get_by_text("Ожидающие баллы стали доступны").wait_for()
    link = page.get_by_role("link", name=f"#{booking.pk}")
    assert link.get_attribute("href") == f"/me/bookings/{booking.pk}/"
