"""Tiers: a client rises at once when the last 365 days reach a higher tier; the nightly
recalculation is where they fall back."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import connection, transaction

from accounts.models import User
from loyalty import selectors
from loyalty.models import ClientTier, Tier


def tier_upgrade(*, user: User, now: datetime) -> Tier | None:
    """Raise the client's tier at once when the last 365 days reach a higher one (never lower)."""
    with transaction.atomic():
        reached = selectors.tier_for(stats=selectors.tier_stats(user=user, now=now))
        if reached is None:
            return None
        held = ClientTier.objects.select_for_update().filter(user=user).first()
        if held is None:
            lowest = selectors.client_tier(user=None)
            if lowest is not None and reached.pk == lowest.pk:
                return reached
            ClientTier.objects.create(user=user, tier=reached, since=now, updated_at=now)
            return reached
        if reached.min_money_365d > held.tier.min_money_365d:
            held.tier = reached
            held.since = now
            held.updated_at = now
            held.save(update_fields=["tier", "since", "updated_at"])
            return reached
        return held.tier


TIERS_RECALCULATE_SQL = """
WITH stats AS (
    SELECT b.user_id, COALESCE(SUM(b.money_due), 0) AS money, COUNT(*) AS sessions
    FROM bookings_booking b
    WHERE b.status = 'completed' AND b.kind = 'client' AND b.user_id IS NOT NULL
      AND b."end" > %(since)s AND b."end" <= %(now)s
    GROUP BY b.user_id
), clients AS (
    SELECT user_id FROM stats UNION SELECT user_id FROM loyalty_clienttier
), target AS (
    SELECT c.user_id, (
        SELECT t.id FROM loyalty_tier t
        WHERE t.min_money_365d <= COALESCE(s.money, 0)
           OR t.min_sessions_365d <= COALESCE(s.sessions, 0)
        ORDER BY t.min_money_365d DESC, t.min_sessions_365d DESC, t.id DESC LIMIT 1
    ) AS tier_id
    FROM clients c LEFT JOIN stats s ON s.user_id = c.user_id
)
INSERT INTO loyalty_clienttier (user_id, tier_id, since, updated_at)
SELECT user_id, tier_id, %(now)s, %(now)s FROM target WHERE tier_id IS NOT NULL
ON CONFLICT (user_id) DO UPDATE
    SET tier_id = EXCLUDED.tier_id, since = EXCLUDED.since, updated_at = EXCLUDED.updated_at
    WHERE loyalty_clienttier.tier_id IS DISTINCT FROM EXCLUDED.tier_id
"""


def tiers_recalculate(*, now: datetime) -> int:
    """The nightly recalculation, in one statement: every client gets the tier the last 365
    days reach (this is where downgrades happen). Returns how many clients changed tier."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(TIERS_RECALCULATE_SQL, {"now": now, "since": now - timedelta(days=365)})
        return cursor.rowcount
