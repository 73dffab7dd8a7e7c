"""Pages of referrals: following an invite link, and the "Invite friends" page."""

from __future__ import annotations

from allauth.account.views import SignupView as AllauthSignupView
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.http import SignedInRequest
from referrals import selectors, services
from referrals.receivers import SESSION_KEY


def follow(request: HttpRequest, code: str) -> HttpResponse:
    """`/r/<code>`: remember the code through sign-up."""
    if request.user.is_authenticated:
        messages.info(request, _("You already have an account: invite links are for new friends."))
        return redirect("home")
    request.session[SESSION_KEY] = code.strip().upper()[:16]
    return redirect("account_signup")


@login_required
def invite(request: SignedInRequest) -> HttpResponse:
    code = services.invite_code_get_or_create(user=request.user)
    summary = selectors.invite_summary(user=request.user, code=code.code)
    return render(
        request, "referrals/invite.html", {"summary": summary, "blocked": code.is_blocked}
    )


class SignupView(AllauthSignupView):
    """allauth's sign-up, with «Invite code» prefilled from a followed invite link."""

    def get_initial(self) -> dict:
        initial = super().get_initial()
        code = self.request.session.get(SESSION_KEY)
        if code:
            initial.setdefault("invite_code", code)
        return initial


signup = SignupView.as_view()
