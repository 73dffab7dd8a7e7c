"""Reads of loyalty, split like the services: a client's points (`balances`), why points are
earned (`earning`), the venue and staff `reports`, and the `audit` of the ledger."""

from loyalty.selectors.audit import AuditReport, ledger_audit
from loyalty.selectors.balances import (
    HISTORY_PAGE_SIZE,
    HistoryPage,
    PointsSummary,
    booking_points,
    booking_url,
    expiring_by_client,
    points_history_page,
    points_summary,
    points_wallet_balance,
)
from loyalty.selectors.earning import (
    TIER_WINDOW,
    CashbackPlan,
    TierProgress,
    TierStats,
    campaign_for_member,
    campaigns_matching,
    cashback_percent,
    cashback_plan,
    client_tier,
    tier_for,
    tier_progress,
    tier_stats,
    tiers,
    venue_campaigns,
)
from loyalty.selectors.reports import (
    EconomicsMonth,
    LiabilityRow,
    points_liability_report,
    venue_economics,
)
from loyalty.selectors.spending import SpendingPreview, spending_preview

__all__ = [
    "HISTORY_PAGE_SIZE",
    "TIER_WINDOW",
    "AuditReport",
    "CashbackPlan",
    "EconomicsMonth",
    "HistoryPage",
    "LiabilityRow",
    "PointsSummary",
    "SpendingPreview",
    "TierProgress",
    "TierStats",
    "booking_points",
    "booking_url",
    "campaign_for_member",
    "campaigns_matching",
    "cashback_percent",
    "cashback_plan",
    "client_tier",
    "expiring_by_client",
    "ledger_audit",
    "points_history_page",
    "points_liability_report",
    "points_summary",
    "points_wallet_balance",
    "spending_preview",
    "tier_for",
    "tier_progress",
    "tier_stats",
    "tiers",
    "venue_campaigns",
    "venue_economics",
]
