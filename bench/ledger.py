"""Ledger benchmarks: spend throughput (one hot wallet, many wallets), expiry of 1,000,000 lots
across 100,000 wallets, the audit over that ledger, and the balance read.

Runs in a scratch database `<name>_bench` on the same server (created and migrated here,
dropped at the end unless --keep). Record the figures in docs/benchmarks.md.

    python -m config.embedded -- python -m bench ledger [--lots 1000000 --wallets 100000]
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from datetime import UTC, datetime, timedelta

from bench import scratch

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _threads(count: int, target) -> None:
    from django.db import connections

    def run(i: int) -> None:
        try:
            target(i)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def bench_spend(threads: int, spends: int) -> None:
    from accounts.models import User
    from loyalty import services
    from tests.factories import VenueFactory

    venue = VenueFactory()
    hot = User.objects.create_user(f"hot-{time.time_ns()}@bench.example")
    services.points_credit(
        services.Movement(
            user=hot,
            amount=10_000_000,
            lifetime=timedelta(days=3650),
            kind="bonus",
            reason="Bench",
            idempotency_key=f"bench:hot:{hot.pk}",
            now=T0,
        )
    )
    many = []
    for n in range(threads * 4):
        user = User.objects.create_user(f"many-{n}-{time.time_ns()}@bench.example")
        services.points_credit(
            services.Movement(
                user=user,
                amount=1_000_000,
                lifetime=timedelta(days=3650),
                kind="bonus",
                reason="Bench",
                idempotency_key=f"bench:many:{user.pk}",
                now=T0,
            )
        )
        many.append(user)

    for label, pick in (
        ("one hot wallet", lambda i, k: hot),
        ("many wallets", lambda i, k: many[(i * 4 + k) % len(many)]),
    ):
        per_thread = spends // threads

        def work(i: int, label=label, pick=pick, per_thread=per_thread) -> None:
            for k in range(per_thread):
                services.points_spend(
                    services.Movement(
                        user=pick(i, k),
                        amount=1,
                        venue=venue,
                        reason="Bench",
                        idempotency_key=f"bench:{label}:{i}:{k}:{time.time_ns()}",
                        now=T0,
                    )
                )

        started = time.perf_counter()
        _threads(threads, work)
        elapsed = time.perf_counter() - started
        total = per_thread * threads
        print(
            f"spend, {label}: {total} spends by {threads} threads in {elapsed:.1f} s"
            f" = {total / elapsed:.0f} spends/s"
        )


_SEED = """
INSERT INTO accounts_user (password, is_superuser, email, name, phone, is_staff, is_active,
                           date_joined)
SELECT '!', false, 'bench-' || g || '@bench.example', '', '', false, true, %(t0)s
FROM generate_series(1, %(wallets)s) g;

INSERT INTO loyalty_account (kind, user_id, balance, created_at)
SELECT k, u.id, 0, %(t0)s
FROM accounts_user u CROSS JOIN unnest(ARRAY['wallet', 'pending', 'held']) k
WHERE u.email LIKE 'bench-%%';

INSERT INTO loyalty_transaction (kind, reason, reason_params, user_id, idempotency_key,
                                 fingerprint, created_at)
SELECT 'bonus', 'Bench', '{}', w.user_id, 'bench:credit:' || w.id || ':' || g, 'bench', %(t0)s
FROM loyalty_account w CROSS JOIN generate_series(1, %(per_wallet)s) g
WHERE w.kind = 'wallet' AND w.user_id IN (SELECT id FROM accounts_user
                                          WHERE email LIKE 'bench-%%');

CREATE TEMP TABLE bench_credit AS
SELECT t.id AS tx_id, w.id AS wallet_id
FROM loyalty_transaction t JOIN loyalty_account w ON w.user_id = t.user_id AND w.kind = 'wallet'
WHERE t.idempotency_key LIKE 'bench:credit:%%';

INSERT INTO loyalty_posting (transaction_id, account_id, amount)
SELECT tx_id, wallet_id, 10 FROM bench_credit
UNION ALL
SELECT tx_id, %(issuance)s, -10 FROM bench_credit;

INSERT INTO loyalty_lot (wallet_id, amount, remaining, expires_at, transaction_id, created_at)
SELECT wallet_id, 10, 10, %(t0)s + interval '1 day', tx_id, %(t0)s FROM bench_credit;

INSERT INTO loyalty_allocation (transaction_id, lot_id, amount)
SELECT transaction_id, id, amount FROM loyalty_lot l
WHERE l.transaction_id IN (SELECT tx_id FROM bench_credit);

UPDATE loyalty_account a SET balance = s.total
FROM (SELECT wallet_id, COUNT(*) * 10 AS total FROM bench_credit GROUP BY wallet_id) s
WHERE a.id = s.wallet_id;

DROP TABLE bench_credit;
"""


def bench_expiry(wallets: int, lots: int) -> None:
    from django.db import connection, transaction

    from loyalty import services
    from loyalty.models import Account
    from loyalty.selectors import ledger_audit
    from loyalty.services.ledger.engine import system_account

    issuance = system_account(Account.Kind.ISSUANCE)
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            _SEED,
            {
                "t0": T0,
                "wallets": wallets,
                "per_wallet": lots // wallets,
                "issuance": issuance.pk,
            },
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"seeded {lots} lots across {wallets} wallets in {time.perf_counter() - started:.0f} s")

    later = T0 + timedelta(days=2)
    for run in ("first", "second"):
        started = time.perf_counter()
        result = services.points_expire(now=later)
        elapsed = time.perf_counter() - started
        print(
            f"expiry, {run} run: {result.lots} lots, {result.points} points"
            f" in {elapsed:.1f} s ({result.lots / elapsed if elapsed else 0:.0f} lots/s)"
        )

    started = time.perf_counter()
    report = ledger_audit()
    print(
        f"audit over {report.summary['transactions']} transactions, "
        f"{report.summary['postings']} postings: {len(report.violations)} violations"
        f" in {time.perf_counter() - started:.1f} s"
    )
    for violation in report.violations[:10]:
        print("  ", violation)


def bench_balance_read(reads: int) -> None:
    from django.db import connection

    from accounts.models import User
    from loyalty.models import Account
    from loyalty.selectors import points_wallet_balance

    user = User.objects.filter(points_accounts__kind="wallet").order_by("-id").first()
    query = Account.objects.filter(user=user, kind=Account.Kind.WALLET).values_list("balance")
    with connection.cursor() as cursor:
        sql, params = query.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = " / ".join(row[0].strip() for row in cursor.fetchall())
    started = time.perf_counter()
    for _ in range(reads):
        points_wallet_balance(user=user)
    elapsed = time.perf_counter() - started
    print(f"balance read: {elapsed / reads * 1e6:.0f} µs per read; plan: {plan}")


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench ledger")
    parser.add_argument("--wallets", type=int, default=100_000)
    parser.add_argument("--lots", type=int, default=1_000_000)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--spends", type=int, default=4_000)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args(argv)

    name = scratch.open_database("ledger")
    print(f"ledger benchmarks on database {name}, {os.cpu_count()} CPUs, {time.ctime()}")
    try:
        bench_spend(args.threads, args.spends)
        bench_expiry(args.wallets, args.lots)
        bench_balance_read(2_000)
    finally:
        if not args.keep:
            scratch.drop_database(name)


if __name__ == "__main__":
    main(sys.argv[1:])
