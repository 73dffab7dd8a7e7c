"""Write operations on the points ledger: every movement of points goes through one of these.

Rules every function here keeps (see docs/loyalty-ledger.md):
- Idempotent by `idempotency_key`: posting a key again returns the transaction it made; the same
  key with different content is a Conflict (409).
- One lock order everywhere: the client's accounts (wallet, pending, held, in id order), then
  the wallet's lots in consumption order. System accounts are never locked: their balance is
  the sum of their postings, so concurrent postings to them never wait on each other.
- `now` is passed in; nothing reads the clock.
- Not `durable`: a booking service may call these inside its own transaction (booking first,
  then wallet, then lots); a function here then runs in a savepoint.
"""

from __future__ import annotations

import calendar
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import CharField, Exists, F, OuterRef, Q, Sum, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, ngettext

from core.after_commit import announce
from core.errors import ApplicationError, Conflict, NotFound, PermissionDenied
from core.services import audit_record
from loyalty.models import Account, Allocation, LedgerTransaction, Lot, Posting

Kind = LedgerTransaction.Kind
AccountKind = Account.Kind

DEFAULT_LIFETIME = timedelta(days=365)
# A refunded point whose lot expired meanwhile comes back for this long (DESIGN.md, Lots).
GRACE_LIFETIME = timedelta(days=30)
# Far more than any booking; guards the integer columns against absurd input.
MAX_POINTS = 100_000_000

CREDIT_KINDS = (
    Kind.CASHBACK,
    Kind.BONUS,
    Kind.WELCOME,
    Kind.PROFILE,
    Kind.BIRTHDAY,
    Kind.HOLIDAY,
    Kind.REFERRAL,
)


# --- plumbing -------------------------------------------------------------------------------


@dataclass
class _Client:
    wallet: Account
    pending: Account
    held: Account


def _fingerprint(**content: Any) -> str:
    return hashlib.sha256(
        json.dumps(content, sort_keys=True, default=str).encode("utf-8")
    ).hexdigest()


def _check_points(amount: Any, *, field: str = "amount") -> None:
    if isinstance(amount, bool) or not isinstance(amount, int) or not 0 < amount <= MAX_POINTS:
        raise ApplicationError(
            _("Points must be a whole number from 1 to %(max)s.") % {"max": MAX_POINTS},
            fields={field: _("Enter a whole number of points greater than zero.")},
        )


def _check_lifetime(lifetime: Any) -> None:
    if not isinstance(lifetime, timedelta) or lifetime <= timedelta(0):
        raise ApplicationError(
            _("Points need a positive lifetime."), fields={"lifetime": _("Enter a lifetime.")}
        )


def _check_credit_kind(kind: str) -> None:
    # Operational kinds (spend, refund, expire...) are posted by their own functions only.
    if kind not in CREDIT_KINDS:
        raise ApplicationError(
            _("Points cannot be credited as %(kind)s.") % {"kind": kind},
            fields={"kind": _("Unknown kind of credit.")},
        )


def _check_key(key: str) -> None:
    if not key or len(key) > 200:
        raise ApplicationError(_("An idempotency key of up to 200 characters is required."))


def _existing(key: str, fingerprint: str) -> LedgerTransaction | None:
    found = LedgerTransaction.objects.filter(idempotency_key=key).first()
    if found is not None and found.fingerprint != fingerprint:
        raise Conflict(
            _("This idempotency key was already used for a different operation."),
            code="idempotency_conflict",
        )
    return found


def _constraint_name(error: IntegrityError) -> str:
    diag = getattr(error.__cause__, "diag", None)
    return (getattr(diag, "constraint_name", None) or "") if diag else ""


def _once(key: str, fingerprint: str, body: Callable[[], LedgerTransaction]) -> LedgerTransaction:
    """Run `body` in a (nested) transaction unless `key` was posted already.

    `body` must lock the client's accounts, then call `_existing` before writing: the lock
    serialises requests for one client, so the second of two identical requests sees the first.
    Two requests for different clients with one key both pass; the unique index stops the
    second, and we answer it with the first's transaction (or a Conflict if they differ).
    """
    _check_key(key)
    try:
        with transaction.atomic():
            return body()
    except IntegrityError as error:
        name = _constraint_name(error)
        if "idempotency_key" in name:
            found = _existing(key, fingerprint)
            if found is not None:
                return found
        if name in ("loyalty_account_balance_not_negative", "loyalty_lot_remaining_within_amount"):
            # The checks in the services come first; this is the database's last word.
            raise Conflict(_("Not enough points."), code="not_enough_points") from error
        if name == "loyalty_transaction_settled_once":
            raise Conflict(_("This operation was already settled."), code="settled") from error
        raise


def _lock_client(user_id: int) -> _Client:
    """Lock the client's wallet, pending and held accounts (in id order), creating them once."""
    for _attempt in range(2):
        rows = list(
            Account.objects.select_for_update(no_key=True)
            .filter(user_id=user_id, kind__in=Account.CLIENT_KINDS)
            .order_by("id")
        )
        if len(rows) == len(Account.CLIENT_KINDS):
            by_kind = {row.kind: row for row in rows}
            return _Client(by_kind["wallet"], by_kind["pending"], by_kind["held"])
        # First movement of this client: two requests may race here; ON CONFLICT DO NOTHING
        # lets both go on to lock the same rows.
        Account.objects.bulk_create(
            [Account(kind=kind, user_id=user_id) for kind in Account.CLIENT_KINDS],
            ignore_conflicts=True,
        )
    raise RuntimeError("client accounts could not be created")  # pragma: no cover


def _system_account(kind: str, venue_id: int | None = None) -> Account:
    """The system account of `kind` (per venue for venue kinds); created on first use."""
    lookup = {"kind": kind, "user_id": None, "venue_id": venue_id}
    account = Account.objects.filter(**lookup).first()
    if account is None:
        Account.objects.bulk_create([Account(kind=kind, venue_id=venue_id)], ignore_conflicts=True)
        account = Account.objects.get(**lookup)
    return account


def _source_account(funder_venue_id: int | None) -> Account:
    if funder_venue_id:
        return _system_account(AccountKind.VENUE_FUNDING, funder_venue_id)
    return _system_account(AccountKind.ISSUANCE)


def _new_transaction(
    *,
    kind: str,
    reason: str,
    reason_params: dict | None,
    user_id: int | None,
    key: str,
    fingerprint: str,
    now: datetime,
    venue_id: int | None = None,
    booking_id: int | None = None,
    actor: Any = None,
    parent: LedgerTransaction | None = None,
    lifetime: timedelta | None = None,
) -> LedgerTransaction:
    return LedgerTransaction.objects.create(
        kind=kind,
        reason=str(reason)[:300],
        reason_params=reason_params or {},
        user_id=user_id,
        venue_id=venue_id,
        booking_id=booking_id,
        actor=actor if getattr(actor, "pk", None) else None,
        parent=parent,
        idempotency_key=key,
        fingerprint=fingerprint,
        lifetime=lifetime,
        created_at=now,
    )


def _post(tx: LedgerTransaction, lines: list[tuple[Account, int]]) -> None:
    """Write the postings (one INSERT, they sum to zero) and move the cached client balances."""
    totals: dict[int, int] = {}
    accounts: dict[int, Account] = {}
    for account, amount in lines:
        totals[account.pk] = totals.get(account.pk, 0) + amount
        accounts[account.pk] = account
    assert sum(totals.values()) == 0, totals
    Posting.objects.bulk_create(
        [
            Posting(transaction=tx, account_id=account_id, amount=amount)
            for account_id, amount in totals.items()
            if amount
        ]
    )
    for account_id, amount in totals.items():
        account = accounts[account_id]
        if amount and account.kind in Account.CLIENT_KINDS:
            Account.objects.filter(pk=account_id).update(balance=F("balance") + amount)
            account.balance += amount


