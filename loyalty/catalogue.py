"""loyalty's part of the catalogue: the cashback % a visitor earns at a venue (venues.catalogue)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from loyalty import selectors

_UNREAD = object()


def visitor_cashback_percent(request: Any, venue: Any) -> Decimal:
    """The visitor's cashback % at `venue` before campaigns. Their tier is read once a request,
    so a page of room cards costs one query, not one a card."""
    tier = getattr(request, "_loyalty_tier", _UNREAD)
    if tier is _UNREAD:
        tier = selectors.client_tier(user=getattr(request, "user", None))
        if request is not None:
            request._loyalty_tier = tier
    return selectors.cashback_percent(tier=tier, venue=venue)
