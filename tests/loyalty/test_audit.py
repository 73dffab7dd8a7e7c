"""The audit of the ledger (command and nightly job) finds a corrupted ledger and names it."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from core import jobs
from loyalty import services
from loyalty.models import Account
from tests.loyalty.conftest import T0

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(client_user, venue_a):
    services.points_credit(
        services.Movement(
            user=client_user,
            amount=300,
            lifetime=timedelta(days=30),
            kind="bonus",
            reason="Bonus",
            idempotency_key="bonus:1",
            now=T0,
        )
    )
    services.points_spend(
        services.Movement(
            user=client_user, amount=120, venue=venue_a, reason="Paid", idempotency_key="s", now=T0
        )
    )
    return Account.objects.get(user=client_user, kind="wallet")


def test_audit_of_a_sound_ledger_reports_zero_violations(ledger, capsys):
    call_command("loyalty_audit")
    out = capsys.readouterr().out
    assert "0 violations" in out
    assert "points_available: 180" in out


def test_a_corrupted_cached_balance_makes_the_audit_fail_naming_the_wallet(ledger, capsys):
    Account.objects.filter(pk=ledger.pk).update(balance=999)
    with pytest.raises(CommandError, match="2 ledger violations"):
        call_command("loyalty_audit")
    err = capsys.readouterr().err
    assert f"account {ledger.pk} (wallet of user {ledger.user_id}): cached balance 999" in err
    assert (
        f"wallet {ledger.pk} (user {ledger.user_id}): cached balance 999, its lots hold 180" in err
    )


def test_the_nightly_audit_job_logs_an_error_on_violation(ledger, caplog):
    assert "violations=0" in jobs.run("loyalty_audit", now=T0)
    Account.objects.filter(pk=ledger.pk).update(balance=1)
    with caplog.at_level(logging.ERROR, logger="loyalty.jobs"):
        summary = jobs.run("loyalty_audit", now=T0)
    assert "violations=2" in summary
    assert any("cached balance 1" in r.getMessage() for r in caplog.records)


def test_the_audit_names_a_booking_that_earned_cashback_twice(client_user, booking, capsys):
    for key in (f"cashback:booking:{booking.pk}", f"cashback-again:booking:{booking.pk}"):
        services.points_credit(
            services.Movement(
                user=client_user,
                amount=40,
                lifetime=timedelta(days=365),
                kind="cashback",
                reason="Cashback",
                idempotency_key=key,
                booking_id=booking.pk,
                now=T0,
            )
        )
    with pytest.raises(CommandError, match="1 ledger violations"):
        call_command("loyalty_audit")
    assert f"invariant 5: booking {booking.pk} earned cashback 2 times" in capsys.readouterr().err
