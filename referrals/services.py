"""Write operations on referrals: invite codes, attaching a friend to an inviter, blocking."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from bookings.models import Booking
from core.after_commit import announce
from core.errors import ApplicationError
from core.services import audit_record
from loyalty import services as loyalty_services
from loyalty.models import LedgerTransaction
from referrals import signals
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


# --- Qualification, rewards, clawback (docs/referrals.md) ------------------------------------

REWARD_REASON = gettext_noop("Reward for inviting a friend")
FRIEND_REASON = gettext_noop("Welcome reward: a friend invited you")
CLAWBACK_REASON = gettext_noop("Referral reward taken back: the booking was refunded")


def _key(referral_id: int, who: str) -> str:
    return f"referral:{referral_id}:{who}"


def _paid_completed() -> Q:
    return Q(status=Booking.Status.COMPLETED) & (
        Q(paid_at__isnull=False) | Q(payment=Booking.Payment.ONLINE)
    )


def qualifying_booking_find(*, referral: Referral) -> Booking | None:
    """The friend's first paid, completed client booking starting within the qualifying period
    of signing up, when its money part reaches the minimum (a first booking below the minimum
    does not qualify; a later one that reaches it does)."""
    deadline = referral.created_at + timedelta(days=settings.REFERRAL_QUALIFY_DAYS)
    bookings = Booking.objects.filter(
        _paid_completed(),
        user_id=referral.invitee_id,
        kind=Booking.Kind.CLIENT,
        start__gte=referral.created_at,
        start__lt=deadline,
    ).order_by("start", "pk")
    for booking in bookings:
        if booking.money_due >= settings.REFERRAL_MIN_BOOKING_AMOUNT:
            return booking
    return None


def _month_start(now: datetime) -> datetime:
    local = timezone.localtime(now)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def _qualifying(referral: Referral) -> int:
    """The id of the booking a qualified (or rewarded) referral counts."""
    assert referral.qualifying_booking_id is not None
    return referral.qualifying_booking_id


def _reward(referral: Referral, *, now: datetime) -> str:
    """Reward a qualified referral whose dispute window is over (the referral row is locked)."""
    booking = Booking.objects.get(pk=_qualifying(referral))
    if not Booking.objects.filter(_paid_completed(), pk=booking.pk).exists():
        # The booking stopped counting (no-show, refund) before the reward: look again later.
        referral.status = Referral.Status.SIGNED_UP
        referral.qualifying_booking = None
        referral.qualified_at = None
        referral.save(update_fields=["status", "qualifying_booking", "qualified_at"])
        return "requalify"
    # One inviter at a time: the monthly cap is counted under this lock.
    invite = InviteCode.objects.select_for_update().filter(user_id=referral.inviter_id).first()
    if invite is not None and invite.is_blocked:
        referral.status = Referral.Status.NOT_REWARDED
        referral.reason = _("The inviter is blocked: %(reason)s") % {
            "reason": invite.blocked_reason
        }
        referral.save(update_fields=["status", "reason"])
        return "blocked"
    rewarded_this_month = Referral.objects.filter(
        inviter_id=referral.inviter_id,
        status__in=[Referral.Status.REWARDED, Referral.Status.REVERSED],
        rewarded_at__gte=_month_start(now),
    ).count()
    if rewarded_this_month >= settings.REFERRAL_MONTHLY_CAP:
        referral.status = Referral.Status.NOT_REWARDED
        referral.reason = _(
            "The inviter reached the limit of %(cap)d rewarded friends this month."
        ) % {"cap": settings.REFERRAL_MONTHLY_CAP}
        referral.save(update_fields=["status", "reason"])
        return "capped"
    points = settings.REFERRAL_REWARD_POINTS
    lifetime = timedelta(days=settings.REFERRAL_REWARD_LIFETIME_DAYS)
    credits = [
        (referral.inviter_id, "inviter", REWARD_REASON),
        (referral.invitee_id, "friend", FRIEND_REASON),
    ]
    # Wallets are locked in user id order: two referrals between the same people never deadlock.
    for user_id, who, reason in sorted(credits):
        loyalty_services.points_credit(
            loyalty_services.Movement(
                user=User(pk=user_id),
                amount=points,
                lifetime=lifetime,
                kind=LedgerTransaction.Kind.REFERRAL,
                reason=reason,
                idempotency_key=_key(referral.pk, who),
                now=now,
                booking_id=booking.pk,
            )
        )
    referral.status = Referral.Status.REWARDED
    referral.rewarded_at = now
    referral.inviter_points = points
    referral.invitee_points = points
    referral.reason = ""
    referral.save(
        update_fields=["status", "rewarded_at", "inviter_points", "invitee_points", "reason"]
    )
    announce(signals.referral_rewarded, sender=Referral, referral_id=referral.pk)
    return "rewarded"


def referral_process(*, referral_id: int, now: datetime) -> str:
    """Move one referral forward: qualify it, then reward it after the dispute window; undo a
    reward whose booking stopped counting. Safe to call any number of times."""
    with transaction.atomic(durable=True):
        referral = (
            Referral.objects.select_for_update(skip_locked=True).filter(pk=referral_id).first()
        )
        if referral is None:
            return "busy"
        Status = Referral.Status
        if referral.status == Status.REWARDED:
            counts = Booking.objects.filter(_paid_completed(), pk=_qualifying(referral))
            if not counts.exists():
                _reverse(referral, now=now, actor=None)
                return "reversed"
            return "done"
        if referral.status == Status.SIGNED_UP:
            booking = qualifying_booking_find(referral=referral)
            if booking is None:
                return "waiting"
            referral.status = Status.QUALIFIED
            referral.qualifying_booking = booking
            referral.qualified_at = now
            referral.save(update_fields=["status", "qualifying_booking", "qualified_at"])
        if referral.status == Status.QUALIFIED:
            booking = Booking.objects.get(pk=_qualifying(referral))
            if booking.end + timedelta(hours=settings.REFERRAL_DISPUTE_HOURS) > now:
                return "qualified"
            return _reward(referral, now=now)
        return "done"


# Referrals the job may move: friends who have a completed client booking to look at, rewards
# due, and rewards whose booking no longer counts. One set-based query finds them.
_DUE = """
SELECT r.id FROM referrals_referral r
WHERE r.id > %(after)s AND (
  (r.status = 'signed_up' AND EXISTS (
     SELECT 1 FROM bookings_booking b
     WHERE b.user_id = r.invitee_id AND b.status = 'completed' AND b.kind = 'client'
       AND (b.paid_at IS NOT NULL OR b.payment = 'online') AND b.money_due >= %(min_money)s
       AND b.start >= r.created_at AND b.start < r.created_at + %(qualify)s))
  OR (r.status = 'qualified' AND EXISTS (
     SELECT 1 FROM bookings_booking b
     WHERE b.id = r.qualifying_booking_id AND b.end <= %(window_end)s))
  OR (r.status IN ('qualified', 'rewarded') AND EXISTS (
     SELECT 1 FROM bookings_booking b
     WHERE b.id = r.qualifying_booking_id AND NOT (b.status = 'completed'
       AND (b.paid_at IS NOT NULL OR b.payment = 'online'))))
)
ORDER BY r.id
LIMIT %(limit)s
"""


def referrals_reward(*, now: datetime, batch_size: int = 500) -> dict[str, int]:
    """The hourly job: qualify, reward after the dispute window, take back refunded rewards.
    Each referral is handled in its own transaction under its row lock (SKIP LOCKED), so two
    workers at once, or a second run, reward each referral once."""
    counts: dict[str, int] = {}
    after = 0
    params: dict[str, object] = {
        "qualify": timedelta(days=settings.REFERRAL_QUALIFY_DAYS),
        "min_money": settings.REFERRAL_MIN_BOOKING_AMOUNT,
        "window_end": now - timedelta(hours=settings.REFERRAL_DISPUTE_HOURS),
        "limit": batch_size,
    }
    while True:
        with connection.cursor() as cursor:
            # psycopg adapts the timedelta; the stubs' parameter types leave it out.
            cursor.execute(_DUE, params | {"after": after})  # type: ignore[arg-type]
            ids = [row[0] for row in cursor.fetchall()]
        for referral_id in ids:
            outcome = referral_process(referral_id=referral_id, now=now)
            counts[outcome] = counts.get(outcome, 0) + 1
        if len(ids) < batch_size:
            return counts
        after = ids[-1]


def _reverse(referral: Referral, *, now: datetime, actor: User | None) -> None:
    for user_id, who, points in sorted(
        [
            (referral.inviter_id, "inviter", referral.inviter_points),
            (referral.invitee_id, "friend", referral.invitee_points),
        ]
    ):
        if points:
            loyalty_services.points_clawback(
                loyalty_services.Movement(
                    user=User(pk=user_id),
                    amount=points,
                    reason=CLAWBACK_REASON,
                    idempotency_key=_key(referral.pk, f"{who}:clawback"),
                    now=now,
                    booking_id=referral.qualifying_booking_id,
                    actor=actor,
                )
            )
    referral.status = Referral.Status.REVERSED
    referral.reversed_at = now
    referral.reason = _("The qualifying booking was refunded or did not take place.")
    referral.save(update_fields=["status", "reversed_at", "reason"])


def referral_reverse(*, referral_id: int, actor: User | None, now: datetime) -> Referral:
    """Take both rewards back (the qualifying booking was refunded). Clawback never makes a
    balance negative: what the wallets no longer have is recorded as receivable. Once only."""
    with transaction.atomic(durable=True):
        referral = Referral.objects.select_for_update().get(pk=referral_id)
        if referral.status == Referral.Status.REVERSED:
            return referral
        before = {"status": referral.status}
        if referral.status == Referral.Status.REWARDED:
            _reverse(referral, now=now, actor=actor)
        elif referral.status == Referral.Status.QUALIFIED:
            referral.status = Referral.Status.NOT_REWARDED
            referral.reason = _("The qualifying booking was refunded.")
            referral.save(update_fields=["status", "reason"])
        else:
            raise ApplicationError(
                _("Only a qualified or rewarded referral can be reversed."), code="not_reversible"
            )
        if actor is not None:
            audit_record(
                actor=actor,
                action="referrals.reverse",
                obj=referral,
                before=before,
                after={"status": referral.status},
            )
    return referral


def referrals_for_booking_check(*, booking_id: int, now: datetime) -> int:
    """After a booking is cancelled or marked a no-show: undo rewards it earned."""
    ids = list(
        Referral.objects.filter(
            qualifying_booking_id=booking_id,
            status__in=[Referral.Status.QUALIFIED, Referral.Status.REWARDED],
        ).values_list("pk", flat=True)
    )
    for referral_id in ids:
        referral_process(referral_id=referral_id, now=now)
    return len(ids)
