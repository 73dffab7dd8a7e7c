"""The earning part of loyalty: why points are given (cashback, tiers, bonuses, campaigns,
holiday grants). Every point goes through the ledger's operations. See docs/loyalty-earning.md."""

from loyalty.services.earning.bonuses import (
    BIRTHDAY_DAYS_AHEAD,
    BIRTHDAY_LIFETIME,
    BIRTHDAY_POINTS,
    BIRTHDAY_SET_AT_LEAST,
    PROFILE_LIFETIME,
    PROFILE_POINTS,
    WELCOME_LIFETIME,
    WELCOME_POINTS,
    birthday_bonuses_grant,
    profile_bonus_grant,
    profile_complete,
    welcome_bonus_grant,
)
from loyalty.services.earning.campaigns import (
    CampaignValues,
    campaign_create,
    campaign_stop,
    campaign_update,
)
from loyalty.services.earning.cashback import (
    CASHBACK_REASON,
    AccrualResult,
    cashback_accrue,
    cashback_cancel,
    cashback_keys,
    cashback_pend,
    cashback_replan,
)
from loyalty.services.earning.holidays import HOLIDAY_REASON, holiday_audience, holiday_grants_run
from loyalty.services.earning.tiers import tier_upgrade, tiers_recalculate

__all__ = [
    "BIRTHDAY_DAYS_AHEAD",
    "BIRTHDAY_LIFETIME",
    "BIRTHDAY_POINTS",
    "BIRTHDAY_SET_AT_LEAST",
    "CASHBACK_REASON",
    "HOLIDAY_REASON",
    "PROFILE_LIFETIME",
    "PROFILE_POINTS",
    "WELCOME_LIFETIME",
    "WELCOME_POINTS",
    "AccrualResult",
    "CampaignValues",
    "birthday_bonuses_grant",
    "campaign_create",
    "campaign_stop",
    "campaign_update",
    "cashback_accrue",
    "cashback_cancel",
    "cashback_keys",
    "cashback_pend",
    "cashback_replan",
    "holiday_audience",
    "holiday_grants_run",
    "profile_bonus_grant",
    "profile_complete",
    "tier_upgrade",
    "tiers_recalculate",
    "welcome_bonus_grant",
]
