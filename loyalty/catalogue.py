"""loyalty's part of the catalogue: the cashback % a visitor earns at a venue, registered into
`venues.extensions.CASHBACK`."""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpRequest

from loyalty import selectors
from loyalty.models import Tier
from venues.models import Venue


def visitor_cashback_percent(request: HttpRequest | None, venue: Venue) -> Decimal:
    """The visitor's cashback % at `venue` before campaigns. Their tier is read once a request
    (kept on it), so a page of room cards costs one query, not one a card."""
    if request is None:
        return selectors.cashback_percent(tier=selectors.client_tier(user=None), venue=venue)
    kept = vars(request)
    if "_loyalty_tier" not in kept:
        kept["_loyalty_tier"] = selectors.client_tier(user=getattr(request, "user", None))
    tier: Tier | None = kept["_loyalty_tier"]
    return selectors.cashback_percent(tier=tier, venue=venue)
