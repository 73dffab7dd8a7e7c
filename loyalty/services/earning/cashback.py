"""Cashback of bookings: promised when a booking is confirmed, re-planned when it moves,
released 24 h after the session, cancelled (or clawed back) when it does not take place."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Sum
from django.utils.translation import gettext_noop

from bookings.models import Booking
from loyalty.models import Account, LedgerTransaction
from loyalty.selectors import CashbackPlan, cashback_plan
from loyalty.services.ledger import (
    Movement,
    Settlement,
    points_clawback,
    points_credit,
    points_pending_cancel,
    points_pending_credit,
    points_pending_release,
)
from loyalty.services.ledger.credits import pending_amount

Kind = LedgerTransaction.Kind
CASHBACK_REASON = gettext_noop("Cashback for the booking at %(venue)s")
EARNING = (Booking.Status.CONFIRMED, Booking.Status.COMPLETED)


def cashback_keys(booking_id: int) -> tuple[str, str]:
    """The pending credits of a booking: platform-funded and venue-funded (the boost)."""
    return f"cashback:booking:{booking_id}", f"cashback-boost:booking:{booking_id}"


def _plan(booking: Booking, *, now: datetime) -> CashbackPlan:
    assert booking.user is not None
    return cashback_plan(
        user=booking.user,
        room=booking.room,
        start=booking.start,
        end=booking.end,
        money=booking.money_due,
        now=now,
    )


def _post(
    booking: Booking,
    *,
    now: datetime,
    pending: bool,
    plan: CashbackPlan | None = None,
    key_suffix: str = "",
) -> list[LedgerTransaction]:
    """Credit (or promise) the booking's cashback: the platform's part and the venue's boost."""
    assert booking.user is not None
    plan = plan or _plan(booking, now=now)
    credit = points_pending_credit if pending else points_credit
    platform_key, venue_key = (key + key_suffix for key in cashback_keys(booking.pk))
    venue = booking.room.venue
    made = []
    for key, amount, funder in (
        (platform_key, plan.platform_points, None),
        (venue_key, plan.venue_points, venue),
    ):
        if amount <= 0:
            continue
        movement = Movement(
            user=booking.user,
            amount=amount,
            lifetime=timedelta(days=settings.LOYALTY_CASHBACK_LIFETIME_DAYS),
            kind=Kind.CASHBACK,
            reason=CASHBACK_REASON,
            reason_params={"venue": venue.name},
            idempotency_key=key,
            now=now,
            venue=funder,
            booking_id=booking.pk,
        )
        made.append(credit(movement))
    return made


def _locked(booking_id: int, **conditions: object) -> Booking | None:
    """The client booking, locked: the lock serialises cancellation, moves and accrual."""
    return (
        Booking.objects.select_for_update(of=("self",))
        .select_related("room__venue", "user")
        .filter(pk=booking_id, kind=Booking.Kind.CLIENT, user__isnull=False, **conditions)
        .first()
    )


def cashback_pend(*, booking_id: int, now: datetime) -> list[LedgerTransaction]:
    """Promise a confirmed booking's cashback (pending until end + 24 h). Idempotent.

    A booking that already has any cashback transaction (pending or credited by the accrual
    job) is left alone: the plan is fixed once.
    """
    with transaction.atomic():
        booking = _locked(booking_id, status__in=EARNING)
        if booking is None:
            return []
        existing = list(LedgerTransaction.objects.filter(booking_id=booking.pk, kind=Kind.CASHBACK))
        if existing:
            return existing
        return _post(booking, now=now, pending=True)


def _unsettled(booking_id: int) -> list[LedgerTransaction]:
    return list(
        LedgerTransaction.objects.filter(
            booking_id=booking_id, kind=Kind.CASHBACK, lifetime__isnull=False
        )
        .exclude(children__kind__in=(Kind.PENDING_RELEASE, Kind.PENDING_CANCEL))
        .order_by("pk")
    )


def _released(booking_id: int) -> list[LedgerTransaction]:
    """Cashback the client has received: pending credits released, or credited directly."""
    return list(
        LedgerTransaction.objects.filter(booking_id=booking_id, kind=Kind.CASHBACK)
        .filter(Q(lifetime__isnull=True) | Q(children__kind=Kind.PENDING_RELEASE))
        .distinct()
        .order_by("pk")
    )


def _client_amount(tx: LedgerTransaction) -> int:
    """The points a cashback transaction gave the client (to pending or to the wallet)."""
    client_kinds = (Account.Kind.PENDING, Account.Kind.WALLET)
    total = tx.postings.filter(account__kind__in=client_kinds).aggregate(total=Sum("amount"))
    return total["total"] or 0


