"""Demo data of loyalty: some points for the demo client, so "My points" shows something."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_noop

from loyalty import services
from loyalty.models import LedgerTransaction


def seed(*, client) -> None:
    """A bonus, a holiday gift expiring soon, and pending cashback (idempotent by key)."""
    now = timezone.now()
    services.points_credit(
        user=client,
        amount=500,
        lifetime=timedelta(days=90),
        # BONUS, not WELCOME: the real welcome bonus (its own key) must stay once per client.
        kind=LedgerTransaction.Kind.BONUS,
        reason=gettext_noop("Demo bonus"),
        idempotency_key=f"demo:bonus:user:{client.pk}",
        now=now - timedelta(days=20),
    )
    services.points_credit(
        user=client,
        amount=300,
        lifetime=timedelta(days=14),
        kind=LedgerTransaction.Kind.HOLIDAY,
        reason=gettext_noop("Holiday gift"),
        idempotency_key=f"demo:holiday:user:{client.pk}",
        now=now - timedelta(days=9),
    )
    services.points_pending_credit(
        user=client,
        amount=45,
        lifetime=timedelta(days=365),
        kind=LedgerTransaction.Kind.CASHBACK,
        reason=gettext_noop("Cashback for a booking"),
        idempotency_key=f"demo:cashback:user:{client.pk}",
        now=now - timedelta(hours=3),
    )