def _new_lot(
    *,
    tx: LedgerTransaction,
    wallet: Account,
    amount: int,
    expires_at: datetime,
    funder_venue_id: int | None,
    now: datetime,
    origin: Lot | None = None,
    reverses: Allocation | None = None,
) -> Lot:
    lot = Lot.objects.create(
        wallet=wallet,
        amount=amount,
        remaining=amount,
        expires_at=expires_at,
        funder_venue_id=funder_venue_id,
        transaction=tx,
        origin=origin,
        created_at=now,
    )
    Allocation.objects.create(transaction=tx, lot=lot, amount=amount, reverses=reverses)
    return lot


def _live_lots(wallet: Account, now: datetime) -> list[Lot]:
    """Lock the wallet's spendable lots in consumption order: soonest expiry, then oldest.

    A lot past `expires_at` is not spendable even before the expiry job burns it.
    """
    return list(
        Lot.objects.select_for_update(no_key=True)
        .filter(wallet=wallet, remaining__gt=0, expires_at__gt=now, expired_at__isnull=True)
        .order_by("expires_at", "id")
    )


def _plan_consumption(wallet: Account, amount: int, now: datetime) -> list[tuple[Lot, int]]:
    lots = _live_lots(wallet, now)
    available = sum(lot.remaining for lot in lots)
    if available < amount:
        raise Conflict(
            _("Not enough points: %(available)s available, %(amount)s asked.")
            % {"available": available, "amount": amount},
            code="not_enough_points",
            fields={"amount": _("Not enough points.")},
        )
    plan = []
    left = amount
    for lot in lots:
        if left == 0:
            break
        take = min(lot.remaining, left)
        plan.append((lot, take))
        left -= take
    return plan


def _consume(tx: LedgerTransaction, plan: list[tuple[Lot, int]]) -> None:
    for lot, take in plan:
        Lot.objects.filter(pk=lot.pk).update(remaining=F("remaining") - take)
    Allocation.objects.bulk_create(
        [Allocation(transaction=tx, lot=lot, amount=-take) for lot, take in plan]
    )


def _restorable(original: LedgerTransaction) -> list[tuple[Allocation, int]]:
    """The consumptions of `original` with what is left to give back, last-consumed first."""
    consumptions = list(
        original.allocations.filter(amount__lt=0)
        .select_related("lot")
        .order_by("-lot__expires_at", "-lot_id")
    )
    given_back = dict(
        Allocation.objects.filter(reverses__in=consumptions)
        .values_list("reverses")
        .annotate(total=Sum("amount"))
    )
    return [(c, -c.amount - given_back.get(c.pk, 0)) for c in consumptions]


def _restore(
    *,
    tx: LedgerTransaction,
    wallet: Account,
    restorable: list[tuple[Allocation, int]],
    amount: int,
    now: datetime,
) -> None:
    """Give `amount` points back to the lots they came from (a grace lot for an expired one)."""
    wanted: list[tuple[Allocation, int]] = []
    left = amount
    for consumption, open_amount in restorable:
        if left == 0:
            break
        give = min(open_amount, left)
        if give > 0:
            wanted.append((consumption, give))
            left -= give
    assert left == 0, (amount, restorable)
    # Lock order: lots in consumption order, like every other path.
    locked = {
        lot.pk: lot
        for lot in Lot.objects.select_for_update(no_key=True)
        .filter(pk__in=[c.lot_id for c, _give in wanted])
        .order_by("expires_at", "id")
    }
    allocations = []
    for consumption, give in wanted:
        lot = locked[consumption.lot_id]
        if lot.expired_at is None and lot.expires_at > now:
            Lot.objects.filter(pk=lot.pk).update(remaining=F("remaining") + give)
            allocations.append(
                Allocation(transaction=tx, lot=lot, amount=give, reverses=consumption)
            )
        else:
            _new_lot(
                tx=tx,
                wallet=wallet,
                amount=give,
                expires_at=now + GRACE_LIFETIME,
                funder_venue_id=lot.funder_venue_id,
                now=now,
                origin=lot,
                reverses=consumption,
            )
    Allocation.objects.bulk_create(allocations)


def _pending_amount(tx: LedgerTransaction) -> int:
    return (
        tx.postings.filter(account__kind=AccountKind.PENDING).aggregate(total=Sum("amount"))[
            "total"
        ]
        or 0
    )


def _find(key: str, kinds: tuple[str, ...], what: str) -> LedgerTransaction:
    found = LedgerTransaction.objects.filter(idempotency_key=key, kind__in=kinds).first()
    if found is None:
        raise NotFound(_("No %(what)s with key %(key)s.") % {"what": what, "key": key})
    return found


# --- credits --------------------------------------------------------------------------------


def _credit(
    *,
    pending: bool,
    user: Any,
    amount: int,
    lifetime: timedelta,
    kind: str,
    reason: str,
    idempotency_key: str,
    now: datetime,
    funder_venue: Any,
    booking_id: int | None,
    actor: Any,
    reason_params: dict | None,
) -> LedgerTransaction:
    """Credit the client's wallet (a new lot living `lifetime`) or, `pending`, promise the
    points in the pending account (the lifetime starts at the release)."""
    _check_credit_kind(kind)
    _check_points(amount)
    _check_lifetime(lifetime)
    venue_id = getattr(funder_venue, "pk", None)
    fingerprint = _fingerprint(
        op="pending" if pending else "credit",
        user=user.pk,
        amount=amount,
        lifetime=lifetime.total_seconds(),
        kind=kind,
        venue=venue_id,
        booking=booking_id,
    )

    def body() -> LedgerTransaction:
        client = _lock_client(user.pk)
        found = _existing(idempotency_key, fingerprint)
        if found is not None:
            return found
        tx = _new_transaction(
            kind=kind,
            reason=reason,
            reason_params=reason_params,
            user_id=user.pk,
            key=idempotency_key,
            fingerprint=fingerprint,
            now=now,
            venue_id=venue_id,
            booking_id=booking_id,
            actor=actor,
            lifetime=lifetime if pending else None,
        )
        target = client.pending if pending else client.wallet
        _post(tx, [(_source_account(venue_id), -amount), (target, amount)])
        if not pending:
            _new_lot(
                tx=tx,
                wallet=client.wallet,
                amount=amount,
                expires_at=now + lifetime,
                funder_venue_id=venue_id,
                now=now,
            )
        return tx

    return _once(idempotency_key, fingerprint, body)


def points_credit(
    *,
    user: Any,
    amount: int,
    lifetime: timedelta,
    kind: str,
    reason: str,
    idempotency_key: str,
    now: datetime,
    funder_venue: Any = None,
    booking_id: int | None = None,
    actor: Any = None,
    reason_params: dict | None = None,
) -> LedgerTransaction:
    """Credit available points to the client's wallet as a new lot living `lifetime`."""
    return _credit(
        pending=False,
        user=user,
        amount=amount,
        lifetime=lifetime,
        kind=kind,
        reason=reason,
        idempotency_key=idempotency_key,
        now=now,
        funder_venue=funder_venue,
        booking_id=booking_id,
        actor=actor,
        reason_params=reason_params,
    )


