"""Online payment: the signed webhook confirms a hold once; bad signatures are refused and logged;
money that is not exactly the payment's confirms nothing and is due back; the built-in test
provider's page goes through the same webhook code."""

from __future__ import annotations

import json
import logging

import pytest

from bookings import selectors, services
from bookings.models import Booking, Payment
from bookings.payments import TestProvider
from tests.bookings.conftest import NOW, at

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]
DAY = "2026-12-02"


@pytest.fixture
def hold(room_a, client_user):
    room_a.venue.pay_online = True
    room_a.venue.save()
    return services.booking_create(
        user=client_user,
        room=room_a,
        start=at(DAY, "19:00"),
        end=at(DAY, "21:00"),
        payment="online",
        now=NOW,
    )


def _signed(payment, outcome="succeeded", secret_ok=True, **changes):
    provider = TestProvider()
    body = provider.event_body(payment, outcome)
    if changes:
        body = json.dumps({**json.loads(body), **changes}).encode()
    signature = provider.sign(body) if secret_ok else "0" * 64
    return body, signature


def _post(api_client, body, signature):
    return api_client.post(
        "/api/v1/payments/webhook/",
        data=body,
        content_type="application/json",
        HTTP_X_BRONKA_SIGNATURE=signature,
    )


def test_a_signed_success_confirms_the_hold(api_client, hold):
    payment = hold.payments.get()
    response = _post(api_client, *_signed(payment))
    assert response.status_code == 200, response.json()
    hold.refresh_from_db()
    assert hold.status == "confirmed" and hold.paid_at is not None
    payment.refresh_from_db()
    assert payment.status == "succeeded"


def _cashback_posted(booking) -> bool:
    from loyalty.models import LedgerTransaction

    return LedgerTransaction.objects.filter(
        idempotency_key__endswith=f"cashback:booking:{booking.pk}"
    ).exists()


def test_the_exact_amount_earns_cashback(api_client, hold, django_capture_on_commit_callbacks):
    # The counterpart of the mismatch test below: the check there is not vacuous.
    assert hold.money_due > 1
    with django_capture_on_commit_callbacks(execute=True):
        _post(api_client, *_signed(hold.payments.get()))
    assert _cashback_posted(hold)


@pytest.mark.parametrize(
    "changes",
    [
        {"amount": "1.00"},
        {"amount": "1700.01"},
        {"amount": "-1.00"},
        {"currency": "USD"},
        {"currency": "rub"},
    ],
    ids=["underpaid", "overpaid", "negative", "other-currency", "currency-spelt-otherwise"],
)
def test_money_that_is_not_the_payments_confirms_nothing_and_is_due_back(
    api_client, staff_user, client, hold, changes, django_capture_on_commit_callbacks
):
    from core.models import AuditLog

    payment = hold.payments.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(api_client, *_signed(payment, **changes))
    # 200: the event was understood, so the provider must not retry it forever.
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "refund_due"
    hold.refresh_from_db()
    assert hold.status == "hold" and hold.paid_at is None
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REFUND_DUE
    assert not _cashback_posted(hold)
    assert hold.events.filter(action="payment_mismatch").exists()
    audit = AuditLog.objects.get(object_type="bookings.payment", object_id=str(payment.pk))
    assert audit.action == "payment.payment_mismatch"
    assert audit.after["received"] == {
        "amount": changes.get("amount", str(payment.amount)),
        "currency": changes.get("currency", "RUB"),
    }
    # Staff find it in the admin by its state.
    client.force_login(staff_user)
    page = client.get("/admin/bookings/payment/", {"status__exact": "refund_due"})
    assert page.status_code == 200
    assert f"/admin/bookings/payment/{payment.pk}/" in page.content.decode()
    # A replay of the same event changes nothing more.
    again = _post(api_client, *_signed(payment, **changes))
    assert again.status_code == 200 and again.json()["changed"] is False


@pytest.mark.parametrize(
    "changes", [{"amount": None}, {"amount": "NaN"}, {"amount": "sNaN"}, {"currency": None}]
)
def test_an_event_without_a_usable_amount_or_currency_is_refused(api_client, hold, changes):
    payment = hold.payments.get()
    body = json.loads(TestProvider().event_body(payment, "succeeded"))
    for name, value in changes.items():
        if value is None:
            del body[name]
        else:
            body[name] = value
    raw = json.dumps(body).encode()
    response = _post(api_client, raw, TestProvider().sign(raw))
    assert response.status_code == 422
    hold.refresh_from_db()
    assert hold.status == "hold"
    assert hold.payments.get().status == "pending"


def test_a_replayed_webhook_changes_nothing(api_client, hold):
    body, signature = _signed(hold.payments.get())
    assert _post(api_client, body, signature).json()["changed"] is True
    again = _post(api_client, body, signature)
    assert again.status_code == 200 and again.json()["changed"] is False
    assert hold.events.filter(action="paid").count() == 1


