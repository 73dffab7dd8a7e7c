"""The audit of the ledger: invariants 1, 2 and 5 of DESIGN.md §4 checked in one snapshot."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection


@dataclass
class AuditReport:
    summary: dict[str, int]
    violations: list[str]

    @property
    def ok(self) -> bool:
        return not self.violations


_LIMIT = 50  # violations named per check

# (invariant of DESIGN.md §4, query returning one text column: the violation, named).
_CHECKS: list[tuple[str, str]] = [
    (
        "1",
        """SELECT format('transaction %s: postings sum to %s, not 0', transaction_id, SUM(amount))
           FROM loyalty_posting GROUP BY transaction_id HAVING SUM(amount) <> 0""",
    ),
    (
        "1",
        """SELECT format('transaction %s (%s) has no postings', t.id, t.idempotency_key)
           FROM loyalty_transaction t
           WHERE NOT EXISTS (SELECT 1 FROM loyalty_posting p WHERE p.transaction_id = t.id)""",
    ),
    (
        "1",
        """SELECT format('all postings together sum to %s, not 0', total)
           FROM (SELECT COALESCE(SUM(amount), 0) AS total FROM loyalty_posting) s
           WHERE total <> 0""",
    ),
    (
        "2",
        """SELECT format('account %s (%s of user %s): cached balance %s, postings sum to %s',
                         a.id, a.kind, a.user_id, a.balance, COALESCE(p.total, 0))
           FROM loyalty_account a
           LEFT JOIN (SELECT account_id, SUM(amount) AS total FROM loyalty_posting
                      GROUP BY account_id) p ON p.account_id = a.id
           WHERE a.kind IN ('wallet', 'pending', 'held') AND a.balance <> COALESCE(p.total, 0)""",
    ),
    (
        "2",
        """SELECT format('wallet %s (user %s): cached balance %s, its lots hold %s',
                         a.id, a.user_id, a.balance, COALESCE(l.total, 0))
           FROM loyalty_account a
           LEFT JOIN (SELECT wallet_id, SUM(remaining) AS total FROM loyalty_lot
                      GROUP BY wallet_id) l ON l.wallet_id = a.id
           WHERE a.kind = 'wallet' AND a.balance <> COALESCE(l.total, 0)""",
    ),
    (
        "2",
        """SELECT format('account %s (%s of user %s) is negative: %s', id, kind, user_id, balance)
           FROM loyalty_account
           WHERE kind IN ('wallet', 'pending', 'held') AND balance < 0""",
    ),
    (
        "2",
        """SELECT format('lot %s has %s remaining of %s', id, remaining, amount)
           FROM loyalty_lot WHERE remaining < 0 OR remaining > amount""",
    ),
    (
        "2",
        """SELECT format('lot %s has %s remaining but its allocations sum to %s',
                         l.id, l.remaining, COALESCE(x.total, 0))
           FROM loyalty_lot l
           LEFT JOIN (SELECT lot_id, SUM(amount) AS total FROM loyalty_allocation
                      GROUP BY lot_id) x ON x.lot_id = l.id
           WHERE l.remaining <> COALESCE(x.total, 0)""",
    ),
    (
        "2",
        """SELECT format('allocation %s consumed %s points but %s were given back',
                         c.id, -c.amount, SUM(r.amount))
           FROM loyalty_allocation c JOIN loyalty_allocation r ON r.reverses_id = c.id
           GROUP BY c.id, c.amount HAVING SUM(r.amount) > -c.amount""",
    ),
    (
        "5",
        """SELECT format('idempotency key %s is used by %s transactions',
                         idempotency_key, COUNT(*))
           FROM loyalty_transaction GROUP BY idempotency_key HAVING COUNT(*) > 1""",
    ),
    (
        "5",
        # A pending cashback cancelled when its booking was moved does not count as earned.
        """SELECT format('booking %s earned cashback %s times (funded by venue %s)',
                         booking_id, COUNT(*), COALESCE(venue_id::text, 'platform'))
           FROM loyalty_transaction t
           WHERE kind = 'cashback' AND booking_id IS NOT NULL
             AND NOT EXISTS (SELECT 1 FROM loyalty_transaction c
                             WHERE c.parent_id = t.id AND c.kind = 'pending_cancel')
           GROUP BY booking_id, venue_id HAVING COUNT(*) > 1""",
    ),
    (
        "5",
        """SELECT format('user %s got the one-time %s bonus %s times', user_id, kind, COUNT(*))
           FROM loyalty_transaction WHERE kind IN ('welcome', 'profile')
           GROUP BY user_id, kind HAVING COUNT(*) > 1""",
    ),
    (
        "5",
        """SELECT format('transaction %s was settled %s times', parent_id, COUNT(*))
           FROM loyalty_transaction
           WHERE kind IN ('pending_release', 'pending_cancel', 'capture', 'reserve_release')
           GROUP BY parent_id HAVING COUNT(*) > 1""",
    ),
]

# All checks in one round trip; each branch names at most _LIMIT violations.
_AUDIT = "\nUNION ALL\n".join(
    f"(SELECT '{invariant}', v.* FROM ({sql}) v LIMIT {_LIMIT})"  # noqa: S608 - constants
    for invariant, sql in _CHECKS
)

_SUMMARY = """
SELECT
    (SELECT COUNT(*) FROM loyalty_transaction),
    (SELECT COUNT(*) FROM loyalty_posting),
    (SELECT COUNT(*) FROM loyalty_account WHERE kind = 'wallet'),
    (SELECT COUNT(*) FROM loyalty_lot),
    (SELECT COALESCE(SUM(balance), 0) FROM loyalty_account WHERE kind = 'wallet'),
    (SELECT COALESCE(SUM(balance), 0) FROM loyalty_account WHERE kind = 'pending'),
    (SELECT COALESCE(SUM(balance), 0) FROM loyalty_account WHERE kind = 'held')
"""


def ledger_audit(*, summary: bool = True) -> AuditReport:
    """Check invariants 1, 2 and 5 of DESIGN.md §4 over the whole ledger.

    Runs in one REPEATABLE READ snapshot so a ledger in motion is seen consistently.
    """
    with connection.cursor() as cursor:
        in_transaction = connection.in_atomic_block
        if not in_transaction:
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try:
            cursor.execute(_AUDIT)
            violations = [f"invariant {invariant}: {message}" for invariant, message in cursor]
            row: tuple = (0,) * 7
            if summary:
                cursor.execute(_SUMMARY)
                row = cursor.fetchone()
        finally:
            if not in_transaction:
                cursor.execute("COMMIT")
    keys = [
        "transactions",
        "postings",
        "wallets",
        "lots",
        "points_available",
        "points_pending",
        "points_held",
    ]
    totals = dict(zip(keys, row, strict=True)) if summary else {}
    totals["violations"] = len(violations)
    return AuditReport(summary=totals, violations=violations)
