"""Receivers of referrals: attach a new user to their inviter; watch qualifying bookings; e-mail
the inviter of a rewarded referral (connected in ReferralsConfig.ready)."""

from __future__ import annotations

from allauth.account.signals import user_signed_up
from django.contrib import messages
from django.http import HttpRequest
from django.utils.translation import gettext as _

from accounts.models import User
from bookings.signals import booking_cancelled, booking_no_show
from core.after_commit import enqueue
from core.emails import email_send_on_commit
from core.errors import ApplicationError
from referrals import services, signals, tasks

SESSION_KEY = "referral_code"


def attach_on_sign_up(sender: type, request: HttpRequest, user: User, **kwargs: object) -> None:
    """A code typed into the sign-up form wins over one remembered from an invite link."""
    code = (request.POST.get("invite_code") or request.session.pop(SESSION_KEY, "") or "").strip()
    if not code:
        return
    try:
        services.referral_attach(invitee=user, code=code)
    except ApplicationError as error:
        messages.warning(
            request, _("%(reason)s The invite code was not applied.") % {"reason": error.message}
        )
    else:
        messages.success(request, _("Invite code %(code)s applied.") % {"code": code.upper()})


def booking_stopped_counting(sender: type, booking_id: int, **kwargs: object) -> None:
    """A cancelled or no-show booking may have earned a referral reward: check it in a task."""
    enqueue(tasks.booking_changed, booking_id)


def email_inviter(sender: type, referral_id: int, **kwargs: object) -> None:
    email_send_on_commit("referrals.rewarded", [{"referral_id": referral_id}])


def connect() -> None:
    user_signed_up.connect(attach_on_sign_up, dispatch_uid="referrals.attach_on_sign_up")
    booking_cancelled.connect(booking_stopped_counting, dispatch_uid="referrals.booking_cancelled")
    booking_no_show.connect(booking_stopped_counting, dispatch_uid="referrals.booking_no_show")
    signals.referral_rewarded.connect(email_inviter, dispatch_uid="referrals.email_inviter")
