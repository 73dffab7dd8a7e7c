"""Spending: points paying at a venue, held for a booking awaiting payment, and given back."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, ngettext

from core.errors import ApplicationError, Conflict
from loyalty.models import LedgerTransaction
from loyalty.services.ledger import lots
from loyalty.services.ledger.engine import (
    AccountKind,
    ClientAccounts,
    Entry,
    Kind,
    Movement,
    Postings,
    Settlement,
    check_points,
    find,
    fingerprint,
    record,
    record_take,
    system_account,
)

PAYMENT_KINDS = (Kind.SPEND, Kind.RESERVE)


def _take(movement: Movement, kind: str, *, new_key: bool) -> LedgerTransaction:
    """Take points from the wallet's lots, soonest expiry first: spent at the venue, or held.
    `new_key`: the key names a row made in the caller's transaction (see `record_take`)."""
    check_points(movement.amount)
    venue_id = movement.venue_id
    if venue_id is None:
        raise ApplicationError(_("Points are spent at a venue."), fields={"venue": _("Required.")})
    entry = Entry.of(
        movement,
        kind=kind,
        fingerprint=fingerprint(
            op=kind,
            user=movement.user_id,
            amount=movement.amount,
            venue=venue_id,
            booking=movement.booking_id,
        ),
    )

    if new_key:
        return record_take(entry, amount=movement.amount, held=kind == Kind.RESERVE)

    def decide(client: ClientAccounts) -> Postings:
        taken = lots.lock_needed(client.wallet.pk, movement.amount, movement.now)
        if kind == Kind.RESERVE:
            target = client.held
        else:
            target = system_account(AccountKind.REDEMPTIONS, venue_id)
        return Postings(
            lines=[(client.wallet, -movement.amount), (target, movement.amount)], consume=taken
        )

    return record(entry, decide)


def points_spend(movement: Movement, *, new_key: bool = False) -> LedgerTransaction:
    """Pay `amount` points at `venue`, consuming lots soonest-expiry first. Conflict if short.
    `new_key=True` when the key names a booking made in the caller's transaction: it cannot
    have been recorded, so the spend skips that lookup and its savepoint (`record_take`)."""
    return _take(movement, Kind.SPEND, new_key=new_key)


def points_reserve(movement: Movement, *, new_key: bool = False) -> LedgerTransaction:
    """Hold points for a booking awaiting online payment: taken from the lots, not yet spent.

    Then `points_reserve_capture` (paid) or `points_reserve_release` (hold expired/failed),
    naming this `idempotency_key`. A captured reserve is refunded like a spend. `new_key` as
    for `points_spend`.
    """
    return _take(movement, Kind.RESERVE, new_key=new_key)


# --- settling a reservation --------------------------------------------------------------------


def _settle_reserve(
    reserve_key: str, kind: str, settlement: Settlement, *, reason: str
) -> LedgerTransaction:
    reserve = find(reserve_key, (Kind.RESERVE,), "reservation")
    entry = settlement.entry(
        reserve, kind=kind, fingerprint=fingerprint(op=kind, reserve=reserve.pk), reason=reason
    )

    def decide(client: ClientAccounts) -> Postings:
        if reserve.children.filter(kind__in=(Kind.CAPTURE, Kind.RESERVE_RELEASE)).exists():
            raise Conflict(_("These held points were already used or returned."), code="settled")
        amount = -sum(reserve.allocations.values_list("amount", flat=True))
        if kind == Kind.CAPTURE:
            redemptions = system_account(AccountKind.REDEMPTIONS, reserve.venue_id)
            return Postings(lines=[(client.held, -amount), (redemptions, amount)])
        return Postings(
            lines=[(client.held, -amount), (client.wallet, amount)],
            restore=lots.Restore(lots.restorable(reserve), amount),
        )

    return record(entry, decide)


def points_reserve_capture(reserve_key: str, settlement: Settlement) -> LedgerTransaction:
    """The booking was paid: the held points become a spend at the reserve's venue."""
    reason = gettext_noop("Held points paid for the booking")
    return _settle_reserve(reserve_key, Kind.CAPTURE, settlement, reason=reason)


def points_reserve_release(reserve_key: str, settlement: Settlement) -> LedgerTransaction:
    """The hold ended unpaid: the points go back to the lots they came from."""
    reason = gettext_noop("Held points returned")
    return _settle_reserve(reserve_key, Kind.RESERVE_RELEASE, settlement, reason=reason)


# --- refunds ----------------------------------------------------------------------------------


def points_refundable(*, spend_key: str) -> int:
    """How many points of a spend (or a captured reserve) can still be given back."""
    original = find(spend_key, PAYMENT_KINDS, "payment with points")
    if original.kind == Kind.RESERVE and not original.children.filter(kind=Kind.CAPTURE).exists():
        return 0
    return sum(open_amount for _c, open_amount in lots.restorable(original))


def _check_captured(original: LedgerTransaction) -> None:
    if original.kind != Kind.RESERVE:
        return
    settlement = original.children.filter(kind__in=(Kind.CAPTURE, Kind.RESERVE_RELEASE)).first()
    if settlement is None or settlement.kind != Kind.CAPTURE:
        raise Conflict(
            _("Held points are returned by releasing the hold, not by a refund."),
            code="not_captured",
        )


def points_refund(
    spend_key: str, settlement: Settlement, *, amount: int | None = None
) -> LedgerTransaction:
    """Give back the points of a spend (or a captured reserve) to the very lots they came from.

    `amount=None` gives back everything not yet given back; a smaller amount is a partial refund
    (a cancellation fee keeps the rest). Lots consumed last come back first; a lot that expired
    meanwhile comes back as a grace lot living 30 days.
    """
    if amount is not None:
        check_points(amount)
    original = find(spend_key, PAYMENT_KINDS, "payment with points")
    entry = settlement.entry(
        original,
        kind=Kind.REFUND,
        fingerprint=fingerprint(op="refund", original=original.pk, amount=amount),
        reason=gettext_noop("Points returned"),
    )

    def decide(client: ClientAccounts) -> Postings:
        _check_captured(original)
        restorable = lots.restorable(original)
        refundable = sum(open_amount for _c, open_amount in restorable)
        wanted = refundable if amount is None else amount
        if wanted <= 0 or wanted > refundable:
            raise Conflict(
                ngettext(
                    "Only %(points)s point of this payment can be returned.",
                    "Only %(points)s points of this payment can be returned.",
                    refundable,
                )
                % {"points": refundable},
                code="refund_too_large",
                fields={"amount": _("Too many points.")},
            )
        redemptions = system_account(AccountKind.REDEMPTIONS, original.venue_id)
        return Postings(
            lines=[(redemptions, -wanted), (client.wallet, wanted)],
            restore=lots.Restore(restorable, wanted),
        )

    return record(entry, decide)
