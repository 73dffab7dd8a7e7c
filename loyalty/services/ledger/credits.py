"""Credits: points given to a client, available at once or promised (pending) until released."""

from __future__ import annotations

import dataclasses

from django.db.models import Sum
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from core.errors import ApplicationError, Conflict, NotFound
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
    check_lifetime,
    check_points,
    find,
    fingerprint,
    record,
    source_account,
)

CREDIT_KINDS = (
    Kind.CASHBACK,
    Kind.BONUS,
    Kind.WELCOME,
    Kind.PROFILE,
    Kind.BIRTHDAY,
    Kind.HOLIDAY,
    Kind.REFERRAL,
)


def credit_content(movement: Movement, *, pending: bool) -> dict[str, object]:
    """What a credit asks for: the content of its fingerprint (the bulk holiday grant builds
    the same fingerprint in SQL from it)."""
    lifetime = movement.lifetime.total_seconds() if movement.lifetime else None
    return {
        "op": "pending" if pending else "credit",
        "user": movement.user_id,
        "amount": movement.amount,
        "lifetime": lifetime,
        "kind": movement.kind,
        "venue": movement.venue_id,
        "booking": movement.booking_id,
    }


def credit_fingerprint(movement: Movement, *, pending: bool) -> str:
    """The fingerprint of a credit: a replay under its key must ask for the same."""
    return fingerprint(**credit_content(movement, pending=pending))


def _credit_entry(movement: Movement, *, pending: bool) -> Entry:
    # Operational kinds (spend, refund, expire...) are recorded by their own functions only.
    if movement.kind not in CREDIT_KINDS:
        raise ApplicationError(
            _("Points cannot be credited as %(kind)s.") % {"kind": movement.kind},
            fields={"kind": _("Unknown kind of credit.")},
        )
    check_points(movement.amount)
    check_lifetime(movement.lifetime)
    return Entry.of(
        movement, kind=movement.kind, fingerprint=credit_fingerprint(movement, pending=pending)
    )


def points_credit(movement: Movement) -> LedgerTransaction:
    """Credit available points to the client's wallet as a new lot living `lifetime`."""
    entry = _credit_entry(movement, pending=False)
    expires_at = movement.now + check_lifetime(movement.lifetime)

    def decide(client: ClientAccounts) -> Postings:
        return Postings(
            lines=[
                (source_account(movement.venue_id), -movement.amount),
                (client.wallet, movement.amount),
            ],
            new_lot=lots.NewLot(movement.amount, expires_at, movement.venue_id),
        )

    return record(entry, decide)


def points_pending_credit(movement: Movement) -> LedgerTransaction:
    """Promise points (e.g. cashback until the dispute window closes): they sit in `pending`.

    Release them with `points_pending_release` (they become a lot living `lifetime` from the
    release) or cancel them with `points_pending_cancel`, naming this `idempotency_key`.
    """
    entry = dataclasses.replace(_credit_entry(movement, pending=True), lifetime=movement.lifetime)

    def decide(client: ClientAccounts) -> Postings:
        return Postings(
            lines=[
                (source_account(movement.venue_id), -movement.amount),
                (client.pending, movement.amount),
            ]
        )

    return record(entry, decide)


# --- settling a pending credit ----------------------------------------------------------------


def pending_amount(tx: LedgerTransaction) -> int:
    """The points a pending credit promised."""
    total = tx.postings.filter(account__kind=AccountKind.PENDING).aggregate(total=Sum("amount"))
    return total["total"] or 0


def _settle_pending(
    pending_key: str, kind: str, settlement: Settlement, *, reason: str
) -> LedgerTransaction:
    pending = find(pending_key, CREDIT_KINDS, "pending credit")
    if pending.lifetime is None:
        raise NotFound(_("No pending credit with key %(key)s.") % {"key": pending_key})
    lifetime = pending.lifetime
    entry = settlement.entry(
        pending, kind=kind, fingerprint=fingerprint(op=kind, pending=pending.pk), reason=reason
    )

    def decide(client: ClientAccounts) -> Postings:
        if pending.children.filter(kind__in=(Kind.PENDING_RELEASE, Kind.PENDING_CANCEL)).exists():
            raise Conflict(
                _("These pending points were already released or cancelled."), code="settled"
            )
        amount = pending_amount(pending)
        if kind == Kind.PENDING_CANCEL:
            return Postings(
                lines=[(client.pending, -amount), (source_account(pending.venue_id), amount)]
            )
        return Postings(
            lines=[(client.pending, -amount), (client.wallet, amount)],
            new_lot=lots.NewLot(amount, settlement.now + lifetime, pending.venue_id),
        )

    return record(entry, decide)


def points_pending_release(pending_key: str, settlement: Settlement) -> LedgerTransaction:
    """Make the points of a pending credit available: a lot living the credit's lifetime."""
    reason = gettext_noop("Pending points became available")
    return _settle_pending(pending_key, Kind.PENDING_RELEASE, settlement, reason=reason)


def points_pending_cancel(pending_key: str, settlement: Settlement) -> LedgerTransaction:
    """Cancel a pending credit (booking cancelled, no-show): the points go back to the funder."""
    reason = gettext_noop("Pending points cancelled")
    return _settle_pending(pending_key, Kind.PENDING_CANCEL, settlement, reason=reason)
