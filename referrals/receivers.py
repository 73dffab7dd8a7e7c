"""Signal receivers of referrals: attach a new user to their inviter; watch qualifying bookings."""

from __future__ import annotations

from allauth.account.signals import user_signed_up
from django.contrib import messages
from django.dispatch import receiver
from django.utils.translation import gettext as _

from bookings.signals import booking_cancelled, booking_no_show
from core.errors import ApplicationError
from referrals import services, tasks

SESSION_KEY = "referral_code"


@receiver(user_signed_up, dispatch_uid="referrals.attach_on_sign_up")
def attach_on_sign_up(sender, request, user, **kwargs) -> None:
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


@receiver(booking_cancelled, dispatch_uid="referrals.booking_cancelled")
@receiver(booking_no_show, dispatch_uid="referrals.booking_no_show")
def booking_stopped_counting(sender, booking_id: int, **kwargs) -> None:
    """A cancelled or no-show booking may have earned a referral reward: check it in a task."""
    tasks.booking_changed.delay(booking_id)
