"""E-mails of loyalty (see core.emails): points about to expire, and holiday gifts."""

from __future__ import annotations

from datetime import date

from django.conf import settings

from accounts.models import User
from core.emails import Email, Item, email_kind
from loyalty.models import HolidayGrant


@email_kind("loyalty.expiry_reminder", template="loyalty/email/expiry_reminder")
def expiry_reminder(items: list[Item]) -> list[Email]:
    """Items `{"user_id", "day", "points"}`: points of the client that expire on `day`."""
    users = User.objects.in_bulk([int(item["user_id"]) for item in items])
    emails = []
    for item in items:
        user = users.get(int(item["user_id"]))
        if user is None:
            continue
        context = {
            "user": user,
            "day": date.fromisoformat(str(item["day"])),
            "points": int(item["points"]),
            "site_url": settings.SITE_URL,
        }
        emails.append(Email(item=item, to=[user.email], context=context))
    return emails


@email_kind("loyalty.holiday_gift", template="loyalty/email/holiday_gift")
def holiday_gift(items: list[Item]) -> list[Email]:
    """Items `{"grant_id", "user_id"}`: the client received the grant's points. The text is the
    same for every client of a grant, so it is rendered once."""
    grants = HolidayGrant.objects.in_bulk([int(item["grant_id"]) for item in items])
    # Addresses only: a batch is thousands of clients, model instances would cost more.
    addresses = dict(
        User.objects.filter(pk__in=[int(item["user_id"]) for item in items]).values_list(
            "pk", "email"
        )
    )
    contexts = {
        grant.pk: {"grant": grant, "points_url": f"{settings.SITE_URL}/me/points/"}
        for grant in grants.values()
    }
    emails = []
    for item in items:
        address = addresses.get(int(item["user_id"]))
        context = contexts.get(int(item["grant_id"]))
        if address and context is not None:
            emails.append(Email(item=item, to=[address], context=context))
    return emails