def cashback_cancel(*, booking_id: int, now: datetime) -> int:
    """A cancelled or no-show booking loses its cashback. Returns how many credits it lost.

    Pending credits are cancelled. Cashback already available (a no-show marked after the
    dispute window) is clawed back to whoever funded it; what the wallet no longer holds is
    recorded as a platform loss, never as a negative balance.
    """
    done = 0
    with transaction.atomic():
        booking = _locked(booking_id, status__in=(Booking.Status.CANCELLED, Booking.Status.NO_SHOW))
        if booking is None or booking.user is None:
            return 0
        for pending in _unsettled(booking_id):
            points_pending_cancel(
                pending.idempotency_key,
                Settlement(
                    idempotency_key=f"{pending.idempotency_key}:cancel",
                    now=now,
                    reason=gettext_noop("Cashback cancelled: the booking did not take place"),
                ),
            )
            done += 1
        for earned in _released(booking_id):
            movement = Movement(
                user=booking.user,
                amount=_client_amount(earned),
                reason=gettext_noop("Cashback withdrawn: the booking did not take place"),
                idempotency_key=f"{earned.idempotency_key}:clawback",
                now=now,
                venue=booking.room.venue if earned.venue_id else None,
                booking_id=booking_id,
            )
            points_clawback(movement)
            done += 1
    return done


def cashback_replan(*, booking_id: int, now: datetime) -> list[LedgerTransaction]:
    """A moved booking earns what its new time and money part earn.

    When the plan of the new time differs from the pending credits, they are cancelled and
    promised again under new keys (`<key>:moved:<n>`). Idempotent under the booking's lock: a
    second run finds the pending credits already equal to the plan and posts nothing. Cashback
    not yet promised (a request) or already settled is left to the usual lifecycle.
    """
    with transaction.atomic():
        booking = _locked(booking_id, status=Booking.Status.CONFIRMED)
        pendings = _unsettled(booking_id) if booking else []
        if booking is None or not pendings:
            return []
        plan = _plan(booking, now=now)
        wanted = {None: plan.platform_points, booking.room.venue_id: plan.venue_points}
        current = {tx.venue_id: pending_amount(tx) for tx in pendings}
        if current == {funder: points for funder, points in wanted.items() if points > 0}:
            return []
        moves = LedgerTransaction.objects.filter(
            booking_id=booking_id, kind=Kind.CASHBACK, idempotency_key__contains=":moved:"
        ).count()
        for pending in pendings:
            points_pending_cancel(
                pending.idempotency_key,
                Settlement(
                    idempotency_key=f"{pending.idempotency_key}:cancel",
                    now=now,
                    reason=gettext_noop("Cashback recalculated: the booking was moved"),
                ),
            )
        return _post(booking, now=now, pending=True, plan=plan, key_suffix=f":moved:{moves + 1}")


@dataclass
class AccrualResult:
    released: int = 0
    credited: int = 0
    skipped: int = 0


def _accrue(booking: Booking, *, now: datetime, result: AccrualResult) -> None:
    pendings = _unsettled(booking.pk)
    for pending in pendings:
        points_pending_release(
            pending.idempotency_key,
            Settlement(
                idempotency_key=f"{pending.idempotency_key}:release",
                now=now,
                reason=gettext_noop("Cashback became available"),
            ),
        )
        result.released += 1
    if (
        pendings
        or LedgerTransaction.objects.filter(booking_id=booking.pk, kind=Kind.CASHBACK).exists()
    ):
        return
    made = _post(booking, now=now, pending=False)
    result.credited += len(made)
    result.skipped += 0 if made else 1


def cashback_accrue(*, now: datetime, batch_size: int = 500) -> AccrualResult:
    """Make due cashback available: completed bookings whose end + 24 h has passed.

    Bookings are claimed in batches with `FOR UPDATE SKIP LOCKED` (a second worker takes other
    bookings); each has its pending credits released, or — when no cashback transaction exists
    at all (a lost task) — its cashback credited directly under the same keys. Idempotent.
    """
    result = AccrualResult()
    due = now - timedelta(hours=settings.LOYALTY_CASHBACK_DELAY_HOURS)
    oldest = due - timedelta(days=settings.LOYALTY_ACCRUE_LOOKBACK_DAYS)
    completed = Booking.objects.filter(
        status=Booking.Status.COMPLETED,
        kind=Booking.Kind.CLIENT,
        user__isnull=False,
        end__lte=due,
    )
    cashback = LedgerTransaction.objects.filter(booking_id=OuterRef("pk"), kind=Kind.CASHBACK)
    unsettled = cashback.filter(lifetime__isnull=False).exclude(
        children__kind__in=(Kind.PENDING_RELEASE, Kind.PENDING_CANCEL)
    )
    # Pending cashback to release (any age), and bookings of the recent past with none at all.
    candidates = completed.filter(Q(Exists(unsettled)) | Q(~Exists(cashback), end__gt=oldest))
    last_pk = 0
    while True:
        with transaction.atomic(durable=True):
            rows = list(
                candidates.filter(pk__gt=last_pk)
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("room", "room__venue", "user")
                .order_by("pk")[:batch_size]
            )
            for booking in rows:
                _accrue(booking, now=now, result=result)
        if len(rows) < batch_size:
            return result
        last_pk = rows[-1].pk
