"""What paying part of a booking with points would look like, read in one query."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import F, Sum, Window

from accounts.models import User
from bookings.points import LotUse
from loyalty.models import Account, Lot


@dataclass(frozen=True)
class SpendingPreview:
    balance: int  # spendable now
    usable: int  # the most this booking can take: cap, balance and price allowing
    used: int  # the points asked, within `usable`
    points_from: list[LotUse]  # which points `used` would take, soonest expiry first


def spending_preview(
    *, user: User, points: int, cap: int, price: int, now: datetime
) -> SpendingPreview:
    """The client's spendable balance and the lots paying `points` would use, in one query
    that returns only those lots (with the balance as a window total on each row)."""
    asked = max(points, 0)
    live = Lot.objects.filter(
        wallet__user=user,
        wallet__kind=Account.Kind.WALLET,
        remaining__gt=0,
        expires_at__gt=now,
        expired_at__isnull=True,
    )
    order = [F("expires_at").asc(), F("id").asc()]
    rows = (
        live.annotate(
            total=Window(Sum("remaining")),
            before=Window(Sum("remaining"), order_by=order) - F("remaining"),
        )
        # At least the first lot, which carries the total even when no points are asked.
        .filter(before__lt=max(min(asked, cap), 1))
        .order_by(*order)
        .values_list("expires_at", "remaining", "total")
    )
    balance = 0
    lots: list[tuple[datetime, int]] = []
    for expires_at, remaining, total in rows:
        balance = total
        lots.append((expires_at, remaining))
    usable = max(0, min(cap, balance, price))
    used = min(asked, usable)
    points_from: list[LotUse] = []
    left = used
    for expires_at, remaining in lots:
        if left <= 0:
            break
        take = min(remaining, left)
        if points_from and points_from[-1].expires_at == expires_at:
            points_from[-1] = LotUse(expires_at=expires_at, points=points_from[-1].points + take)
        else:
            points_from.append(LotUse(expires_at=expires_at, points=take))
        left -= take
    return SpendingPreview(balance=balance, usable=usable, used=used, points_from=points_from)
