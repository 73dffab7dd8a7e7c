"""Template helpers of loyalty: the cashback a visitor earns, shown on room cards and pages."""

from __future__ import annotations

from decimal import Decimal

from django import template

from loyalty import selectors

register = template.Library()
_UNREAD = object()


@register.simple_tag(takes_context=True)
def cashback_percent(context, venue) -> Decimal:
    """The visitor's cashback % at `venue` before campaigns. Their tier is read once a request,
    so a page of room cards costs one query, not one a card."""
    request = context.get("request")
    tier = getattr(request, "_loyalty_tier", _UNREAD)
    if tier is _UNREAD:
        tier = selectors.client_tier(user=getattr(request, "user", None))
        if request is not None:
            request._loyalty_tier = tier
    return selectors.cashback_percent(tier=tier, venue=venue)