def points_pending_credit(
    *,
    user: Any,
    amount: int,
    lifetime: timedelta,
    kind: str,
    reason: str,
    idempotency_key: str,
    now: datetime,
    funder_venue: Any = None,
    booking_id: int | None = None,
    actor: Any = None,
    reason_params: dict | None = None,
) -> LedgerTransaction:
    """Promise points (e.g. cashback until the dispute window closes): they sit in `pending`.

    Release them with `points_pending_release` (they become a lot living `lifetime` from the
    release) or cancel them with `points_pending_cancel`, naming this `idempotency_key`.
    """
    return _credit(
        pending=True,
        user=user,
        amount=amount,
        lifetime=lifetime,
        kind=kind,
        reason=reason,
        idempotency_key=idempotency_key,
        now=now,
        funder_venue=funder_venue,
        booking_id=booking_id,
        actor=actor,
        reason_params=reason_params,
    )


def _pending_settle(
    *,
    pending_key: str,
    release: bool,
    idempotency_key: str,
    now: datetime,
    reason: str,
    reason_params: dict | None,
    actor: Any,
) -> LedgerTransaction:
    pending = _find(pending_key, CREDIT_KINDS, "pending credit")
    if pending.lifetime is None:
        raise NotFound(_("No pending credit with key %(key)s.") % {"key": pending_key})
    kind = Kind.PENDING_RELEASE if release else Kind.PENDING_CANCEL
    fingerprint = _fingerprint(op=kind, pending=pending.pk)

    def body() -> LedgerTransaction:
        client = _lock_client(pending.user_id)
        found = _existing(idempotency_key, fingerprint)
        if found is not None:
            return found
        if pending.children.filter(kind__in=(Kind.PENDING_RELEASE, Kind.PENDING_CANCEL)).exists():
            raise Conflict(
                _("These pending points were already released or cancelled."), code="settled"
            )
        amount = _pending_amount(pending)
        tx = _new_transaction(
            kind=kind,
            reason=reason,
            reason_params=reason_params or pending.reason_params,
            user_id=pending.user_id,
            key=idempotency_key,
            fingerprint=fingerprint,
            now=now,
            venue_id=pending.venue_id,
            booking_id=pending.booking_id,
            actor=actor,
            parent=pending,
        )
        if release:
            _post(tx, [(client.pending, -amount), (client.wallet, amount)])
            _new_lot(
                tx=tx,
                wallet=client.wallet,
                amount=amount,
                expires_at=now + pending.lifetime,
                funder_venue_id=pending.venue_id,
                now=now,
            )
        else:
            _post(tx, [(client.pending, -amount), (_source_account(pending.venue_id), amount)])
        return tx

    return _once(idempotency_key, fingerprint, body)


def points_pending_release(
    *,
    pending_key: str,
    idempotency_key: str,
    now: datetime,
    reason: str = gettext_noop("Pending points became available"),
    reason_params: dict | None = None,
    actor: Any = None,
) -> LedgerTransaction:
    """Make the points of a pending credit available: a lot living the credit's lifetime."""
    return _pending_settle(
        pending_key=pending_key,
        release=True,
        idempotency_key=idempotency_key,
        now=now,
        reason=reason,
        reason_params=reason_params,
        actor=actor,
    )


def points_pending_cancel(
    *,
    pending_key: str,
    idempotency_key: str,
    now: datetime,
    reason: str = gettext_noop("Pending points cancelled"),
    reason_params: dict | None = None,
    actor: Any = None,
) -> LedgerTransaction:
    """Cancel a pending credit (booking cancelled, no-show): the points go back to the funder."""
    return _pending_settle(
        pending_key=pending_key,
        release=False,
        idempotency_key=idempotency_key,
        now=now,
        reason=reason,
        reason_params=reason_params,
        actor=actor,
    )


# --- spending -------------------------------------------------------------------------------


def _take(
    *,
    kind: str,
    user: Any,
    amount: int,
    venue: Any,
    reason: str,
    reason_params: dict | None,
    idempotency_key: str,
    now: datetime,
    booking_id: int | None,
    actor: Any,
) -> LedgerTransaction:
    _check_points(amount)
    if getattr(venue, "pk", None) is None:
        raise ApplicationError(_("Points are spent at a venue."), fields={"venue": _("Required.")})
    fingerprint = _fingerprint(
        op=kind, user=user.pk, amount=amount, venue=venue.pk, booking=booking_id
    )

    def body() -> LedgerTransaction:
        client = _lock_client(user.pk)
        found = _existing(idempotency_key, fingerprint)
        if found is not None:
            return found
        plan = _plan_consumption(client.wallet, amount, now)
        tx = _new_transaction(
            kind=kind,
            reason=reason,
            reason_params=reason_params,
            user_id=user.pk,
            key=idempotency_key,
            fingerprint=fingerprint,
            now=now,
            venue_id=venue.pk,
            booking_id=booking_id,
            actor=actor,
        )
        target = (
            client.held
            if kind == Kind.RESERVE
            else _system_account(AccountKind.REDEMPTIONS, venue.pk)
        )
        _post(tx, [(client.wallet, -amount), (target, amount)])
        _consume(tx, plan)
        return tx

    return _once(idempotency_key, fingerprint, body)


def points_spend(
    *,
    user: Any,
    amount: int,
    venue: Any,
    reason: str,
    idempotency_key: str,
    now: datetime,
    booking_id: int | None = None,
    actor: Any = None,
    reason_params: dict | None = None,
) -> LedgerTransaction:
    """Pay `amount` points at `venue`, consuming lots soonest-expiry first. Conflict if short."""
    return _take(
        kind=Kind.SPEND,
        user=user,
        amount=amount,
        venue=venue,
        reason=reason,
        reason_params=reason_params,
        idempotency_key=idempotency_key,
        now=now,
        booking_id=booking_id,
        actor=actor,
    )


def points_reserve(
    *,
    user: Any,
    amount: int,
    venue: Any,
    reason: str,
    idempotency_key: str,
    now: datetime,
    booking_id: int | None = None,
    actor: Any = None,
    reason_params: dict | None = None,
) -> LedgerTransaction:
    """Hold points for a booking awaiting online payment: taken from the lots, not yet spent.

    Then `points_reserve_capture` (paid) or `points_reserve_release` (hold expired/failed),
    naming this `idempotency_key`. A captured reserve is refunded like a spend.
    """
    return _take(
        kind=Kind.RESERVE,
        user=user,
        amount=amount,
        venue=venue,
        reason=reason,
        reason_params=reason_params,
        idempotency_key=idempotency_key,
        now=now,
        booking_id=booking_id,
        actor=actor,
    )


def _reserve_settle(
    *,
    reserve_key: str,
    capture: bool,
    idempotency_key: str,
    now: datetime,
    reason: str,
    reason_params: dict | None,
    actor: Any,
) -> LedgerTransaction:
    reserve = _find(reserve_key, (Kind.RESERVE,), "reservation")
    kind = Kind.CAPTURE if capture else Kind.RESERVE_RELEASE
    fingerprint = _fingerprint(op=kind, reserve=reserve.pk)

    def body() -> LedgerTransaction:
        client = _lock_client(reserve.user_id)
        found = _existing(idempotency_key, fingerprint)
        if found is not None:
            return found
        if reserve.children.filter(kind__in=(Kind.CAPTURE, Kind.RESERVE_RELEASE)).exists():
            raise Conflict(_("These held points were already used or returned."), code="settled")
        amount = -sum(reserve.allocations.values_list("amount", flat=True))
        tx = _new_transaction(
            kind=kind,
            reason=reason,
            reason_params=reason_params or reserve.reason_params,
            user_id=reserve.user_id,
            key=idempotency_key,
            fingerprint=fingerprint,
            now=now,
            venue_id=reserve.venue_id,
            booking_id=reserve.booking_id,
            actor=actor,
            parent=reserve,
        )
        if capture:
            redemptions = _system_account(AccountKind.REDEMPTIONS, reserve.venue_id)
            _post(tx, [(client.held, -amount), (redemptions, amount)])
        else:
            _post(tx, [(client.held, -amount), (client.wallet, amount)])
            _restore(
                tx=tx,
                wallet=client.wallet,
                restorable=_restorable(reserve),
                amount=amount,
                now=now,
            )
        return tx

    return _once(idempotency_key, fingerprint, body)


