"""The client's points through the API and the "My points" page; the admin's ledger and form."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from core.models import AuditLog
from loyalty import services
from loyalty.models import Account, LedgerTransaction
from tests.factories import BookingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def points(client_user, venue_a):
    now = timezone.now()
    # Bookings #77 (earning) and #78 (paid partly with points), for the history's links.
    BookingFactory(pk=77, user=client_user)
    BookingFactory(pk=78, user=client_user)
    services.points_credit(
        services.Movement(
            user=client_user,
            amount=500,
            lifetime=timedelta(days=90),
            kind="welcome",
            reason="Welcome bonus",
            idempotency_key="welcome:1",
            now=now - timedelta(days=2),
        )
    )
    services.points_pending_credit(
        services.Movement(
            user=client_user,
            amount=45,
            lifetime=timedelta(days=365),
            kind="cashback",
            reason="Cashback for booking #%(booking)s",
            reason_params={"booking": 77},
            idempotency_key="cashback:booking:77",
            booking_id=77,
            now=now - timedelta(days=1),
        )
    )
    services.points_spend(
        services.Movement(
            user=client_user,
            amount=120,
            venue=venue_a,
            reason="Paid part of booking #%(booking)s",
            reason_params={"booking": 78},
            idempotency_key="spend:booking:78",
            booking_id=78,
            now=now,
        )
    )
    return now


def test_api_points_shows_balance_pending_and_what_expires_when(client_api, points):
    data = client_api.get("/api/v1/me/points/").json()
    assert data.pop("tier")["name"] == "Бронза"
    expires = timezone.localdate(points - timedelta(days=2) + timedelta(days=90))
    assert data == {
        "balance": 380,
        "pending": 45,
        "expiring": [{"date": expires.isoformat(), "points": 380}],
    }


def test_api_history_is_paginated_newest_first_with_reasons_and_booking_links(client_api, points):
    data = client_api.get("/api/v1/me/points/history/", HTTP_ACCEPT_LANGUAGE="en").json()
    # Paged by cursor (no count: counting a long history costs more than the page itself).
    assert (data["next"], data["previous"]) == (None, None)
    spend, pending, welcome = data["results"]
    assert (spend["amount"], spend["kind"], spend["booking_url"]) == (
        -120,
        "spend",
        "/me/bookings/78/",
    )
    assert spend["reason"] == "Paid part of booking #78"
    assert (pending["amount"], pending["pending"], pending["booking_id"]) == (0, 45, 77)
    assert (welcome["amount"], welcome["booking_url"]) == (500, None)


def test_api_points_needs_a_login(api_client):
    assert api_client.get("/api/v1/me/points/").status_code in (401, 403)
    assert api_client.get("/api/v1/me/points/history/").status_code in (401, 403)


def test_another_client_sees_none_of_these_points(api_client, points):
    from tests.factories import UserFactory

    api_client.force_authenticate(UserFactory())
    assert api_client.get("/api/v1/me/points/").json()["balance"] == 0
    assert api_client.get("/api/v1/me/points/history/").json()["results"] == []


def test_my_points_page_shows_the_numbers_and_a_translated_history(
    client, client_user, points, django_assert_max_num_queries
):
    client.force_login(client_user)
    with django_assert_max_num_queries(10):
        html = client.get("/me/points/").content.decode()
    assert "380" in html and "45" in html
    assert "/me/bookings/78/" in html
    assert 'href="/me/points/"' in html  # linked from the menu


def test_my_points_page_history_query_count_does_not_grow_with_lines(
    client, client_user, venue_a, django_assert_max_num_queries
):
    now = timezone.now()
    for n in range(30):
        services.points_credit(
            services.Movement(
                user=client_user,
                amount=10,
                lifetime=timedelta(days=30),
                kind="bonus",
                reason="Bonus",
                idempotency_key=f"b:{n}",
                now=now,
            )
        )
    client.force_login(client_user)
    older = client.get("/me/points/").context["history"].older  # the second page's cursor
    with django_assert_max_num_queries(10):
        response = client.get(f"/me/points/?before={older}")
    assert response.status_code == 200
    assert len(response.context["history"].lines) == 10


def test_my_points_page_needs_a_login(client):
    response = client.get("/me/points/")
    assert response.status_code == 302


def test_admin_ledger_is_read_only(client, staff_user, points):
    client.force_login(staff_user)
    tx = LedgerTransaction.objects.filter(kind="spend").get()
    assert client.get("/admin/loyalty/ledgertransaction/?kind__exact=spend").status_code == 200
    page = client.get(f"/admin/loyalty/ledgertransaction/{tx.pk}/change/")
    assert page.status_code == 200
    assert "spend:booking:78" in page.content.decode()
    assert client.get("/admin/loyalty/ledgertransaction/add/").status_code == 403
    assert client.post(f"/admin/loyalty/ledgertransaction/{tx.pk}/delete/").status_code == 403
    assert client.get("/admin/loyalty/lot/").status_code == 200


def test_admin_adjust_form_posts_through_the_service_once_with_an_audit_record(
    client, staff_user, client_user, points
):
    client.force_login(staff_user)
    assert client.get("/admin/loyalty/ledgertransaction/adjust/").status_code == 200
    form = {
        "user": client_user.email,
        "amount": "-80",
        "reason": "Duplicate cashback",
        "lifetime_days": "365",
        "idempotency_key": "adjust:form-1",
    }
    assert client.post("/admin/loyalty/ledgertransaction/adjust/", form).status_code == 302
    assert client.post("/admin/loyalty/ledgertransaction/adjust/", form).status_code == 302
    assert Account.objects.get(user=client_user, kind="wallet").balance == 300
    assert AuditLog.objects.filter(action="points.adjust", actor=staff_user).count() == 1


def test_admin_adjust_form_refuses_a_blank_reason_and_too_many_points(
    client, staff_user, client_user, points
):
    client.force_login(staff_user)
    base = {"user": client_user.email, "lifetime_days": "365", "idempotency_key": "k1"}
    response = client.post(
        "/admin/loyalty/ledgertransaction/adjust/", {**base, "amount": "10", "reason": " "}
    )
    assert response.status_code == 200
    response = client.post(
        "/admin/loyalty/ledgertransaction/adjust/",
        {**base, "amount": "-100000", "reason": "Oops", "idempotency_key": "k2"},
    )
    assert response.status_code == 200
    assert "errornote" in response.content.decode()
    assert not LedgerTransaction.objects.filter(kind="adjustment").exists()


def test_admin_adjust_form_is_for_staff_only(client, client_user):
    client.force_login(client_user)
    response = client.get("/admin/loyalty/ledgertransaction/adjust/")
    assert response.status_code == 302  # to the admin login
