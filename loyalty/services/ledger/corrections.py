"""Corrections: staff adjustments, and clawbacks of points given in error."""

from __future__ import annotations

from datetime import timedelta

from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError, PermissionDenied
from loyalty.models import LedgerTransaction
from loyalty.services.ledger import lots
from loyalty.services.ledger.engine import (
    DEFAULT_LIFETIME,
    AccountKind,
    AuditNote,
    ClientAccounts,
    Entry,
    Kind,
    Movement,
    Postings,
    check_lifetime,
    check_points,
    fingerprint,
    record,
    source_account,
    system_account,
)


def _check_adjustment(movement: Movement) -> str:
    """The reason of a valid adjustment, stripped; who may adjust and by how much."""
    if movement.actor is None or not movement.actor.is_staff:
        raise PermissionDenied(_("Only platform staff can adjust points."))
    reason = (movement.reason or "").strip()
    if not reason:
        raise ApplicationError(
            _("Say why the points are adjusted."), fields={"reason": _("A reason is required.")}
        )
    amount = movement.amount
    if isinstance(amount, bool) or not isinstance(amount, int) or amount == 0:
        raise ApplicationError(
            _("Enter a whole number of points other than zero."),
            fields={"amount": _("Enter a whole number of points other than zero.")},
        )
    check_points(abs(amount))
    return reason


def points_adjust(movement: Movement) -> LedgerTransaction:
    """A staff member (`actor`) adds (amount > 0) or removes (amount < 0) points, saying why.

    Additions live `lifetime` (365 days unless given). Leaves an audit record. A removal takes
    only spendable points and never goes below zero.
    """
    reason = _check_adjustment(movement)
    amount = movement.amount
    if amount > 0:
        given = movement.lifetime
        lifetime: timedelta | None = check_lifetime(DEFAULT_LIFETIME if given is None else given)
    else:
        lifetime = None
    entry = Entry(
        kind=Kind.ADJUSTMENT,
        user_id=movement.user_id,
        reason=reason,
        idempotency_key=movement.idempotency_key,
        fingerprint=fingerprint(
            op="adjust",
            user=movement.user_id,
            amount=amount,
            lifetime=lifetime.total_seconds() if lifetime else None,
            reason=reason,
        ),
        now=movement.now,
        actor=movement.actor,
    )

    def decide(client: ClientAccounts) -> Postings:
        balance = client.wallet.balance
        assert movement.actor is not None
        postings = Postings(
            lines=[(system_account(AccountKind.ADJUSTMENTS), -amount), (client.wallet, amount)],
            audit=AuditNote(
                actor=movement.actor,
                action="points.adjust",
                before={"balance": balance},
                after={
                    "balance": balance + amount,
                    "amount": amount,
                    "reason": reason,
                    "user": movement.user_id,
                },
            ),
        )
        if lifetime is not None:
            postings.new_lot = lots.NewLot(amount, movement.now + lifetime, None)
        else:
            postings.consume = lots.lock_needed(client.wallet.pk, -amount, movement.now)
        return postings

    return record(entry, decide)


def points_clawback(movement: Movement) -> LedgerTransaction:
    """Take back `amount` points given in error (a refunded referral booking, ...).

    Takes what the wallet can spend now, soonest-expiry first; the rest is recorded in the
    clawback-receivable account (a platform loss unless recovered). Never goes below zero.
    The points go back to whoever funded them (the platform, or `venue`).
    """
    check_points(movement.amount)
    amount = movement.amount
    entry = Entry.of(
        movement,
        kind=Kind.CLAWBACK,
        fingerprint=fingerprint(
            op="clawback",
            user=movement.user_id,
            amount=amount,
            venue=movement.venue_id,
            booking=movement.booking_id,
        ),
    )

    def decide(client: ClientAccounts) -> Postings:
        live = lots.live(client.wallet, movement.now)
        taken = min(amount, sum(lot.remaining for lot in live))
        lines = [(source_account(movement.venue_id), amount)]
        if taken:
            lines.append((client.wallet, -taken))
        if amount - taken:
            receivable = system_account(AccountKind.CLAWBACK_RECEIVABLE)
            lines.append((receivable, -(amount - taken)))
        consume = lots.lock_needed(client.wallet.pk, taken, movement.now) if taken else []
        return Postings(lines=lines, consume=consume)

    return record(entry, decide)