def points_reserve_capture(
    *,
    reserve_key: str,
    idempotency_key: str,
    now: datetime,
    reason: str = gettext_noop("Held points paid for the booking"),
    reason_params: dict | None = None,
    actor: Any = None,
) -> LedgerTransaction:
    """The booking was paid: the held points become a spend at the reserve's venue."""
    return _reserve_settle(
        reserve_key=reserve_key,
        capture=True,
        idempotency_key=idempotency_key,
        now=now,
        reason=reason,
        reason_params=reason_params,
        actor=actor,
    )


def points_reserve_release(
    *,
    reserve_key: str,
    idempotency_key: str,
    now: datetime,
    reason: str = gettext_noop("Held points returned"),
    reason_params: dict | None = None,
    actor: Any = None,
) -> LedgerTransaction:
    """The hold ended unpaid: the points go back to the lots they came from."""
    return _reserve_settle(
        reserve_key=reserve_key,
        capture=False,
        idempotency_key=idempotency_key,
        now=now,
        reason=reason,
        reason_params=reason_params,
        actor=actor,
    )


def points_refundable(*, spend_key: str) -> int:
    """How many points of a spend (or a captured reserve) can still be given back."""
    original = _find(spend_key, (Kind.SPEND, Kind.RESERVE), "payment with points")
    if original.kind == Kind.RESERVE and not original.children.filter(kind=Kind.CAPTURE).exists():
        return 0
    return sum(open_amount for _c, open_amount in _restorable(original))


def points_refund(
    *,
    spend_key: str,
    idempotency_key: str,
    now: datetime,
    amount: int | None = None,
    reason: str = gettext_noop("Points returned"),
    reason_params: dict | None = None,
    actor: Any = None,
) -> LedgerTransaction:
    """Give back the points of a spend (or a captured reserve) to the very lots they came from.

    `amount=None` gives back everything not yet given back; a smaller amount is a partial refund
    (a cancellation fee keeps the rest). Lots consumed last come back first; a lot that expired
    meanwhile comes back as a grace lot living 30 days.
    """
    if amount is not None:
        _check_points(amount)
    original = _find(spend_key, (Kind.SPEND, Kind.RESERVE), "payment with points")
    fingerprint = _fingerprint(op="refund", original=original.pk, amount=amount)

    def body() -> LedgerTransaction:
        client = _lock_client(original.user_id)
        found = _existing(idempotency_key, fingerprint)
        if found is not None:
            return found
        if original.kind == Kind.RESERVE:
            settlement = original.children.filter(
                kind__in=(Kind.CAPTURE, Kind.RESERVE_RELEASE)
            ).first()
            if settlement is None or settlement.kind != Kind.CAPTURE:
                raise Conflict(
                    _("Held points are returned by releasing the hold, not by a refund."),
                    code="not_captured",
                )
        restorable = _restorable(original)
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
        tx = _new_transaction(
            kind=Kind.REFUND,
            reason=reason,
            reason_params=reason_params or original.reason_params,
            user_id=original.user_id,
            key=idempotency_key,
            fingerprint=fingerprint,
            now=now,
            venue_id=original.venue_id,
            booking_id=original.booking_id,
            actor=actor,
            parent=original,
        )
        redemptions = _system_account(AccountKind.REDEMPTIONS, original.venue_id)
        _post(tx, [(redemptions, -wanted), (client.wallet, wanted)])
        _restore(tx=tx, wallet=client.wallet, restorable=restorable, amount=wanted, now=now)
        return tx

    return _once(idempotency_key, fingerprint, body)


# --- staff adjustments and clawback ---------------------------------------------------------


def points_adjust(
    *,
    user: Any,
    amount: int,
    reason: str,
    actor: Any,
    idempotency_key: str,
    now: datetime,
    lifetime: timedelta = DEFAULT_LIFETIME,
) -> LedgerTransaction:
    """A staff member adds (amount > 0) or removes (amount < 0) points, saying why.

    Leaves an audit record. A removal takes only spendable points and never goes below zero.
    """
    if not getattr(actor, "is_staff", False):
        raise PermissionDenied(_("Only platform staff can adjust points."))
    if not (reason or "").strip():
        raise ApplicationError(
            _("Say why the points are adjusted."), fields={"reason": _("A reason is required.")}
        )
    if isinstance(amount, bool) or not isinstance(amount, int) or amount == 0:
        raise ApplicationError(
            _("Enter a whole number of points other than zero."),
            fields={"amount": _("Enter a whole number of points other than zero.")},
        )
    _check_points(abs(amount))
    if amount > 0:
        _check_lifetime(lifetime)
    fingerprint = _fingerprint(
        op="adjust",
        user=user.pk,
        amount=amount,
        lifetime=lifetime.total_seconds() if amount > 0 else None,
        reason=reason.strip(),
    )

    def body() -> LedgerTransaction:
        client = _lock_client(user.pk)
        found = _existing(idempotency_key, fingerprint)
        if found is not None:
            return found
        plan = _plan_consumption(client.wallet, -amount, now) if amount < 0 else []
        tx = _new_transaction(
            kind=Kind.ADJUSTMENT,
            reason=reason.strip(),
            reason_params=None,
            user_id=user.pk,
            key=idempotency_key,
            fingerprint=fingerprint,
            now=now,
            actor=actor,
        )
        adjustments = _system_account(AccountKind.ADJUSTMENTS)
        _post(tx, [(adjustments, -amount), (client.wallet, amount)])
        if amount > 0:
            _new_lot(
                tx=tx,
                wallet=client.wallet,
                amount=amount,
                expires_at=now + lifetime,
                funder_venue_id=None,
                now=now,
            )
        else:
            _consume(tx, plan)
        audit_record(
            actor=actor,
            action="points.adjust",
            obj=tx,
            before={"balance": client.wallet.balance - amount},
            after={
                "balance": client.wallet.balance,
                "amount": amount,
                "reason": reason.strip(),
                "user": user.pk,
            },
        )
        return tx

    return _once(idempotency_key, fingerprint, body)


def points_clawback(
    *,
    user: Any,
    amount: int,
    reason: str,
    idempotency_key: str,
    now: datetime,
    funder_venue: Any = None,
    booking_id: int | None = None,
    actor: Any = None,
    reason_params: dict | None = None,
) -> LedgerTransaction:
    """Take back `amount` points given in error (a refunded referral booking, ...).

    Takes what the wallet can spend now, soonest-expiry first; the rest is recorded in the
    clawback-receivable account (a platform loss unless recovered). Never goes below zero.
    The points go back to whoever funded them (the platform, or `funder_venue`).
    """
    _check_points(amount)
    venue_id = getattr(funder_venue, "pk", None)
    fingerprint = _fingerprint(
        op="clawback", user=user.pk, amount=amount, venue=venue_id, booking=booking_id
    )

    def body() -> LedgerTransaction:
        client = _lock_client(user.pk)
        found = _existing(idempotency_key, fingerprint)
        if found is not None:
            return found
        lots = _live_lots(client.wallet, now)
        taken = min(amount, sum(lot.remaining for lot in lots))
        plan = _plan_consumption(client.wallet, taken, now) if taken else []
        tx = _new_transaction(
            kind=Kind.CLAWBACK,
            reason=reason,
            reason_params=reason_params,
            user_id=user.pk,
            key=idempotency_key,
            fingerprint=fingerprint,
            now=now,
            venue_id=venue_id,
            booking_id=booking_id,
            actor=actor,
        )
        lines = [(_source_account(venue_id), amount)]
        if taken:
            lines.append((client.wallet, -taken))
        if amount - taken:
            receivable = _system_account(AccountKind.CLAWBACK_RECEIVABLE)
            lines.append((receivable, -(amount - taken)))
        _post(tx, lines)
        _consume(tx, plan)
        return tx

    return _once(idempotency_key, fingerprint, body)


