"""History bench: a client's points history (page and API, first page and page 50 by cursor) and
their balance with what expires when, for a client with 20 000 transactions in a ledger of
10 M postings generated in SQL.

The ledger keeps its rules: every transaction two postings that sum to zero between real
accounts, each wallet credit a lot with its allocation, each spend an allocation on the lot it
consumed, cached balances equal to postings and lots (the ledger audit checks all of it after a
fill). Per client, steps cycle: a pending cashback (issuance → pending), a bonus (issuance →
wallet, a lot living 365 days), a spend at a venue of part of that lot (all of it once the lot
has expired); every three steps share a timestamp (ties the cursor must page through). Clients'
steps are spread over two years, each client's shifted by its own share of the spacing, so
their rows interleave in time and a client's rows are scattered over the tables as in a real
ledger.

The database `<db>_bench_history` is kept between runs (a full fill takes minutes); it is
refilled when the sizes change, or with --refill.

    make bench BENCH=history [BENCH_ARGS="--postings 500000 --clients 5000"]
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from collections.abc import Callable
from datetime import timedelta

from bench import harness, scratch

GOAL_MS = 20
PAGE = 50  # the deep page timed through its cursor
HOT_EMAIL = "history-0@bench.example"
# The tables that grow with the ledger: no read of a client's points may scan one of them.
LEDGER_TABLES = ("loyalty_transaction", "loyalty_posting", "loyalty_lot", "loyalty_allocation")

# Fill statements, in order, in one transaction. Triggers are off for the fill
# (session_replication_role): the deferred "postings sum to zero" trigger would queue and run
# 10 M row checks at commit, and the foreign keys 30 M look-ups; the rows are consistent by
# construction and the ledger audit checks them afterwards.
_FILL = [
    "SET LOCAL session_replication_role = replica",
    """
    INSERT INTO accounts_user (password, is_superuser, email, name, phone, is_staff, is_active,
                               date_joined)
    SELECT '!', false, 'history-' || g || '@bench.example', '', '', false, true, %(start)s
    FROM generate_series(0, %(clients)s) g
    """,
    """
    INSERT INTO loyalty_account (kind, user_id, balance, created_at)
    SELECT k, u.id, 0, %(start)s
    FROM accounts_user u CROSS JOIN unnest(ARRAY['wallet', 'pending', 'held']) k
    WHERE u.email LIKE 'history-%%'
    """,
    # One row per transaction to make: ids in time order, as the ledger would have given them.
    """
    CREATE TEMP TABLE plan ON COMMIT DROP AS
    WITH clients AS (
        SELECT u.id AS user_id, w.id AS wallet_id, p.id AS pending_id,
               CASE WHEN u.email = %(hot_email)s THEN %(hot)s ELSE %(per_client)s END AS n
        FROM accounts_user u
        JOIN loyalty_account w ON w.user_id = u.id AND w.kind = 'wallet'
        JOIN loyalty_account p ON p.user_id = u.id AND p.kind = 'pending'
        WHERE u.email LIKE 'history-%%'
    ), steps AS (
        SELECT c.user_id, c.wallet_id, c.pending_id, c.n, s.step,
               %(end)s - interval '730 days' * ((c.n - (s.step / 3) * 3)::float8 / c.n)
                   - interval '1 second' * ((c.user_id * 7919) %% (%(span_s)s * 3 / c.n))
                   AS created_at
        FROM clients c CROSS JOIN LATERAL generate_series(0, c.n - 1) AS s(step)
    )
    SELECT steps.*,
           %(tx_base)s + row_number() OVER (ORDER BY created_at, user_id, step) AS tx_id
    FROM steps
    """,
    # Each bonus is a lot; the spend that follows it (if any) takes 4 of its 10 points while
    # the lot lives at the end of the timeline, all 10 once it has expired.
    """
    CREATE TEMP TABLE lots ON COMMIT DROP AS
    SELECT tx_id, user_id, step, wallet_id, created_at,
           created_at + interval '365 days' AS expires_at,
           %(lot_base)s + row_number() OVER (ORDER BY tx_id) AS lot_id,
           CASE WHEN step + 1 >= n THEN 0
                WHEN created_at + interval '365 days' > %(end)s THEN 4
                ELSE 10 END AS spent
    FROM plan WHERE step %% 3 = 1
    """,
    """
    CREATE TEMP TABLE spends ON COMMIT DROP AS
    SELECT p.tx_id, p.wallet_id, l.lot_id, l.spent AS amount
    FROM plan p JOIN lots l ON l.user_id = p.user_id AND l.step = p.step - 1
    WHERE p.step %% 3 = 2
    """,
    """
    INSERT INTO loyalty_transaction (id, kind, reason, reason_params, user_id, venue_id,
                                     idempotency_key, fingerprint, lifetime, created_at)
    SELECT tx_id, (ARRAY['cashback', 'bonus', 'spend'])[step %% 3 + 1],
           (ARRAY['Bench cashback', 'Bench bonus', 'Bench spend'])[step %% 3 + 1], '{}',
           user_id, CASE WHEN step %% 3 = 2 THEN %(venue)s END,
           'history:' || user_id || ':' || step, 'bench',
           CASE WHEN step %% 3 = 0 THEN interval '365 days' END, created_at
    FROM plan ORDER BY tx_id
    """,
    """
    INSERT INTO loyalty_posting (transaction_id, account_id, amount)
    SELECT tx_id, account_id, amount FROM (
        SELECT tx_id, pending_id AS account_id, 10 AS amount FROM plan WHERE step %% 3 = 0
        UNION ALL SELECT tx_id, %(issuance)s, -10 FROM plan WHERE step %% 3 = 0
        UNION ALL SELECT tx_id, wallet_id, 10 FROM lots
        UNION ALL SELECT tx_id, %(issuance)s, -10 FROM lots
        UNION ALL SELECT tx_id, wallet_id, -amount FROM spends
        UNION ALL SELECT tx_id, %(redemptions)s, amount FROM spends
    ) lines ORDER BY tx_id
    """,
    """
    INSERT INTO loyalty_lot (id, wallet_id, amount, remaining, expires_at, transaction_id,
                             created_at)
    SELECT lot_id, wallet_id, 10, 10 - spent, expires_at, tx_id, created_at FROM lots
    ORDER BY lot_id
    """,
    """
    INSERT INTO loyalty_allocation (transaction_id, lot_id, amount)
    SELECT tx_id, lot_id, amount FROM (
        SELECT tx_id, lot_id, 10 AS amount FROM lots
        UNION ALL SELECT tx_id, lot_id, -amount FROM spends
    ) a ORDER BY tx_id
    """,
    """
    UPDATE loyalty_account a SET balance = s.total
    FROM (SELECT wallet_id, SUM(10 - spent) AS total FROM lots GROUP BY wallet_id) s
    WHERE a.id = s.wallet_id
    """,
    """
    UPDATE loyalty_account a SET balance = s.total
    FROM (SELECT pending_id, 10 * COUNT(*) AS total FROM plan WHERE step %% 3 = 0
          GROUP BY pending_id) s
    WHERE a.id = s.pending_id
    """,
    "SELECT setval(pg_get_serial_sequence('loyalty_transaction', 'id'), MAX(id)) "
    "FROM loyalty_transaction",
    "SELECT setval(pg_get_serial_sequence('loyalty_lot', 'id'), MAX(id)) FROM loyalty_lot",
    "CREATE TABLE bench_history_sizes (postings bigint, clients int, hot int)",
    "INSERT INTO bench_history_sizes VALUES (%(postings)s, %(clients)s, %(hot)s)",
]


def _filled(sizes: tuple[int, int, int]) -> bool:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('bench_history_sizes') IS NOT NULL")
        if not cursor.fetchone()[0]:
            return False
        cursor.execute("SELECT postings, clients, hot FROM bench_history_sizes")
        return cursor.fetchone() == sizes


def _fill(postings: int, clients: int, hot: int) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from loyalty.models import Account
    from loyalty.selectors import ledger_audit
    from loyalty.services.ledger.engine import system_account
    from tests.factories import VenueFactory

    per_client = (postings // 2 - hot) // clients
    if per_client < 3:
        sys.exit(f"{postings} postings over {clients} clients: fewer than 3 steps each")
    started = time.perf_counter()
    with connection.cursor() as cursor:
        # Sizes changed: start from empty tables (the generated ids follow the current ones).
        cursor.execute(
            "DROP TABLE IF EXISTS bench_history_sizes; TRUNCATE accounts_user, venues_venue, "
            "venues_organisation, loyalty_account, loyalty_transaction, loyalty_posting, "
            "loyalty_lot, loyalty_allocation CASCADE"
        )
    venue = VenueFactory()
    end = timezone.now().replace(minute=0, second=0, microsecond=0)
    params = {
        "start": end - timedelta(days=800),
        "span_s": 730 * 86400,  # each client's steps are shifted by a share of their spacing
        "end": end,
        "clients": clients,
        "hot": hot,
        "hot_email": HOT_EMAIL,
        "per_client": per_client,
        "postings": postings,
        "venue": venue.pk,
        "issuance": system_account(Account.Kind.ISSUANCE).pk,
        "redemptions": system_account(Account.Kind.REDEMPTIONS, venue.pk).pk,
    }
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM loyalty_transaction")
        params["tx_base"] = cursor.fetchone()[0]
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM loyalty_lot")
        params["lot_base"] = cursor.fetchone()[0]
        for statement in _FILL:
            cursor.execute(statement, params)
    with connection.cursor() as cursor:
        cursor.execute(
            "VACUUM ANALYZE accounts_user, loyalty_account, loyalty_transaction, "
            "loyalty_posting, loyalty_lot, loyalty_allocation"
        )
        cursor.execute("SELECT COUNT(*) FROM loyalty_posting")
        count = cursor.fetchone()[0]
    print(
        f"filled {count} postings: {clients} clients of {per_client} transactions and one of "
        f"{hot}, in {time.perf_counter() - started:.0f} s · {harness.load()}",
        flush=True,
    )
    started = time.perf_counter()
    report = ledger_audit()
    harness.check(
        "history · the generated ledger passes the audit",
        goal="0 violations",
        figure=f"{len(report.violations)} violations over {report.summary['postings']} postings"
        f" in {time.perf_counter() - started:.0f} s",
        passed=not report.violations and report.summary["postings"] == count,
    )
    for violation in report.violations[:10]:
        print("  ", violation)


def _time(call: Callable[[], None], rounds: int) -> tuple[harness.Timing, float, int, float]:
    """The timed rounds, then where one call's time goes (on a loaded machine the wall time is
    mostly waiting for a core): median CPU time of this process per round, and the queries of
    one more call with their time."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cpu: list[float] = []

    def counted() -> None:
        started = time.process_time()
        call()
        cpu.append(time.process_time() - started)

    timing = harness.measure(counted, rounds=rounds)
    with CaptureQueriesContext(connection) as captured:
        call()
    sql = sum(float(query["time"]) for query in captured.captured_queries)
    return timing, statistics.median(cpu[1:]) * 1000, len(captured), sql * 1000


