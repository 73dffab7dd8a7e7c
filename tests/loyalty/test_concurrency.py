"""The ledger under concurrency on real PostgreSQL: the bank test and idempotency under a race."""

from __future__ import annotations

import random
import threading
from datetime import timedelta

import pytest
from django.db import connection, connections

from core.errors import Conflict
from loyalty import services
from loyalty.models import Account, LedgerTransaction
from loyalty.selectors import ledger_audit
from tests.factories import UserFactory, VenueFactory
from tests.loyalty.conftest import T0

THREADS = 30
OPERATIONS = 10_000
WALLETS = 5


def run_threads(count: int, target) -> list[BaseException]:
    errors: list[BaseException] = []

    def wrapped(index: int) -> None:
        try:
            target(index)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=wrapped, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck (deadlock?)"
    return errors


@pytest.mark.django_db(transaction=True)
def test_bank_30_threads_10000_operations_on_5_hot_wallets_keep_every_invariant():
    users = [UserFactory() for _ in range(WALLETS)]
    venue = VenueFactory()
    for n, user in enumerate(users):
        services.points_credit(
            services.Movement(
                user=user,
                amount=5_000,
                lifetime=timedelta(days=1),
                kind="bonus",
                reason="Start",
                idempotency_key=f"start:{n}",
                now=T0,
            )
        )
    counter = iter(range(OPERATIONS))
    counter_lock = threading.Lock()
    spends: list[str] = []
    tally = {"spend": 0, "credit": 0, "refund": 0, "expire": 0, "conflict": 0}

    def next_op() -> int | None:
        with counter_lock:
            return next(counter, None)

    def worker(index: int) -> None:
        rng = random.Random(index)
        while (op := next_op()) is not None:
            # A shared clock that moves on a minute per operation; threads interleave, so
            # some operations run "in the past" of others, as retried jobs do.
            now = T0 + timedelta(minutes=op)
            user = users[rng.randrange(WALLETS)]
            choice = rng.random()
            try:
                if choice < 0.40:
                    key = f"spend:{op}"
                    services.points_spend(
                        services.Movement(
                            user=user,
                            amount=rng.randint(1, 300),
                            venue=venue,
                            reason="Paid",
                            idempotency_key=key,
                            now=now,
                        )
                    )
                    spends.append(key)
                    kind = "spend"
                elif choice < 0.70:
                    services.points_credit(
                        services.Movement(
                            user=user,
                            amount=rng.randint(1, 300),
                            lifetime=timedelta(minutes=rng.randint(1, 900)),
                            kind="bonus",
                            reason="Bonus",
                            idempotency_key=f"credit:{op}",
                            now=now,
                        )
                    )
                    kind = "credit"
                elif choice < 0.95:
                    if not spends:
                        continue
                    services.points_refund(
                        rng.choice(spends),
                        services.Settlement(idempotency_key=f"refund:{op}", now=now),
                        amount=rng.choice([None, rng.randint(1, 100)]),
                    )
                    kind = "refund"
                else:
                    services.points_expire(now=now, batch_size=10)
                    kind = "expire"
                tally[kind] += 1
            except Conflict:
                tally["conflict"] += 1

    errors = run_threads(THREADS, worker)
    assert errors == []
    assert sum(tally.values()) >= OPERATIONS - 50  # a few early refunds had nothing to refund
    assert min(tally["spend"], tally["credit"], tally["refund"], tally["expire"]) > 100

    report = ledger_audit()
    assert report.violations == []
    assert not Account.objects.filter(balance__lt=0).exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(SUM(amount), 0) FROM loyalty_posting")
        assert cursor.fetchone()[0] == 0


@pytest.mark.django_db(transaction=True)
def test_the_same_key_from_20_threads_at_once_makes_one_transaction():
    user = UserFactory()
    barrier = threading.Barrier(20)
    results: list[int] = []

    def worker(index: int) -> None:
        barrier.wait(timeout=30)
        tx = services.points_credit(
            services.Movement(
                user=user,
                amount=500,
                lifetime=timedelta(days=90),
                kind="welcome",
                reason="Welcome bonus",
                idempotency_key=f"welcome:user:{user.pk}",
                now=T0,
            )
        )
        results.append(tx.pk)

    assert run_threads(20, worker) == []
    assert len(set(results)) == 1 and len(results) == 20
    assert LedgerTransaction.objects.count() == 1
    assert Account.objects.get(user=user, kind="wallet").balance == 500


@pytest.mark.django_db(transaction=True)
def test_the_same_key_for_two_clients_at_once_posts_one_and_refuses_the_other():
    first, second = UserFactory(), UserFactory()
    barrier = threading.Barrier(10)
    outcomes: list[str] = []

    def worker(index: int) -> None:
        barrier.wait(timeout=30)
        try:
            services.points_credit(
                services.Movement(
                    user=first if index % 2 else second,
                    amount=100,
                    lifetime=timedelta(days=30),
                    kind="bonus",
                    reason="Bonus",
                    idempotency_key="bonus:shared",
                    now=T0,
                )
            )
            outcomes.append("ok")
        except Conflict:
            outcomes.append("conflict")

    assert run_threads(10, worker) == []
    assert LedgerTransaction.objects.count() == 1
    assert sorted(set(outcomes)) == ["conflict", "ok"]
    assert ledger_audit().violations == []
