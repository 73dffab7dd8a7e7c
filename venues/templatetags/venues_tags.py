"""Template helpers of venues: the dashboard side navigation, money and hours formatting."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from venues import selectors, timezones
from venues.extensions import cashback_percent as visitor_cashback_percent
from venues.extensions import venue_nav
from venues.weekdays import weekdays_label

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
    return {"venue": venue, "items": items, "role": role, "next": request.get_full_path()}


@register.filter
def rub(value) -> str:
    """900 → «900 ₽», 1500.50 → «1 500,50 ₽» (whole roubles without kopecks)."""
    if value is None or value == "":
        return ""
    amount = Decimal(value)
    text = intcomma(int(amount)) if amount == amount.to_integral() else intcomma(amount)
    return f"{text}\u00a0₽"


@register.filter
def weekdays(value) -> str:
    """[0, 1, 2, 3, 4] → «пн–пт» (see venues.weekdays)."""
    return weekdays_label(value)


@register.filter
def hhmm(value) -> str:
    return value.strftime("%H:%M") if value else ""


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def crosses_midnight(hours) -> bool:
    return bool(hours) and hours.closes <= hours.opens


@register.filter
def hours_span(hours) -> str:
    """10:00–22:00; «10:00 – до полуночи» for a 00:00 close; «… до 02:00 следующего дня» past it."""
    if not hours or hours.opens is None or hours.closes is None:
        return ""
    opens, closes = hours.opens.strftime("%H:%M"), hours.closes.strftime("%H:%M")
    if hours.closes == datetime.time(0, 0):
        text = _("%(opens)s until midnight") % {"opens": opens}
    elif hours.closes <= hours.opens:
        text = _("%(opens)s until %(closes)s the next day") % {"opens": opens, "closes": closes}
    else:
        text = f"{opens}–{closes}"
    return format_html('<span class="hours-span">{}</span>', text)


@register.filter
def zone_label(venue) -> str:
    """«по времени Новосибирска (МСК+4)» instead of the raw zone id Asia/Novosibirsk."""
    return timezones.zone_label(venue.timezone)


@register.filter
def day_label(value: datetime.date) -> str:
    """«пт, 31 декабря», with the year only when it is not this year."""
    if not value:
        return ""
    same_year = value.year == timezone.localdate().year
    return date_format(value, "D, j E" if same_year else "D, j E Y")


@register.filter
def cancellation_policy(venue) -> str:
    """The cancellation terms in words; a 0 % fee means free cancellation until the start."""
    fee, hours = venue.cancellation_fee_percent, venue.cancellation_free_hours
    if not fee or not hours:
        if not fee:
            return _("Free cancellation at any time before the start.")
        return _("Free cancellation until the start.")
    return ngettext(
        "Free cancellation until %(hours)s hour before the start; later the fee is %(fee)s%% "
        "of the price.",
        "Free cancellation until %(hours)s hours before the start; later the fee is %(fee)s%% "
        "of the price.",
        hours,
    ) % {"hours": hours, "fee": fee}


@register.simple_tag(takes_context=True)
def cashback_percent(context, venue) -> Decimal | None:
    """The cashback % this visitor earns at `venue` before campaigns (room cards and pages)."""
    return visitor_cashback_percent(context.get("request"), venue)
