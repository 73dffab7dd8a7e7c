"""Tiers: a client rises at once when the last 365 days reach a higher tier; the nightly
recalculation is where they fall back. Staff define the tiers."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import TypedDict

from django.db import connection, transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.errors import ApplicationError
from core.services import apply_values, audit_record, full_clean, save_or_conflict, snapshot
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


# --- staff: the tiers themselves ---------------------------------------------------------------


class TierValues(TypedDict, total=False):
    name: str
    min_money_365d: Decimal
    min_sessions_365d: int
    cashback_percent: Decimal


TIER_FIELDS = tuple(TierValues.__annotations__)


def _check_tier(tier: Tier) -> None:
    if not Decimal(0) <= Decimal(tier.cashback_percent) <= Decimal(15):
        message = _("The cashback of a tier is from 0 to 15 %.")
        raise ApplicationError(message, fields={"cashback_percent": [message]})
    if Decimal(tier.min_money_365d) < 0:
        message = _("The money a tier needs cannot be negative.")
        raise ApplicationError(message, fields={"min_money_365d": [message]})
    full_clean(tier)


def tier_create(*, actor: User, values: TierValues) -> Tier:
    """A new tier (staff); validated, audited. Clients reach it from the next recalculation."""
    tier = Tier()
    apply_values(tier, values, TIER_FIELDS)
    _check_tier(tier)
    with transaction.atomic():
        save_or_conflict(tier, _("A tier with this name exists."))
        audit_record(actor=actor, action="tier.create", obj=tier, after=snapshot(tier, TIER_FIELDS))
    return tier


def tier_update(*, actor: User, tier: Tier, values: TierValues) -> Tier:
    """Change a tier's name, thresholds or cashback (staff); validated, audited."""
    with transaction.atomic():
        tier = Tier.objects.select_for_update().get(pk=tier.pk)
        before = snapshot(tier, TIER_FIELDS)
        apply_values(tier, values, TIER_FIELDS)
        _check_tier(tier)
        save_or_conflict(tier, _("A tier with this name exists."))
        audit_record(
            actor=actor,
            action="tier.update",
            obj=tier,
            before=before,
            after=snapshot(tier, TIER_FIELDS),
        )
    return tier
