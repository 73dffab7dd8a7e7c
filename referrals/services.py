"""Write operations on referrals: invite codes, attaching a friend to an inviter, blocking."""

from __future__ import annotations

import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import ApplicationError
from core.services import audit_record
from referrals.models import InviteCode, Referral

# No 0/O or 1/I: codes are read aloud and typed by hand.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8

# Mail services where one mailbox has many spellings: dots are ignored, and the domains alias.
_DOTLESS_DOMAINS = {"gmail.com", "googlemail.com"}
_DOMAIN_ALIASES = {
    "googlemail.com": "gmail.com",
    "ya.ru": "yandex.ru",
    "yandex.com": "yandex.ru",
    "yandex.by": "yandex.ru",
    "yandex.kz": "yandex.ru",
    "yandex.ua": "yandex.ru",
}


def email_normalise(email: str) -> str:
    """One spelling per mailbox: lower case, no "+tag", no dots at Gmail, aliased domains merged."""
    local, _at, domain = email.strip().lower().rpartition("@")
    local = local.split("+", 1)[0]
    if domain in _DOTLESS_DOMAINS:
        local = local.replace(".", "")
    return f"{local}@{_DOMAIN_ALIASES.get(domain, domain)}"


def invite_code_get_or_create(*, user: User) -> InviteCode:
    existing = InviteCode.objects.filter(user=user).first()
    if existing:
        return existing
    for _attempt in range(10):
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        try:
            with transaction.atomic():
                return InviteCode.objects.create(user=user, code=code)
        except IntegrityError:
            # Either the user got a code in a concurrent request, or the random code is taken.
            existing = InviteCode.objects.filter(user=user).first()
            if existing:
                return existing
    raise RuntimeError("Could not find a free invite code")


def referral_attach(*, invitee: User, code: str) -> Referral:
    """Record that `invitee` came through `code`, or explain why the code does not apply."""
    code = code.strip().upper()
    with transaction.atomic():
        invitee = User.objects.get(pk=invitee.pk)  # the caller's copy may predate the profile save
        invite = InviteCode.objects.select_related("user").filter(code=code).first()
        if invite is None:
            raise ApplicationError(
                _("Invite code %(code)s does not exist.") % {"code": code}, code="unknown_code"
            )
        inviter = invite.user
        if inviter.pk == invitee.pk:
            raise ApplicationError(_("You cannot use your own invite code."), code="self_referral")
        if invite.is_blocked:
            raise ApplicationError(
                _("Invite code %(code)s is no longer valid.") % {"code": code}, code="blocked_code"
            )
        same_email = email_normalise(inviter.email) == email_normalise(invitee.email)
        same_phone = bool(invitee.phone) and invitee.phone == inviter.phone
        if same_email or same_phone:
            raise ApplicationError(_("You cannot use your own invite code."), code="self_referral")
        if Referral.objects.filter(invitee=invitee).exists():
            raise ApplicationError(
                _("You have already been invited by someone."), code="already_invited"
            )
        return Referral.objects.create(inviter=inviter, invitee=invitee, code=code)


def invite_code_block(*, invite: InviteCode, actor: User, reason: str) -> InviteCode:
    """Stop an inviter's code from bringing new referrals and rewards (staff action)."""
    if not reason.strip():
        raise ApplicationError(
            _("Say why the inviter is blocked."), fields={"reason": _("This field is required.")}
        )
    with transaction.atomic():
        invite = InviteCode.objects.select_for_update().get(pk=invite.pk)
        before = {
            "blocked_at": str(invite.blocked_at or ""),
            "blocked_reason": invite.blocked_reason,
        }
        invite.blocked_at = timezone.now()
        invite.blocked_reason = reason.strip()
        invite.save(update_fields=["blocked_at", "blocked_reason"])
        audit_record(
            actor=actor,
            action="referrals.block_inviter",
            obj=invite,
            before=before,
            after={"blocked_at": str(invite.blocked_at), "blocked_reason": invite.blocked_reason},
        )
    return invite
