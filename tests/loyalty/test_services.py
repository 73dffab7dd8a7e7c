"""The ledger's services: credits, pending, spending, reserves, refunds, adjustments, clawback."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.errors import ApplicationError, Conflict, NotFound, PermissionDenied
from core.models import AuditLog
from loyalty import services
from loyalty.models import Account, LedgerTransaction, Lot
from loyalty.selectors import ledger_audit, points_summary
from tests.loyalty.conftest import balance_of

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


def credit(user, amount, now, key, lifetime=timedelta(days=365), **kw):
    return services.points_credit(
        services.Movement(
            user=user,
            amount=amount,
            lifetime=lifetime,
            kind="bonus",
            reason="Bonus",
            idempotency_key=key,
            now=now,
            **kw,
        )
    )


def spend(user, amount, venue, now, key, **kw):
    return services.points_spend(
        services.Movement(
            user=user, amount=amount, venue=venue, reason="Paid", idempotency_key=key, now=now, **kw
        )
    )


def assert_ledger_ok():
    report = ledger_audit()
    assert report.violations == []


def test_welcome_bonus_500_points_is_a_lot_living_90_days(client_user, now):
    tx = services.points_credit(
        services.Movement(
            user=client_user,
            amount=500,
            lifetime=timedelta(days=90),
            kind="welcome",
            reason="Welcome bonus",
            idempotency_key=f"welcome:user:{client_user.pk}",
            now=now,
        )
    )
    assert balance_of(client_user) == 500
    lot = Lot.objects.get(transaction=tx)
    assert (lot.amount, lot.remaining, lot.expires_at) == (500, 500, now + timedelta(days=90))
    assert sorted(tx.postings.values_list("amount", flat=True)) == [-500, 500]
    assert_ledger_ok()


def test_same_key_twice_posts_once_and_different_content_is_a_conflict(client_user, now):
    first = credit(client_user, 100, now, "bonus:1")
    again = credit(client_user, 100, now + DAY, "bonus:1")
    assert again.pk == first.pk
    assert balance_of(client_user) == 100
    with pytest.raises(Conflict):
        credit(client_user, 200, now, "bonus:1")
    assert balance_of(client_user) == 100


def test_spend_consumes_soonest_expiry_first_then_oldest(client_user, venue_a, now):
    late = credit(client_user, 100, now, "a", lifetime=timedelta(days=300))
    soon = credit(client_user, 100, now, "b", lifetime=timedelta(days=10))
    soon_too = credit(client_user, 100, now, "c", lifetime=timedelta(days=10))
    spend(client_user, 150, venue_a, now, "spend:1")
    remaining = {lot.transaction_id: lot.remaining for lot in Lot.objects.all()}
    assert remaining == {soon.pk: 0, soon_too.pk: 50, late.pk: 100}
    assert balance_of(client_user) == 150
    assert_ledger_ok()


def test_spend_more_than_available_is_refused_and_changes_nothing(client_user, venue_a, now):
    credit(client_user, 100, now, "a")
    with pytest.raises(Conflict):
        spend(client_user, 101, venue_a, now, "spend:1")
    assert balance_of(client_user) == 100
    assert not LedgerTransaction.objects.filter(kind="spend").exists()


def test_points_past_expiry_cannot_be_spent_before_the_job_runs(client_user, venue_a, now):
    credit(client_user, 100, now, "a", lifetime=timedelta(days=10))
    later = now + timedelta(days=10)
    with pytest.raises(Conflict):
        spend(client_user, 1, venue_a, later, "spend:1")
    assert points_summary(user=client_user, now=later).balance == 0


def test_bad_amounts_are_clear_errors(client_user, venue_a, now):
    for amount in (0, -5, 1.5, True, 10**12):
        with pytest.raises(ApplicationError):
            credit(client_user, amount, now, f"bad:{amount}")
    with pytest.raises(ApplicationError):
        credit(client_user, 5, now, "bad:lifetime", lifetime=timedelta(0))
    assert not LedgerTransaction.objects.exists()


def test_pending_cashback_released_becomes_a_lot_and_cannot_be_released_twice(
    client_user, venue_a, now, booking
):
    services.points_pending_credit(
        services.Movement(
            user=client_user,
            amount=45,
            lifetime=timedelta(days=365),
            kind="cashback",
            reason="Cashback",
            idempotency_key="cashback:booking:7",
            booking_id=booking.pk,
            now=now,
        )
    )
    assert balance_of(client_user, "pending") == 45
    assert balance_of(client_user) == 0
    release_at = now + 2 * DAY
    services.points_pending_release(
        "cashback:booking:7",
        services.Settlement(idempotency_key="cashback-release:booking:7", now=release_at),
    )
    assert balance_of(client_user, "pending") == 0
    assert balance_of(client_user) == 45
    assert Lot.objects.get().expires_at == release_at + timedelta(days=365)
    with pytest.raises(Conflict):
        services.points_pending_cancel(
            "cashback:booking:7",
            services.Settlement(idempotency_key="cashback-cancel:booking:7", now=now),
        )
    assert_ledger_ok()


def test_pending_cancelled_goes_back_to_the_venue_that_funds_it(client_user, venue_a, now):
    services.points_pending_credit(
        services.Movement(
            user=client_user,
            amount=30,
            lifetime=timedelta(days=365),
            kind="cashback",
            reason="Boost",
            idempotency_key="boost:booking:8",
            venue=venue_a,
            now=now,
        )
    )
    services.points_pending_cancel(
        "boost:booking:8", services.Settlement(idempotency_key="boost-cancel:booking:8", now=now)
    )
    funding = Account.objects.get(kind="venue_funding", venue=venue_a)
    assert sum(funding.postings.values_list("amount", flat=True)) == 0
    assert balance_of(client_user, "pending") == 0
    assert_ledger_ok()


def test_refund_restores_the_same_lots_and_partial_refund_keeps_the_fee(
    client_user, venue_a, now, booking
):
    soon = credit(client_user, 100, now, "a", lifetime=timedelta(days=10))
    late = credit(client_user, 100, now, "b", lifetime=timedelta(days=100))
    spend(client_user, 150, venue_a, now, "spend:1", booking_id=booking.pk)
    # A 20% cancellation fee: 120 of 150 come back, the lots consumed last first.
    services.points_refund(
        "spend:1", services.Settlement(idempotency_key="refund:1", now=now), amount=120
    )
    remaining = {lot.transaction_id: lot.remaining for lot in Lot.objects.all()}
    assert remaining == {soon.pk: 70, late.pk: 100}
    assert services.points_refundable(spend_key="spend:1") == 30
    with pytest.raises(Conflict):
        services.points_refund(
            "spend:1", services.Settlement(idempotency_key="refund:2", now=now), amount=31
        )
    services.points_refund("spend:1", services.Settlement(idempotency_key="refund:3", now=now))
    assert balance_of(client_user) == 200
    assert services.points_refundable(spend_key="spend:1") == 0
    assert_ledger_ok()


def test_refund_of_an_expired_lot_comes_back_with_30_days_of_grace(client_user, venue_a, now):
    credit(client_user, 100, now, "a", lifetime=timedelta(days=10))
    spend(client_user, 60, venue_a, now, "spend:1")
    later = now + timedelta(days=20)
    services.points_expire(now=later)
    assert balance_of(client_user) == 0
    services.points_refund("spend:1", services.Settlement(idempotency_key="refund:1", now=later))
    grace = Lot.objects.get(origin__isnull=False)
    assert (grace.remaining, grace.expires_at) == (60, later + timedelta(days=30))
    assert points_summary(user=client_user, now=later).balance == 60
    assert_ledger_ok()


def test_reserve_then_release_returns_points_and_capture_then_refund(client_user, venue_a, now):
    credit(client_user, 300, now, "a")
    services.points_reserve(
        services.Movement(
            user=client_user,
            amount=100,
            venue=venue_a,
            reason="Hold",
            idempotency_key="hold:1",
            now=now,
        )
    )
    assert balance_of(client_user) == 200
    assert balance_of(client_user, "held") == 100
    with pytest.raises(Conflict):  # not captured: a hold is released, not refunded
        services.points_refund("hold:1", services.Settlement(idempotency_key="refund:x", now=now))
    services.points_reserve_release(
        "hold:1", services.Settlement(idempotency_key="hold:1:release", now=now)
    )
    assert balance_of(client_user) == 300
    assert balance_of(client_user, "held") == 0
    with pytest.raises(Conflict):
        services.points_reserve_capture(
            "hold:1", services.Settlement(idempotency_key="hold:1:cap", now=now)
        )

    services.points_reserve(
        services.Movement(
            user=client_user,
            amount=80,
            venue=venue_a,
            reason="Hold",
            idempotency_key="hold:2",
            now=now,
        )
    )
    services.points_reserve_capture(
        "hold:2", services.Settlement(idempotency_key="hold:2:cap", now=now)
    )
    assert balance_of(client_user) == 220
    assert balance_of(client_user, "held") == 0
    services.points_refund("hold:2", services.Settlement(idempotency_key="hold:2:refund", now=now))
    assert balance_of(client_user) == 300
    assert_ledger_ok()


def test_staff_adjustment_needs_staff_and_a_reason_and_leaves_an_audit_record(
    client_user, staff_user, now
):
    with pytest.raises(PermissionDenied):
        services.points_adjust(
            services.Movement(
                user=client_user,
                amount=50,
                reason="x",
                actor=client_user,
                idempotency_key="k",
                now=now,
            )
        )
    with pytest.raises(ApplicationError):
        services.points_adjust(
            services.Movement(
                user=client_user,
                amount=50,
                reason="  ",
                actor=staff_user,
                idempotency_key="k",
                now=now,
            )
        )
    tx = services.points_adjust(
        services.Movement(
            user=client_user,
            amount=50,
            reason="Compensation for a broken amp",
            actor=staff_user,
            idempotency_key="adj:1",
            now=now,
        )
    )
    assert balance_of(client_user) == 50
    record = AuditLog.objects.get(action="points.adjust")
    assert record.actor == staff_user
    assert record.object_id == str(tx.pk)
    assert record.after["amount"] == 50
    with pytest.raises(Conflict):
        services.points_adjust(
            services.Movement(
                user=client_user,
                amount=-51,
                reason="Oops",
                actor=staff_user,
                idempotency_key="adj:2",
                now=now,
            )
        )
    services.points_adjust(
        services.Movement(
            user=client_user,
            amount=-20,
            reason="Oops",
            actor=staff_user,
            idempotency_key="adj:3",
            now=now,
        )
    )
    assert balance_of(client_user) == 30
    assert_ledger_ok()


def test_clawback_takes_what_there_is_and_records_the_rest_as_receivable(client_user, now):
    credit(client_user, 120, now, "a")
    services.points_clawback(
        services.Movement(
            user=client_user,
            amount=300,
            reason="Referral reversed",
            idempotency_key="claw:1",
            now=now,
        )
    )
    assert balance_of(client_user) == 0
    receivable = Account.objects.get(kind="clawback_receivable")
    assert sum(receivable.postings.values_list("amount", flat=True)) == -180
    assert_ledger_ok()


def test_refund_of_unknown_spend_is_not_found(now):
    with pytest.raises(NotFound):
        services.points_refund("nope", services.Settlement(idempotency_key="r", now=now))


def test_expire_is_idempotent_and_burns_only_overdue_lots(client_user, now):
    credit(client_user, 100, now, "a", lifetime=timedelta(days=10))
    credit(client_user, 40, now, "b", lifetime=timedelta(days=50))
    later = now + timedelta(days=11)
    first = services.points_expire(now=later)
    second = services.points_expire(now=later)
    assert (first.lots, first.points) == (1, 100)
    assert (second.lots, second.points) == (0, 0)
    assert balance_of(client_user) == 40
    assert LedgerTransaction.objects.filter(kind="expire").count() == 1
    assert_ledger_ok()


def test_a_credit_cannot_pretend_to_be_a_spend_or_an_expiry(client_user, now):
    for kind in ("spend", "expire", "refund", "nonsense"):
        with pytest.raises(ApplicationError):
            services.points_credit(
                services.Movement(
                    user=client_user,
                    amount=10,
                    lifetime=timedelta(days=1),
                    kind=kind,
                    reason="x",
                    idempotency_key=f"k:{kind}",
                    now=now,
                )
            )
    assert not LedgerTransaction.objects.exists()


def test_an_addition_with_no_lifetime_lives_a_year_and_a_zero_lifetime_is_refused(
    client_user, staff_user, now
):
    def adjust(key, lifetime):
        return services.points_adjust(
            services.Movement(
                user=client_user,
                amount=10,
                reason="Support",
                actor=staff_user,
                idempotency_key=key,
                now=now,
                lifetime=lifetime,
            )
        )

    adjust("adjust:default", None)
    assert Lot.objects.get().expires_at == now + services.DEFAULT_LIFETIME
    with pytest.raises(ApplicationError) as refused:
        adjust("adjust:zero", timedelta(0))
    assert "lifetime" in refused.value.fields