def _plans(calls: dict[str, object]) -> tuple[int, int, list[str]]:
    """EXPLAIN (ANALYZE, BUFFERS) of every statement the calls make: (statements, sequential
    scans, the plans)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    plans, statements, seq_scans = [], 0, 0
    for name, call in calls.items():
        with CaptureQueriesContext(connection) as captured:
            call()  # type: ignore[operator]
        for query in captured.captured_queries:
            if not query["sql"].lstrip().upper().startswith("SELECT"):
                continue
            statements += 1
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                plan = "\n".join(row[0] for row in cursor.fetchall())
            seq_scans += len(re.findall(rf"Seq Scan on ({'|'.join(LEDGER_TABLES)})\b", plan))
            plans.append(f"--- {name}\n{query['sql']}\n{plan}")
    return statements, seq_scans, plans


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench history", description=__doc__)
    parser.add_argument("--postings", type=int, default=10_000_000)
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--hot", type=int, default=20_000, help="transactions of the client read")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--refill", action="store_true", help="drop and refill the bench data")
    parser.add_argument("--explain", action="store_true", help="print the query plans")
    args = parser.parse_args(argv)
    # The test-suite settings: DEBUG off, templates cached, static files without a manifest.
    scratch.open_database("history", refill=args.refill, PYTEST_CURRENT_TEST="bench.history")
    sizes = (args.postings, args.clients, args.hot)
    if not _filled(sizes):
        _fill(*sizes)

    from django.test import Client
    from django.utils import timezone
    from rest_framework.test import APIClient

    from accounts.models import User
    from loyalty import selectors

    hot = User.objects.get(email=HOT_EMAIL)
    cursor = None  # the cursor of page PAGE, walked to through the pages before it
    for _ in range(PAGE - 1):
        cursor = selectors.points_history_page(user=hot, before=cursor).older
    assert cursor is not None, "the client has fewer than 50 pages"
    browser = Client()
    browser.force_login(hot)
    api = APIClient()
    api.force_authenticate(hot)

    def page(query: str) -> None:
        response = browser.get("/me/points/" + query)
        assert response.status_code == 200, response.status_code
        assert response.content.count(b'class="history-date"') == selectors.HISTORY_PAGE_SIZE

    def api_page(query: str) -> None:
        response = api.get("/api/v1/me/points/history/" + query)
        assert response.status_code == 200, response.status_code
        assert len(response.json()["results"]) == selectors.HISTORY_PAGE_SIZE

    def balance() -> None:
        summary = selectors.points_summary(user=hot, now=timezone.now())
        assert summary.balance > 0 and summary.expiring

    deep = f"?before={cursor}"
    timed = {
        "history page, newest": lambda: page(""),
        f"history page {PAGE} by cursor": lambda: page(deep),
        "history API, newest": lambda: api_page(""),
        f"history API page {PAGE} by cursor": lambda: api_page(deep),
        "balance and what expires when": balance,
    }
    print(f"client with {args.hot} transactions, ledger of {args.postings} postings · "
          f"{harness.load()}", flush=True)  # fmt: skip
    for name, call in timed.items():
        timing, cpu_ms, queries, sql_ms = _time(call, args.rounds)
        harness.check(
            f"history · {name}",
            goal=f"< {GOAL_MS} ms",
            figure=f"{timing.describe()}; of one request: {cpu_ms:.1f} ms CPU in this process, "
            f"{queries} queries taking {sql_ms:.1f} ms",
            passed=timing.median_ms < GOAL_MS,
        )
    statements, seq_scans, plans = _plans(
        {
            "history page 50": lambda: selectors.points_history_page(user=hot, before=cursor),
            "balance and expiring": balance,
            "reminders: lots expiring within 7 days": lambda: selectors.expiring_by_client(
                start=timezone.now(), end=timezone.now() + timedelta(days=7)
            ),
        }
    )
    if args.explain:
        print("\n\n".join(plans))
    harness.check(
        "history · reads by index",
        goal="0 sequential scans of transactions, postings, lots, allocations",
        figure=f"{seq_scans} in {statements} statements (EXPLAIN ANALYZE; --explain prints them)",
        passed=seq_scans == 0 and statements > 0,
    )
    harness.finish()


if __name__ == "__main__":
    main(sys.argv[1:])
