"""Periodic jobs of referrals: each idempotent, each taking `now` (see core/jobs.py)."""

from __future__ import annotations

from datetime import datetime, timedelta

from core.jobs import register
from referrals import services


@register(
    "referrals_reward",
    every=timedelta(hours=1),
    description="Qualify invited friends, reward both after the dispute window, undo refunded ones",
)
def reward(*, now: datetime) -> str:
    counts = services.referrals_reward(now=now)
    return ", ".join(f"{name} {count}" for name, count in sorted(counts.items())) or "nothing to do"
