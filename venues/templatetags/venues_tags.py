"""Template helpers of venues: the dashboard side navigation, money and hours formatting."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.urls import reverse

from venues import selectors
from venues.dashboard import venue_nav

register = template.Library()


@register.inclusion_tag("dashboard/_venue_nav.html", takes_context=True)
def dashboard_venue_nav(context, venue):
    """The per-venue links (this app's and those other apps registered), for the member's role."""
    request = context["request"]
    role = getattr(request, "partner_role", None)
    if role is None:
        role = selectors.membership_role(user=request.user, organisation_id=venue.organisation_id)
    current = request.path
    items = []
    for item in venue_nav(role):
        url = reverse(item.url_name, kwargs={"venue_id": venue.pk})
        items.append({"label": item.label, "url": url, "current": current == url})
    return {"venue": venue, "items": items, "role": role}


@register.filter
def rub(value) -> str:
    """900 → «900 ₽», 1500.50 → «1 500,50 ₽» (whole roubles without kopecks)."""
    if value is None or value == "":
        return ""
    amount = Decimal(value)
    text = intcomma(int(amount)) if amount == amount.to_integral() else intcomma(amount)
    return f"{text}\u00a0₽"


@register.filter
def hhmm(value) -> str:
    return value.strftime("%H:%M") if value else ""


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def crosses_midnight(hours) -> bool:
    return bool(hours) and hours.closes <= hours.opens
