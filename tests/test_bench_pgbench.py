"""The pgbench reference of the booking bench books what it says: each transaction one booking,
one ledger transaction of two postings summing to zero, and the wallet's balance moved."""

from __future__ import annotations

import pytest
from django.db import connection

from bench import pgbench

pytestmark = pytest.mark.django_db(transaction=True)


def _one(sql: str) -> object:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def test_the_committed_script_books_with_two_postings_and_moves_the_balance():
    pgbench.prepare(2)
    try:
        result = pgbench.run(clients=2, seconds=1, points=50)
        assert result.ok, result.output
        done = result.transactions
        assert done > 0
        assert _one("SELECT count(*) FROM bench_ref_booking") == done
        assert _one("SELECT count(DISTINCT room_id) FROM bench_ref_booking") == 2
        assert _one("SELECT count(*) FROM bench_ref_transaction") == done
        assert _one("SELECT count(*) FROM bench_ref_posting") == 2 * done
        assert _one("SELECT sum(amount) FROM bench_ref_posting") == 0
        spent = _one("SELECT sum(1000000000000 - balance) FROM bench_ref_account WHERE id > 0")
        assert spent == 50 * done
        # Twice in a row: the tables are made afresh.
        pgbench.prepare(2)
        assert _one("SELECT count(*) FROM bench_ref_booking") == 0
    finally:
        with connection.cursor() as cursor:
            cursor.execute(
                "DROP TABLE bench_ref_posting, bench_ref_transaction, bench_ref_booking, "
                "bench_ref_account; DROP SEQUENCE bench_ref_hour"
            )
