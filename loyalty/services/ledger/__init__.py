"""The ledger part of loyalty: the engine that records every movement of points, and the
operations built on it (credits, spending, corrections, expiry). See docs/loyalty-ledger.md."""

from loyalty.services.ledger.corrections import points_adjust, points_clawback
from loyalty.services.ledger.credits import (
    CREDIT_KINDS,
    points_credit,
    points_pending_cancel,
    points_pending_credit,
    points_pending_release,
)
from loyalty.services.ledger.engine import DEFAULT_LIFETIME, MAX_POINTS, Movement, Settlement
from loyalty.services.ledger.expiry import ExpiryResult, expiry_reminders_send, points_expire
from loyalty.services.ledger.lots import GRACE_LIFETIME
from loyalty.services.ledger.spending import (
    points_refund,
    points_refundable,
    points_reserve,
    points_reserve_capture,
    points_reserve_release,
    points_spend,
)

__all__ = [
    "CREDIT_KINDS",
    "DEFAULT_LIFETIME",
    "GRACE_LIFETIME",
    "MAX_POINTS",
    "ExpiryResult",
    "Movement",
    "Settlement",
    "expiry_reminders_send",
    "points_adjust",
    "points_clawback",
    "points_credit",
    "points_expire",
    "points_pending_cancel",
    "points_pending_credit",
    "points_pending_release",
    "points_refund",
    "points_refundable",
    "points_reserve",
    "points_reserve_capture",
    "points_reserve_release",
    "points_spend",
]
