"""E-mails of referrals (see core.emails): the inviter's reward."""

from __future__ import annotations

from django.conf import settings

from core.emails import Email, Item, email_kind
from referrals.models import Referral


@email_kind("referrals.rewarded", template="referrals/email/rewarded")
def rewarded(items: list[Item]) -> list[Email]:
    """Items `{"referral_id"}`: a friend's booking brought the inviter points."""
    referrals = Referral.objects.select_related("inviter", "invitee").in_bulk(
        [int(item["referral_id"]) for item in items]
    )
    emails = []
    for item in items:
        referral = referrals.get(int(item["referral_id"]))
        if referral is None or referral.status != Referral.Status.REWARDED:
            continue
        context = {
            "referral": referral,
            "points": referral.inviter_points,
            "friend": referral.invitee.get_short_name() or referral.invitee.email,
            "site_url": settings.SITE_URL,
        }
        emails.append(Email(item=item, to=[referral.inviter.email], context=context))
    return emails
