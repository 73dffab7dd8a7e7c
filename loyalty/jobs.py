"""Periodic jobs of loyalty: expiry, expiry reminders, and the nightly audit of the ledger."""

from __future__ import annotations

import logging
from datetime import datetime

from core.jobs import crontab, register
from loyalty import selectors, services

logger = logging.getLogger(__name__)


@register(
    "loyalty_expire",
    every=crontab(minute=5),
    description="Burn the points of lots past their expiry (batched, safe to run twice)",
)
def expire(*, now: datetime) -> str:
    result = services.points_expire(now=now)
    return (
        f"expired {result.lots} lots, {result.points} points"
        f" ({result.skipped_wallets} busy wallets left for the next run)"
    )


@register(
    "loyalty_expiry_reminders",
    every=crontab(hour=7, minute=0),
    description="E-mail clients whose points expire within 7 days (once per expiry date)",
)
def expiry_reminders(*, now: datetime) -> str:
    return f"sent {services.expiry_reminders_send(now=now)} expiry reminders"


@register(
    "loyalty_audit",
    every=crontab(hour=3, minute=40),
    description="Check the ledger's invariants; logs an error on any violation",
)
def audit(*, now: datetime) -> str:
    report = selectors.ledger_audit()
    if report.violations:
        logger.error(
            "loyalty ledger audit found %s violations: %s",
            len(report.violations),
            "; ".join(report.violations),
            extra={"violations": report.violations},
        )
    return "ledger audit: " + ", ".join(f"{k}={v}" for k, v in report.summary.items())


@register(
    "loyalty_accrue",
    every=crontab(minute=15),
    description="Make cashback available 24 h after completed sessions (and credit lost ones)",
)
def accrue(*, now: datetime) -> str:
    result = services.cashback_accrue(now=now)
    return f"released {result.released}, credited {result.credited} cashback transactions"


@register(
    "loyalty_tiers",
    every=crontab(hour=3, minute=10),
    description="Recalculate every client's tier over the last 365 days (downgrades happen here)",
)
def tiers(*, now: datetime) -> str:
    return f"{services.tiers_recalculate(now=now)} clients changed tier"


@register(
    "loyalty_birthdays",
    every=crontab(hour=6, minute=0),
    description="Birthday bonus 3 days ahead (birthday set 30+ days ago; once a year)",
)
def birthdays(*, now: datetime) -> str:
    return f"granted {services.birthday_bonuses_grant(now=now)} birthday bonuses"


@register(
    "loyalty_holiday_grants",
    every=crontab(hour=8, minute=0),
    description="Grant holiday gifts due today to their audience in bulk and e-mail the clients",
)
def holiday_grants(*, now: datetime) -> str:
    return f"granted {services.holiday_grants_run(now=now)} holiday gifts"
