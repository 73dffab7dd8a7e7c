"""Celery tasks of referrals: they take ids and call one service or send one e-mail."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone, translation

from referrals.models import Referral

logger = logging.getLogger(__name__)


@shared_task(
    name="referrals.inviter_reward_email",
    acks_late=True,
    autoretry_for=(ConnectionError, OSError),
    retry_backoff=True,
    max_retries=5,
)
def inviter_reward_email(referral_id: int) -> None:
    """Tell the inviter that a friend's booking brought them points."""
    referral = Referral.objects.select_related("inviter", "invitee").filter(pk=referral_id).first()
    if referral is None or referral.status != Referral.Status.REWARDED:
        return
    context = {
        "referral": referral,
        "points": referral.inviter_points,
        "friend": referral.invitee.get_short_name() or referral.invitee.email,
        "site_url": settings.SITE_URL,
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("referrals/email/rewarded_subject.txt", context).strip()
        body = render_to_string("referrals/email/rewarded.txt", context)
    send_mail(" ".join(subject.split()), body, None, [referral.inviter.email])
    logger.info("referral reward e-mail sent", extra={"referral": referral_id})


@shared_task(name="referrals.booking_changed", acks_late=True)
def booking_changed(booking_id: int) -> None:
    """A booking was cancelled or marked a no-show: undo referral rewards it earned."""
    from referrals import services

    services.referrals_for_booking_check(booking_id=booking_id, now=timezone.now())
