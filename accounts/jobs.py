"""Periodic jobs of accounts."""

from __future__ import annotations

from datetime import datetime

from accounts import services
from core.jobs import crontab, register


@register(
    "accounts_clear_sessions",
    every=crontab(hour=3, minute=17),
    description="Delete expired sessions",
)
def clear_sessions(*, now: datetime) -> str:
    return f"deleted {services.sessions_clear_expired(now=now)} expired sessions"
