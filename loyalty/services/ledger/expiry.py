"""Expiry: points past their lot's expiry burnt in bulk, and the reminder a week before."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.utils.translation import gettext_noop

from core.after_commit import announce
from loyalty import signals
from loyalty.models import ExpiryReminder
from loyalty.selectors import expiring_by_client
from loyalty.services.ledger.engine import AccountKind, system_account

_EXPIRY_CANDIDATES = """
SELECT DISTINCT wallet_id FROM loyalty_lot
WHERE remaining > 0 AND expires_at <= %(now)s AND wallet_id > %(after)s
ORDER BY wallet_id
LIMIT %(limit)s
"""

# Skip a wallet someone else holds (a spend, or another expiry worker): it is retried later.
_EXPIRY_LOCK = """
SELECT id FROM loyalty_account WHERE id = ANY(%(ids)s) ORDER BY id
FOR NO KEY UPDATE SKIP LOCKED
"""

# One statement per batch: a transaction of two postings and an allocation per lot, keyed
# `expire:lot:<id>` (ON CONFLICT DO NOTHING: a lot is never expired twice), then the lots
# emptied and the wallets' cached balances lowered by what their lots lost.
_EXPIRY_POST = """
WITH lots AS (
    SELECT l.id, l.wallet_id, l.remaining, a.user_id
    FROM loyalty_lot l JOIN loyalty_account a ON a.id = l.wallet_id
    WHERE l.wallet_id = ANY(%(wallets)s) AND l.remaining > 0 AND l.expires_at <= %(now)s
    ORDER BY l.wallet_id, l.expires_at, l.id
    FOR NO KEY UPDATE OF l
),
txs AS (
    INSERT INTO loyalty_transaction (
        kind, reason, reason_params, user_id, venue_id, booking_id, actor_id, parent_id,
        idempotency_key, fingerprint, lifetime, created_at
    )
    SELECT 'expire', %(reason)s, '{}'::jsonb, lots.user_id, NULL, NULL, NULL, NULL,
           'expire:lot:' || lots.id, 'expire', NULL, %(now)s
    FROM lots
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING id, idempotency_key
),
done AS (
    SELECT txs.id AS tx_id, lots.id AS lot_id, lots.wallet_id, lots.remaining
    FROM txs JOIN lots ON txs.idempotency_key = 'expire:lot:' || lots.id
),
postings AS (
    INSERT INTO loyalty_posting (transaction_id, account_id, amount)
    SELECT tx_id, wallet_id, -remaining FROM done
    UNION ALL
    SELECT tx_id, %(expired)s, remaining FROM done
),
allocations AS (
    INSERT INTO loyalty_allocation (transaction_id, lot_id, amount, reverses_id)
    SELECT tx_id, lot_id, -remaining, NULL FROM done
),
emptied AS (
    UPDATE loyalty_lot l SET remaining = 0, expired_at = %(now)s
    FROM done WHERE l.id = done.lot_id
),
wallets AS (
    UPDATE loyalty_account a SET balance = a.balance - s.total
    FROM (SELECT wallet_id, SUM(remaining) AS total FROM done GROUP BY wallet_id) s
    WHERE a.id = s.wallet_id
)
SELECT COUNT(*), COALESCE(SUM(remaining), 0) FROM done
"""


@dataclass
class ExpiryResult:
    lots: int = 0
    points: int = 0
    skipped_wallets: int = 0


def points_expire(*, now: datetime, batch_size: int = 1000, passes: int = 3) -> ExpiryResult:
    """Burn what remains of every lot past its expiry into the expired account.

    Set-based and batched: each batch locks up to `batch_size` wallets (skipping the busy
    ones) and expires all their overdue lots in one statement and one short transaction. Safe
    to run twice (a second run finds nothing) and in two workers at once (each takes the
    wallets the other has not locked; the `expire:lot:<id>` key forbids a second expiry).
    Wallets skipped because they were busy are retried in up to `passes` sweeps.
    """
    expired = system_account(AccountKind.EXPIRED)
    result = ExpiryResult()
    for _sweep in range(passes):
        after = 0
        skipped = 0
        while True:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    _EXPIRY_CANDIDATES, {"now": now, "after": after, "limit": batch_size}
                )
                candidates = [row[0] for row in cursor.fetchall()]
                if not candidates:
                    break
                after = candidates[-1]
                cursor.execute(_EXPIRY_LOCK, {"ids": candidates})
                wallets = [row[0] for row in cursor.fetchall()]
                skipped += len(candidates) - len(wallets)
                if wallets:
                    cursor.execute(
                        _EXPIRY_POST,
                        {
                            "wallets": wallets,
                            "now": now,
                            "expired": expired.pk,
                            "reason": gettext_noop("Points expired"),
                        },
                    )
                    lots, points = cursor.fetchone()
                    result.lots += lots
                    result.points += points
        result.skipped_wallets = skipped
        if not skipped:
            break
    return result


# --- reminders ------------------------------------------------------------------------------

REMINDER_AHEAD = timedelta(days=7)


def expiry_reminders_send(*, now: datetime, batch_size: int = 1000) -> int:
    """Remind each client whose points expire within 7 days: once per client per expiry date.

    Each reminder row is claimed (unique per client and date) in the transaction that announces
    it, so a second run or a second worker reminds nobody again; the e-mails follow the commit.
    """
    due = expiring_by_client(start=now, end=now + REMINDER_AHEAD)
    sent = 0
    for first in range(0, len(due), batch_size):
        with transaction.atomic():
            claimed = []
            for user_id, day, points in due[first : first + batch_size]:
                _reminder, created = ExpiryReminder.objects.get_or_create(
                    user_id=user_id, expires_on=day, defaults={"points": points, "created_at": now}
                )
                if created:
                    claimed.append({"user_id": user_id, "day": day.isoformat(), "points": points})
            if claimed:
                announce(signals.points_expiring, sender=ExpiryReminder, reminders=claimed)
        sent += len(claimed)
    return sent