# --- expiry ---------------------------------------------------------------------------------

_EXPIRY_CANDIDATES = """
SELECT DISTINCT wallet_id FROM loyalty_lot
WHERE remaining > 0 AND expires_at <= %(now)s AND wallet_id > %(after)s
ORDER BY wallet_id
LIMIT %(limit)s
"""

# Skip a wallet someone else holds (a spend, or another expiry worker): it is retried later.
_EXPIRY_LOCK = """
SELECT id FROM loyalty_account WHERE id = ANY(%(ids)s) ORDER BY id
FOR NO KEY UPDATE SKIP LOCKED
"""

# One statement per batch: a transaction of two postings and an allocation per lot, keyed
# `expire:lot:<id>` (ON CONFLICT DO NOTHING: a lot is never expired twice), then the lots
# emptied and the wallets' cached balances lowered by what their lots lost.
_EXPIRY_POST = """
WITH lots AS (
    SELECT l.id, l.wallet_id, l.remaining, a.user_id
    FROM loyalty_lot l JOIN loyalty_account a ON a.id = l.wallet_id
    WHERE l.wallet_id = ANY(%(wallets)s) AND l.remaining > 0 AND l.expires_at <= %(now)s
    ORDER BY l.wallet_id, l.expires_at, l.id
    FOR NO KEY UPDATE OF l
),
txs AS (
    INSERT INTO loyalty_transaction (
        kind, reason, reason_params, user_id, venue_id, booking_id, actor_id, parent_id,
        idempotency_key, fingerprint, lifetime, created_at
    )
    SELECT 'expire', %(reason)s, '{}'::jsonb, lots.user_id, NULL, NULL, NULL, NULL,
           'expire:lot:' || lots.id, 'expire', NULL, %(now)s
    FROM lots
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING id, idempotency_key
),
done AS (
    SELECT txs.id AS tx_id, lots.id AS lot_id, lots.wallet_id, lots.remaining
    FROM txs JOIN lots ON txs.idempotency_key = 'expire:lot:' || lots.id
),
postings AS (
    INSERT INTO loyalty_posting (transaction_id, account_id, amount)
    SELECT tx_id, wallet_id, -remaining FROM done
    UNION ALL
    SELECT tx_id, %(expired)s, remaining FROM done
),
allocations AS (
    INSERT INTO loyalty_allocation (transaction_id, lot_id, amount, reverses_id)
    SELECT tx_id, lot_id, -remaining, NULL FROM done
),
emptied AS (
    UPDATE loyalty_lot l SET remaining = 0, expired_at = %(now)s
    FROM done WHERE l.id = done.lot_id
),
wallets AS (
    UPDATE loyalty_account a SET balance = a.balance - s.total
    FROM (SELECT wallet_id, SUM(remaining) AS total FROM done GROUP BY wallet_id) s
    WHERE a.id = s.wallet_id
)
SELECT COUNT(*), COALESCE(SUM(remaining), 0) FROM done
"""


@dataclass
class ExpiryResult:
    lots: int = 0
    points: int = 0
    skipped_wallets: int = 0


def points_expire(*, now: datetime, batch_size: int = 1000, passes: int = 3) -> ExpiryResult:
    """Burn what remains of every lot past its expiry into the expired account.

    Set-based and batched: each batch locks up to `batch_size` wallets (skipping the busy
    ones) and expires all their overdue lots in one statement and one short transaction. Safe
    to run twice (a second run finds nothing) and in two workers at once (each takes the
    wallets the other has not locked; the `expire:lot:<id>` key forbids a second expiry).
    Wallets skipped because they were busy are retried in up to `passes` sweeps.
    """
    expired = _system_account(AccountKind.EXPIRED)
    result = ExpiryResult()
    for _sweep in range(passes):
        after = 0
        skipped = 0
        while True:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    _EXPIRY_CANDIDATES, {"now": now, "after": after, "limit": batch_size}
                )
                candidates = [row[0] for row in cursor.fetchall()]
                if not candidates:
                    break
                after = candidates[-1]
                cursor.execute(_EXPIRY_LOCK, {"ids": candidates})
                wallets = [row[0] for row in cursor.fetchall()]
                skipped += len(candidates) - len(wallets)
                if wallets:
                    cursor.execute(
                        _EXPIRY_POST,
                        {
                            "wallets": wallets,
                            "now": now,
                            "expired": expired.pk,
                            "reason": gettext_noop("Points expired"),
                        },
                    )
                    lots, points = cursor.fetchone()
                    result.lots += lots
                    result.points += points
        result.skipped_wallets = skipped
        if not skipped:
            break
    return result


# --- reminders ------------------------------------------------------------------------------

REMINDER_AHEAD = timedelta(days=7)


def expiry_reminders_send(*, now: datetime, batch_size: int = 1000) -> int:
    """Remind each client whose points expire within 7 days: once per client per expiry date.

    Each reminder row is claimed (unique per client and date) in the transaction that announces
    it, so a second run or a second worker reminds nobody again; the e-mails follow the commit.
    """
    from loyalty import signals
    from loyalty.models import ExpiryReminder
    from loyalty.selectors import expiring_by_client

    due = expiring_by_client(start=now, end=now + REMINDER_AHEAD)
    sent = 0
    for first in range(0, len(due), batch_size):
        with transaction.atomic():
            claimed = []
            for user_id, day, points in due[first : first + batch_size]:
                _reminder, created = ExpiryReminder.objects.get_or_create(
                    user_id=user_id, expires_on=day, defaults={"points": points, "created_at": now}
                )
                if created:
                    claimed.append({"user_id": user_id, "day": day.isoformat(), "points": points})
            if claimed:
                announce(signals.points_expiring, sender=ExpiryReminder, reminders=claimed)
        sent += len(claimed)
    return sent


# --- earning: cashback of bookings -----------------------------------------------------------

CASHBACK_REASON = gettext_noop("Cashback for the booking at %(venue)s")


def cashback_keys(booking_id: int) -> tuple[str, str]:
    """The pending credits of a booking: platform-funded and venue-funded (the boost)."""
    return f"cashback:booking:{booking_id}", f"cashback-boost:booking:{booking_id}"


def _cashback_booking(booking_id: int):
    from bookings.models import Booking

    return (
        Booking.objects.select_related("room", "room__venue", "user")
        .filter(pk=booking_id, kind=Booking.Kind.CLIENT, user__isnull=False)
        .first()
    )


def _booking_money(booking) -> Any:
    return booking.money_due


def _cashback_plan(booking, *, now: datetime):
    from loyalty import selectors

    return selectors.cashback_plan(
        user=booking.user,
        room=booking.room,
        start=booking.start,
        end=booking.end,
        money=_booking_money(booking),
        now=now,
    )