def test_a_bad_signature_is_rejected_and_logged(api_client, hold, caplog):
    body, _signature = _signed(hold.payments.get())
    with caplog.at_level(logging.WARNING, logger="bookings.services"):
        response = _post(api_client, body, "0" * 64)
    assert response.status_code == 422
    assert "bad signature" in caplog.text
    hold.refresh_from_db()
    assert hold.status == "hold"
    # A body changed after signing is as bad as a wrong key.
    tampered = json.loads(body)
    tampered["status"] = "succeeded"
    tampered["amount"] = "1.00"
    assert (
        _post(
            api_client, json.dumps(tampered).encode(), _signed(hold.payments.get())[1]
        ).status_code
        == 422
    )
    assert _post(api_client, body, "").status_code == 422


def test_webhooks_come_only_from_the_providers_addresses_as_client_ip_sees_them(
    api_client, hold, settings
):
    settings.PAYMENT_WEBHOOK_ALLOWED_IPS = ["185.71.76.0/27"]
    body, signature = _signed(hold.payments.get())
    headers = {"HTTP_X_BRONKA_SIGNATURE": signature, "HTTP_X_FORWARDED_FOR": "185.71.76.1"}
    url = "/api/v1/payments/webhook/"
    # Anyone can write X-Forwarded-For: without a trusted proxy it is not believed.
    response = api_client.post(
        url, data=body, content_type="application/json", REMOTE_ADDR="203.0.113.5", **headers
    )
    assert response.status_code == 403
    hold.refresh_from_db()
    assert hold.status == "hold"
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    response = api_client.post(
        url, data=body, content_type="application/json", REMOTE_ADDR="10.0.0.2", **headers
    )
    assert response.status_code == 200
    hold.refresh_from_db()
    assert hold.status == "confirmed"


def test_a_failed_payment_keeps_the_hold_until_it_expires(api_client, hold):
    response = _post(api_client, *_signed(hold.payments.get(), "failed"))
    assert response.status_code == 200
    hold.refresh_from_db()
    assert hold.status == "hold"
    assert hold.payments.get().status == "failed"


def test_money_arriving_after_the_hold_expired_does_not_revive_it(api_client, hold):
    services.holds_expire(now=NOW.replace(minute=30))
    response = _post(api_client, *_signed(hold.payments.get()))
    assert response.status_code == 200
    hold.refresh_from_db()
    assert hold.status == "expired"
    assert hold.events.filter(action="payment_after_expiry").exists()
    assert hold.payments.get().status == Payment.Status.REFUND_DUE


def test_the_test_provider_page_pays_through_the_webhook(client, client_user, hold):
    client.force_login(client_user)
    payment = hold.payments.get()
    page = client.get(f"/payments/test/{payment.pk}/")
    assert page.status_code == 200
    response = client.post(f"/payments/test/{payment.pk}/", {"outcome": "succeeded"})
    assert response.status_code == 302
    hold.refresh_from_db()
    assert hold.status == "confirmed"
    assert Payment.objects.get(pk=payment.pk).external_id  # the event id the webhook recorded


def test_someone_elses_test_payment_page_is_404(client, hold):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    assert client.get(f"/payments/test/{hold.payments.get().pk}/").status_code == 404


def test_pay_again_after_a_failure(client_api, api_client, hold):
    _post(api_client, *_signed(hold.payments.get(), "failed"))
    response = client_api.post(f"/api/v1/bookings/{hold.pk}/pay/")
    assert response.status_code == 200
    assert "/payments/test/" in response.json()["payment_url"]
    assert Booking.objects.get(pk=hold.pk).payments.count() == 2


def test_a_hold_past_its_time_frees_the_slot_even_before_the_job_runs(room_a, hold, frozen):
    from tests.factories import UserFactory

    frozen.move_to(NOW.replace(minute=20))
    slots = {
        s["start"].hour: s["status"]
        for s in selectors.room_availability(room_a, at(DAY, "19:00").date())["slots"]
    }
    assert slots[19] == slots[20] == "free"
    booking = services.booking_create(
        user=UserFactory(),
        room=room_a,
        start=at(DAY, "19:00"),
        end=at(DAY, "20:00"),
        payment="venue",
    )
    assert booking.status == "confirmed"
    hold.refresh_from_db()
    assert hold.status == "expired"


def test_a_live_hold_still_blocks_the_slot(room_a, hold):
    from core.errors import Conflict
    from tests.factories import UserFactory

    with pytest.raises(Conflict):
        services.booking_create(
            user=UserFactory(),
            room=room_a,
            start=at(DAY, "19:00"),
            end=at(DAY, "20:00"),
            payment="venue",
        )
