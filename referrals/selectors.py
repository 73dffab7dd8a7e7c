"""Read operations on referrals: a user's invite summary."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.urls import reverse

from accounts.models import User
from referrals.models import Referral


@dataclass(frozen=True)
class InviteSummary:
    code: str
    link: str
    signed_up: int
    qualified: int
    rewarded: int
    points_earned: int
    friends: list[Referral]


def invite_summary(*, user: User, code: str) -> InviteSummary:
    Status = Referral.Status
    referrals = Referral.objects.filter(inviter=user)
    totals = referrals.aggregate(
        signed_up=Count("id"),
        qualified=Count(
            "id", filter=Q(status__in=[Status.QUALIFIED, Status.REWARDED, Status.REVERSED])
        ),
        rewarded=Count("id", filter=Q(status=Status.REWARDED)),
        points=Sum("inviter_points", filter=Q(status=Status.REWARDED), default=0),
    )
    return InviteSummary(
        code=code,
        link=settings.SITE_URL + reverse("referrals:follow", kwargs={"code": code}),
        signed_up=totals["signed_up"],
        qualified=totals["qualified"],
        rewarded=totals["rewarded"],
        points_earned=totals["points"],
        friends=list(referrals.select_related("invitee").order_by("-created_at")[:50]),
    )