def _cashback_post(
    booking, *, now: datetime, pending: bool, plan=None, key_suffix: str = ""
) -> list[LedgerTransaction]:
    plan = plan or _cashback_plan(booking, now=now)
    post = points_pending_credit if pending else points_credit
    lifetime = timedelta(days=settings.LOYALTY_CASHBACK_LIFETIME_DAYS)
    platform_key, venue_key = (key + key_suffix for key in cashback_keys(booking.pk))
    params = {"venue": booking.room.venue.name}
    made = []
    for key, amount, funder in (
        (platform_key, plan.platform_points, None),
        (venue_key, plan.venue_points, booking.room.venue),
    ):
        if amount <= 0:
            continue
        made.append(
            post(
                user=booking.user,
                amount=amount,
                lifetime=lifetime,
                kind=Kind.CASHBACK,
                reason=CASHBACK_REASON,
                reason_params=params,
                idempotency_key=key,
                now=now,
                funder_venue=funder,
                booking_id=booking.pk,
            )
        )
    return made


def cashback_pend(*, booking_id: int, now: datetime) -> list[LedgerTransaction]:
    """Promise a confirmed booking's cashback (pending until end + 24 h). Idempotent.

    A booking that already has any cashback transaction (pending or credited by the accrual
    job) is left alone: the plan is fixed once.
    """
    from bookings.models import Booking

    with transaction.atomic():
        booking = _cashback_booking(booking_id)
        if booking is None or booking.status not in (
            Booking.Status.CONFIRMED,
            Booking.Status.COMPLETED,
        ):
            return []
        # The booking's row lock serialises this with cancellation and the accrual job.
        Booking.objects.select_for_update(of=("self",)).filter(pk=booking.pk).first()
        booking.refresh_from_db(fields=["status"])
        if booking.status not in (Booking.Status.CONFIRMED, Booking.Status.COMPLETED):
            return []
        if LedgerTransaction.objects.filter(booking_id=booking.pk, kind=Kind.CASHBACK).exists():
            return list(LedgerTransaction.objects.filter(booking_id=booking.pk, kind=Kind.CASHBACK))
        return _cashback_post(booking, now=now, pending=True)


def _unsettled_cashback(booking_id: int) -> list[LedgerTransaction]:
    return list(
        LedgerTransaction.objects.filter(
            booking_id=booking_id, kind=Kind.CASHBACK, lifetime__isnull=False
        )
        .exclude(children__kind__in=(Kind.PENDING_RELEASE, Kind.PENDING_CANCEL))
        .order_by("pk")
    )


def _client_amount(tx: LedgerTransaction) -> int:
    """The points a cashback transaction gave the client (to pending or to the wallet)."""
    return (
        tx.postings.filter(account__kind__in=(AccountKind.PENDING, AccountKind.WALLET)).aggregate(
            total=Sum("amount")
        )["total"]
        or 0
    )


def _released_cashback(booking_id: int) -> list[LedgerTransaction]:
    """Cashback the client has received: pending credits released, or credited directly."""
    return list(
        LedgerTransaction.objects.filter(booking_id=booking_id, kind=Kind.CASHBACK)
        .filter(Q(lifetime__isnull=True) | Q(children__kind=Kind.PENDING_RELEASE))
        .distinct()
        .order_by("pk")
    )


def cashback_cancel(*, booking_id: int, now: datetime) -> int:
    """A cancelled or no-show booking loses its cashback. Returns how many credits it lost.

    Pending credits are cancelled. Cashback already available (a no-show marked after the
    dispute window) is clawed back to whoever funded it; what the wallet no longer holds is
    recorded as a platform loss, never as a negative balance.
    """
    from bookings.models import Booking

    done = 0
    with transaction.atomic():
        booking = (
            Booking.objects.select_for_update(of=("self",))
            .select_related("room__venue", "user")
            .filter(pk=booking_id)
            .first()
        )
        if booking is None or booking.status not in (
            Booking.Status.CANCELLED,
            Booking.Status.NO_SHOW,
        ):
            return 0
        for pending in _unsettled_cashback(booking_id):
            points_pending_cancel(
                pending_key=pending.idempotency_key,
                idempotency_key=f"{pending.idempotency_key}:cancel",
                now=now,
                reason=gettext_noop("Cashback cancelled: the booking did not take place"),
            )
            done += 1
        for earned in _released_cashback(booking_id):
            points_clawback(
                user=booking.user,
                amount=_client_amount(earned),
                reason=gettext_noop("Cashback withdrawn: the booking did not take place"),
                idempotency_key=f"{earned.idempotency_key}:clawback",
                now=now,
                funder_venue=booking.room.venue if earned.venue_id else None,
                booking_id=booking_id,
            )
            done += 1
    return done


def cashback_replan(*, booking_id: int, now: datetime) -> list[LedgerTransaction]:
    """A moved booking earns what its new time and money part earn.

    When the plan of the new time differs from the pending credits, they are cancelled and
    promised again under new keys (`<key>:moved:<n>`). Idempotent under the booking's lock: a
    second run finds the pending credits already equal to the plan and posts nothing. Cashback
    not yet promised (a request) or already settled is left to the usual lifecycle.
    """
    from bookings.models import Booking

    with transaction.atomic():
        booking = (
            Booking.objects.select_for_update(of=("self",))
            .select_related("room__venue", "user")
            .filter(pk=booking_id, kind=Booking.Kind.CLIENT, status=Booking.Status.CONFIRMED)
            .first()
        )
        pendings = _unsettled_cashback(booking_id) if booking else []
        if not pendings:
            return []
        plan = _cashback_plan(booking, now=now)
        wanted = {None: plan.platform_points, booking.room.venue_id: plan.venue_points}
        current = {tx.venue_id: _pending_amount(tx) for tx in pendings}
        if current == {funder: points for funder, points in wanted.items() if points > 0}:
            return []
        moves = LedgerTransaction.objects.filter(
            booking_id=booking_id, kind=Kind.CASHBACK, idempotency_key__contains=":moved:"
        ).count()
        for pending in pendings:
            points_pending_cancel(
                pending_key=pending.idempotency_key,
                idempotency_key=f"{pending.idempotency_key}:cancel",
                now=now,
                reason=gettext_noop("Cashback recalculated: the booking was moved"),
            )
        return _cashback_post(
            booking, now=now, pending=True, plan=plan, key_suffix=f":moved:{moves + 1}"
        )


@dataclass
class AccrualResult:
    released: int = 0
    credited: int = 0
    skipped: int = 0


def cashback_accrue(*, now: datetime, batch_size: int = 500) -> AccrualResult:
    """Make due cashback available: completed bookings whose end + 24 h has passed.

    Bookings are claimed in batches with `FOR UPDATE SKIP LOCKED` (a second worker takes other
    bookings); each has its pending credits released, or — when no cashback transaction exists
    at all (a lost task) — its cashback credited directly under the same keys. Idempotent.
    """
    from bookings.models import Booking

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
                pendings = _unsettled_cashback(booking.pk)
                if pendings:
                    for pending in pendings:
                        points_pending_release(
                            pending_key=pending.idempotency_key,
                            idempotency_key=f"{pending.idempotency_key}:release",
                            now=now,
                            reason=gettext_noop("Cashback became available"),
                        )
                        result.released += 1
                elif not LedgerTransaction.objects.filter(
                    booking_id=booking.pk, kind=Kind.CASHBACK
                ).exists():
                    made = _cashback_post(booking, now=now, pending=False)
                    result.credited += len(made)
                    result.skipped += 0 if made else 1
        if len(rows) < batch_size:
            return result
        last_pk = rows[-1].pk


