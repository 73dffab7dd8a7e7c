"""The loyalty jobs: expiry (twice, concurrently, via runjob) and the expiry reminders."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connections
from django.test import TestCase

from loyalty import services
from loyalty.models import Account, ExpiryReminder, LedgerTransaction
from loyalty.selectors import ledger_audit
from tests.factories import UserFactory
from tests.loyalty.conftest import T0


def credit(user, amount, days, key, now=T0):
    return services.points_credit(
        services.Movement(
            user=user,
            amount=amount,
            lifetime=timedelta(days=days),
            kind="bonus",
            reason="Bonus",
            idempotency_key=key,
            now=now,
        )
    )


@pytest.mark.django_db
def test_runjob_loyalty_expire_as_of_a_moment_then_again_posts_nothing(client_user, capsys):
    credit(client_user, 100, 10, "a")
    credit(client_user, 50, 40, "b")
    moment = (T0 + timedelta(days=11)).isoformat()
    call_command("runjob", "loyalty_expire", now=moment)
    assert "expired 1 lots, 100 points" in capsys.readouterr().out
    call_command("runjob", "loyalty_expire", now=moment)
    assert "expired 0 lots, 0 points" in capsys.readouterr().out
    assert Account.objects.get(user=client_user, kind="wallet").balance == 50


@pytest.mark.django_db(transaction=True)
def test_two_expiry_workers_at_once_expire_each_lot_exactly_once():
    users = [UserFactory() for _ in range(12)]
    for n, user in enumerate(users):
        for k in range(5):
            credit(user, 10 + k, 1 + k, f"c:{n}:{k}")
    later = T0 + timedelta(days=30)
    results = []
    barrier = threading.Barrier(2)

    def worker():
        try:
            barrier.wait(timeout=30)
            results.append(services.points_expire(now=later, batch_size=3))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sum(r.lots for r in results) == 60
    assert LedgerTransaction.objects.filter(kind="expire").count() == 60
    assert services.points_expire(now=later).lots == 0
    assert ledger_audit().violations == []


@pytest.mark.django_db
def test_expiry_reminder_once_per_client_per_expiry_date(client_user, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    other = UserFactory(email="other@example.com")
    credit(client_user, 100, 10, "a")
    credit(client_user, 20, 10, "b")  # same day: one e-mail for 120 points
    credit(client_user, 30, 60, "c")  # far away: no e-mail yet
    credit(other, 5, 9, "d")
    run_at = T0 + timedelta(days=4)  # 6 days before the first expiry
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert services.expiry_reminders_send(now=run_at) == 2
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert services.expiry_reminders_send(now=run_at + timedelta(hours=1)) == 0
    assert len(mail.outbox) == 2
    to_client = next(m for m in mail.outbox if m.to == [client_user.email])
    assert "120" in to_client.subject
    assert "/me/points/" in to_client.body
    assert ExpiryReminder.objects.count() == 2


@pytest.mark.django_db
def test_no_reminder_for_points_already_spent_or_more_than_7_days_away(client_user, venue_a):
    credit(client_user, 100, 10, "a")
    services.points_spend(
        services.Movement(
            user=client_user, amount=100, venue=venue_a, reason="Paid", idempotency_key="s", now=T0
        )
    )
    credit(client_user, 100, 20, "b")
    assert services.expiry_reminders_send(now=T0 + timedelta(days=4)) == 0