# --- earning: tiers --------------------------------------------------------------------------


def tier_upgrade(*, user: Any, now: datetime) -> Any:
    """Raise the client's tier at once when the last 365 days reach a higher one (never lower)."""
    from loyalty import selectors
    from loyalty.models import ClientTier

    with transaction.atomic():
        reached = selectors.tier_for(stats=selectors.tier_stats(user=user, now=now))
        if reached is None:
            return None
        held = ClientTier.objects.select_for_update().filter(user=user).first()
        if held is None:
            lowest = selectors.client_tier(user=None)
            if lowest is not None and reached.pk == lowest.pk:
                return reached
            ClientTier.objects.create(user=user, tier=reached, since=now, updated_at=now)
            return reached
        if reached.min_money_365d > held.tier.min_money_365d:
            held.tier = reached
            held.since = now
            held.updated_at = now
            held.save(update_fields=["tier", "since", "updated_at"])
            return reached
        return held.tier


TIERS_RECALCULATE_SQL = """
WITH stats AS (
    SELECT b.user_id, COALESCE(SUM(b.money_due), 0) AS money, COUNT(*) AS sessions
    FROM bookings_booking b
    WHERE b.status = 'completed' AND b.kind = 'client' AND b.user_id IS NOT NULL
      AND b."end" > %(since)s AND b."end" <= %(now)s
    GROUP BY b.user_id
), clients AS (
    SELECT user_id FROM stats UNION SELECT user_id FROM loyalty_clienttier
), target AS (
    SELECT c.user_id, (
        SELECT t.id FROM loyalty_tier t
        WHERE t.min_money_365d <= COALESCE(s.money, 0)
           OR t.min_sessions_365d <= COALESCE(s.sessions, 0)
        ORDER BY t.min_money_365d DESC, t.min_sessions_365d DESC, t.id DESC LIMIT 1
    ) AS tier_id
    FROM clients c LEFT JOIN stats s ON s.user_id = c.user_id
)
INSERT INTO loyalty_clienttier (user_id, tier_id, since, updated_at)
SELECT user_id, tier_id, %(now)s, %(now)s FROM target WHERE tier_id IS NOT NULL
ON CONFLICT (user_id) DO UPDATE
    SET tier_id = EXCLUDED.tier_id, since = EXCLUDED.since, updated_at = EXCLUDED.updated_at
    WHERE loyalty_clienttier.tier_id IS DISTINCT FROM EXCLUDED.tier_id
"""


def tiers_recalculate(*, now: datetime) -> int:
    """The nightly recalculation, in one statement: every client gets the tier the last 365
    days reach (this is where downgrades happen). Returns how many clients changed tier."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(TIERS_RECALCULATE_SQL, {"now": now, "since": now - timedelta(days=365)})
        return cursor.rowcount


# --- earning: bonuses ------------------------------------------------------------------------

WELCOME_POINTS = 500
WELCOME_LIFETIME = timedelta(days=90)
PROFILE_POINTS = 100
PROFILE_LIFETIME = timedelta(days=365)
BIRTHDAY_POINTS = 300
BIRTHDAY_LIFETIME = timedelta(days=14)
BIRTHDAY_DAYS_AHEAD = 3
BIRTHDAY_SET_AT_LEAST = timedelta(days=30)


def welcome_bonus_grant(*, user: Any, now: datetime) -> LedgerTransaction:
    """500 points for 90 days once the client's e-mail is confirmed; once per client."""
    return points_credit(
        user=user,
        amount=WELCOME_POINTS,
        lifetime=WELCOME_LIFETIME,
        kind=Kind.WELCOME,
        reason=gettext_noop("Welcome bonus"),
        idempotency_key=f"welcome:user:{user.pk}",
        now=now,
    )


def profile_complete(user: Any) -> bool:
    return bool(user.name and str(user.phone or "") and user.birthday)


def profile_bonus_grant(*, user: Any, now: datetime) -> LedgerTransaction | None:
    """100 points once, when name, phone and birthday are all set (None while incomplete)."""
    if not profile_complete(user):
        return None
    return points_credit(
        user=user,
        amount=PROFILE_POINTS,
        lifetime=PROFILE_LIFETIME,
        kind=Kind.PROFILE,
        reason=gettext_noop("Bonus for completing the profile"),
        idempotency_key=f"profile:user:{user.pk}",
        now=now,
    )


def _birthday_targets(day: Any) -> list[tuple[int, int]]:
    targets = [(day.month, day.day)]
    # In a year without 29 February, those born on it celebrate on the 28th.
    if (day.month, day.day) == (2, 28) and calendar.isleap(day.year) is False:
        targets.append((2, 29))
    return targets


def birthday_bonuses_grant(*, now: datetime, batch_size: int = 1000) -> int:
    """300 points for 14 days to clients whose birthday is in 3 days (local date of TIME_ZONE),
    when the birthday was set 30+ days ago; once per client per year. Safe twice."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    day = timezone.localtime(now).date() + timedelta(days=BIRTHDAY_DAYS_AHEAD)
    match = Q()
    for month, dom in _birthday_targets(day):
        match |= Q(birthday__month=month, birthday__day=dom)
    key_prefix = "birthday:user:"
    given = LedgerTransaction.objects.filter(
        idempotency_key=Concat(
            Value(key_prefix), Cast(OuterRef("pk"), CharField()), Value(f":{day.year}")
        )
    )
    candidates = (
        User.objects.filter(match, is_active=True, birthday_set_at__lte=now - BIRTHDAY_SET_AT_LEAST)
        .exclude(Exists(given))
        .order_by("pk")
    )
    done = 0
    last = 0
    while True:
        users = list(candidates.filter(pk__gt=last)[:batch_size])
        for user in users:
            points_credit(
                user=user,
                amount=BIRTHDAY_POINTS,
                lifetime=BIRTHDAY_LIFETIME,
                kind=Kind.BIRTHDAY,
                reason=gettext_noop("Happy birthday!"),
                idempotency_key=f"{key_prefix}{user.pk}:{day.year}",
                now=now,
            )
            done += 1
        if len(users) < batch_size:
            return done
        last = users[-1].pk


# --- earning: venue campaigns ----------------------------------------------------------------


def _campaign_errors(values: dict[str, Any]) -> dict[str, Any]:
    from decimal import Decimal, InvalidOperation

    errors: dict[str, Any] = {}
    try:
        value = Decimal(str(values.get("value")))
    except (InvalidOperation, TypeError, ValueError):
        value = None
    kind = values.get("kind") or "extra_percent"
    if kind not in ("extra_percent", "multiplier"):
        errors["kind"] = _("Choose an extra percent or a multiplier.")
    if value is None or not value.is_finite() or not Decimal("0") < value <= Decimal("15"):
        errors["value"] = _("Enter a value above 0 and at most 15.")
    elif kind == "multiplier" and value <= 1:
        errors["value"] = _("A multiplier must be greater than 1.")
    if not str(values.get("name") or "").strip():
        errors["name"] = _("Name the campaign.")
    date_from, date_to = values.get("date_from"), values.get("date_to")
    if date_from and date_to and date_to < date_from:
        errors["date_to"] = _("The end date cannot be before the start date.")
    weekdays = values.get("weekdays") or []
    if not isinstance(weekdays, list) or any(
        isinstance(d, bool) or not isinstance(d, int) or not 0 <= d <= 6 for d in weekdays
    ):
        errors["weekdays"] = _("Weekdays are numbers from 0 (Monday) to 6 (Sunday).")
    time_from, time_to = values.get("time_from"), values.get("time_to")
    if (time_from is None) != (time_to is None) or (time_from is not None and time_from == time_to):
        errors["time_to"] = _("Give both times of the band, and different ones.")
    from venues.models import Room

    if (values.get("room_kind") or "") not in ("", *Room.Kind.values):
        errors["room_kind"] = _("Choose a room type.")
    minimum = values.get("min_amount")
    if minimum is not None and minimum < 0:
        errors["min_amount"] = _("The minimum amount cannot be negative.")
    return errors


def campaign_create(*, venue: Any, actor: Any, values: dict[str, Any]) -> Any:
    """A venue's own campaign (venue-funded extra cashback); validated, audited."""
    from loyalty.models import Campaign

    errors = _campaign_errors(values)
    if errors:
        raise ApplicationError(_("Check the campaign."), fields=errors)
    fields = (
        "name",
        "kind",
        "value",
        "date_from",
        "date_to",
        "weekdays",
        "time_from",
        "time_to",
        "room_kind",
        "min_amount",
    )
    with transaction.atomic():
        campaign = Campaign.objects.create(
            venue=venue,
            created_by=actor,
            **{name: values[name] for name in fields if values.get(name) is not None},
        )
        audit_record(
            actor=actor,
            action="campaign.create",
            obj=campaign,
            after={name: str(getattr(campaign, name)) for name in fields},
        )
    return campaign


def campaign_stop(*, campaign: Any, actor: Any) -> Any:
    """Stop a campaign (it stays listed, inactive); stopping twice changes nothing."""
    from loyalty.models import Campaign

    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.is_active:
            campaign.is_active = False
            campaign.save(update_fields=["is_active"])
            audit_record(
                actor=actor,
                action="campaign.stop",
                obj=campaign,
                before={"is_active": True},
                after={"is_active": False},
            )
    return campaign


# --- earning: holiday grants (bulk) ----------------------------------------------------------

HOLIDAY_REASON = gettext_noop("Holiday gift: %(name)s")


def holiday_audience(grant: Any, *, now: datetime) -> Any:
    """The clients a holiday grant is for, as a queryset of users (ordered by id)."""
    from django.contrib.auth import get_user_model

    from bookings.models import Booking
    from loyalty.models import ClientTier, HolidayGrant

    User = get_user_model()
    users = User.objects.filter(is_active=True, is_staff=False)  # clients, not platform staff
    Audience = HolidayGrant.Audience
    if grant.audience == Audience.ACTIVE:
        since = now - timedelta(days=grant.active_days or 90)
        booked = Booking.objects.filter(
            user_id=OuterRef("pk"), kind=Booking.Kind.CLIENT, created_at__gte=since
        )
        users = users.filter(Q(last_login__gte=since) | Q(Exists(booked)))
    elif grant.audience == Audience.TIER and grant.min_tier_id:
        from loyalty import selectors

        lowest = selectors.client_tier(user=None)
        if lowest is None or grant.min_tier_id != lowest.pk:
            held = ClientTier.objects.filter(
                user_id=OuterRef("pk"), tier__min_money_365d__gte=grant.min_tier.min_money_365d
            )
            users = users.filter(Exists(held))
    elif grant.audience == Audience.CITY and grant.city_id:
        booked = Booking.objects.filter(
            user_id=OuterRef("pk"), kind=Booking.Kind.CLIENT, room__venue__city_id=grant.city_id
        )
        users = users.filter(Exists(booked))
    return users.order_by("pk")


def _holiday_batch(grant: Any, user_ids: list[int], *, now: datetime) -> list[int]:
    """Credit one batch in bulk (a few statements whatever its size); returns who got points."""
    lifetime = timedelta(days=grant.lifetime_days)
    keys = {uid: f"holiday:{grant.pk}:user:{uid}" for uid in user_ids}
    Account.objects.bulk_create(
        [Account(kind=kind, user_id=uid) for uid in user_ids for kind in Account.CLIENT_KINDS],
        ignore_conflicts=True,
    )
    # Lock order as everywhere: each client's wallet (ids ascending), then their lots.
    wallets = {
        account.user_id: account
        for account in Account.objects.select_for_update(no_key=True)
        .filter(user_id__in=user_ids, kind=AccountKind.WALLET)
        .order_by("id")
    }
    done = set(
        LedgerTransaction.objects.filter(idempotency_key__in=keys.values()).values_list(
            "user_id", flat=True
        )
    )
    todo = [uid for uid in user_ids if uid not in done and uid in wallets]
    if not todo:
        return []
    issuance = _system_account(AccountKind.ISSUANCE)
    params = {"name": grant.name}
    txs = LedgerTransaction.objects.bulk_create(
        [
            LedgerTransaction(
                kind=Kind.HOLIDAY,
                reason=HOLIDAY_REASON,
                reason_params=params,
                user_id=uid,
                idempotency_key=keys[uid],
                fingerprint=_fingerprint(
                    op="credit",
                    user=uid,
                    amount=grant.amount,
                    lifetime=lifetime.total_seconds(),
                    kind=Kind.HOLIDAY,
                    venue=None,
                    booking=None,
                ),
                created_at=now,
            )
            for uid in todo
        ]
    )
    Posting.objects.bulk_create(
        [Posting(transaction=tx, account=issuance, amount=-grant.amount) for tx in txs]
        + [Posting(transaction=tx, account=wallets[tx.user_id], amount=grant.amount) for tx in txs]
    )
    lots = Lot.objects.bulk_create(
        [
            Lot(
                wallet=wallets[tx.user_id],
                amount=grant.amount,
                remaining=grant.amount,
                expires_at=now + lifetime,
                transaction=tx,
                created_at=now,
            )
            for tx in txs
        ]
    )
    Allocation.objects.bulk_create(
        [Allocation(transaction=lot.transaction, lot=lot, amount=grant.amount) for lot in lots]
    )
    Account.objects.filter(pk__in=[wallets[uid].pk for uid in todo]).update(
        balance=F("balance") + grant.amount
    )
    return todo


def holiday_grants_run(*, now: datetime, batch_size: int = 2000) -> int:
    """Grant every holiday grant due today (grant date ≤ today ≤ holiday) to its audience.

    Set-based: each batch of clients is credited in a handful of bulk statements in one
    transaction (the ledger invariants hold: each transaction balances, lots equal wallets),
    and the clients of the batch are e-mailed after it commits. Keys `holiday:<grant>:user:<id>`
    make a second run (or a second worker, which waits on the wallet locks) post nothing.
    """
    from loyalty import signals
    from loyalty.models import HolidayGrant

    today = timezone.localtime(now).date()
    granted = 0
    due = HolidayGrant.objects.filter(
        is_active=True, grant_date__lte=today, holiday_date__gte=today
    ).select_related("min_tier")
    for grant in due:
        audience = holiday_audience(grant, now=now)
        last = 0
        count = 0
        while True:
            ids = list(audience.filter(pk__gt=last).values_list("pk", flat=True)[:batch_size])
            if not ids:
                break
            with transaction.atomic():
                made = _holiday_batch(grant, ids, now=now)
                if made:
                    announce(
                        signals.holiday_gifts_granted,
                        sender=HolidayGrant,
                        grant_id=grant.pk,
                        user_ids=made,
                    )
            count += len(made)
            last = ids[-1]
            if len(ids) < batch_size:
                break
        if count:  # a day that granted no one leaves the last grant's time as it was
            HolidayGrant.objects.filter(pk=grant.pk).update(
                granted_at=now, granted_count=F("granted_count") + count
            )
        granted += count
    return granted
