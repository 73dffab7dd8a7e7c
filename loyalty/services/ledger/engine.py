"""The ledger engine: every movement of points becomes one transaction, recorded once.

Each operation of the ledger is three steps: check its input, describe the transaction it
makes (an `Entry` and the fingerprint of what was asked), and — under the client's lock —
decide its `Postings` (lines between accounts that sum to zero, and what happens to lots).
`record` does the rest the same way for all of them:

- Idempotent by `idempotency_key`: recording a key again returns the transaction it made; the
  same key with different content is a Conflict (409).
- One lock order everywhere: the client's accounts (wallet, pending, held, in id order), then
  the wallet's lots in consumption order. System accounts are never locked: their balance is
  the sum of their postings, so concurrent postings to them never wait on each other.
- `now` is passed in; nothing reads the clock.
- Not `durable`: a booking service may record movements inside its own transaction (booking
  first, then wallet, then lots); `record` then runs in a savepoint.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.errors import ApplicationError, Conflict, NotFound
from core.services import audit_record
from core.sql import insert_sql, saved
from loyalty.models import Account, LedgerTransaction, Posting
from loyalty.services.ledger import lots
from venues.models import Venue

Kind = LedgerTransaction.Kind
AccountKind = Account.Kind
# The values a reason's message id is filled with when shown ("%(venue)s", "%(booking)s").
ReasonParams = Mapping[str, str | int]

DEFAULT_LIFETIME = timedelta(days=365)
# Far more than any booking; guards the integer columns against absurd input.
MAX_POINTS = 100_000_000
MAX_KEY_LENGTH = 200


@dataclass(frozen=True, kw_only=True)
class Movement:
    """One movement of points as its caller describes it.

    `venue` is where points are spent, or who funds the points credited or clawed back (None:
    the platform). `lifetime` is how long credited points live. `kind` says why points are
    credited (cashback, welcome, ...); the other operations are their own kind.
    """

    user: User
    amount: int
    reason: str
    idempotency_key: str
    now: datetime
    kind: str = ""
    lifetime: timedelta | None = None
    venue: Venue | None = None
    booking_id: int | None = None
    actor: User | None = None
    reason_params: ReasonParams | None = None

    @property
    def user_id(self) -> int:
        assert self.user.pk is not None, "points move for saved users only"
        return self.user.pk

    @property
    def venue_id(self) -> int | None:
        return self.venue.pk if self.venue is not None else None


@dataclass(frozen=True, kw_only=True)
class Entry:
    """The transaction an operation records: who, why, under which key, settling what."""

    kind: str
    user_id: int
    reason: str
    idempotency_key: str
    fingerprint: str
    now: datetime
    reason_params: ReasonParams | None = None
    venue_id: int | None = None
    booking_id: int | None = None
    actor: User | None = None
    parent: LedgerTransaction | None = None
    lifetime: timedelta | None = None  # a pending credit: how long its points live once released

    @classmethod
    def of(cls, movement: Movement, *, kind: str, fingerprint: str) -> Entry:
        return cls(
            kind=kind,
            user_id=movement.user_id,
            reason=movement.reason,
            reason_params=movement.reason_params,
            idempotency_key=movement.idempotency_key,
            fingerprint=fingerprint,
            now=movement.now,
            venue_id=movement.venue_id,
            booking_id=movement.booking_id,
            actor=movement.actor,
        )


@dataclass(frozen=True, kw_only=True)
class Settlement:
    """How a caller settles (or reverses) an earlier transaction: under which key, when, and,
    if not the operation's own reason, why; by whom. The transaction it records belongs to the
    earlier one's client, venue and booking (and shows its reason unless given another)."""

    idempotency_key: str
    now: datetime
    reason: str | None = None
    reason_params: ReasonParams | None = None
    actor: User | None = None

    def entry(
        self, parent: LedgerTransaction, *, kind: str, fingerprint: str, reason: str
    ) -> Entry:
        assert parent.user_id is not None, "only a client's transactions are settled"
        return Entry(
            kind=kind,
            user_id=parent.user_id,
            reason=self.reason or reason,
            reason_params=self.reason_params or parent.reason_params,
            idempotency_key=self.idempotency_key,
            fingerprint=fingerprint,
            now=self.now,
            venue_id=parent.venue_id,
            booking_id=parent.booking_id,
            actor=self.actor,
            parent=parent,
        )


@dataclass
class ClientAccounts:
    wallet: Account
    pending: Account
    held: Account


@dataclass(frozen=True)
class AuditNote:
    """A person's change of a balance, for the audit log (staff adjustments)."""

    actor: User
    action: str
    before: dict[str, object]
    after: dict[str, object]


@dataclass
class Postings:
    """What a transaction writes: lines that sum to zero, and its effect on the wallet's lots."""

    lines: list[tuple[Account, int]]
    new_lot: lots.NewLot | None = None
    consume: lots.Plan = field(default_factory=list)
    restore: lots.Restore | None = None
    audit: AuditNote | None = None


Decide = Callable[[ClientAccounts], Postings]


# --- checks ---------------------------------------------------------------------------------


def fingerprint(**content: object) -> str:
    """What makes two requests under one key the same request."""
    return hashlib.sha256(
        json.dumps(content, sort_keys=True, default=str).encode("utf-8")
    ).hexdigest()


def check_points(amount: object, *, field: str = "amount") -> None:
    if isinstance(amount, bool) or not isinstance(amount, int) or not 0 < amount <= MAX_POINTS:
        raise ApplicationError(
            _("Points must be a whole number from 1 to %(max)s.") % {"max": MAX_POINTS},
            fields={field: _("Enter a whole number of points greater than zero.")},
        )


def check_lifetime(lifetime: object) -> timedelta:
    if not isinstance(lifetime, timedelta) or lifetime <= timedelta(0):
        raise ApplicationError(
            _("Points need a positive lifetime."), fields={"lifetime": _("Enter a lifetime.")}
        )
    return lifetime


def _check_key(key: str) -> None:
    if not key or len(key) > MAX_KEY_LENGTH:
        raise ApplicationError(_("An idempotency key of up to 200 characters is required."))


# --- recording ------------------------------------------------------------------------------


def record(entry: Entry, decide: Decide) -> LedgerTransaction:
    """Record `entry` once: under the client's lock, unless its key was recorded already,
    decide the postings and write them.

    The lock serialises requests for one client, so the second of two identical requests sees
    the first. Two requests for different clients with one key both pass the check; the unique
    index stops the second, and it is answered with the first's transaction (or a Conflict).
    """
    _check_key(entry.idempotency_key)
    try:
        with transaction.atomic():
            client = lock_client(entry.user_id)
            found = _recorded(entry)
            if found is not None:
                return found
            postings = decide(client)
            tx = _new_transaction(entry)
            _write(tx, client, postings, now=entry.now)
            return tx
    except IntegrityError as error:
        return _answer(error, entry)


def record_take(entry: Entry, *, amount: int, held: bool) -> LedgerTransaction:
    """Record a new payment with points (a spend, or a reservation when `held`) whose key names
    a row made in the caller's transaction (a new booking), so it cannot have been recorded
    yet: no lookup of the key and no savepoint, and three statements whatever the wallet holds:

    1. the wallet's debit, which takes the client's lock (the wallet row, first in the lock
       order), checks the balance and finds the account the points go to;
    2. the lots needed, soonest expiry first, locked (`lots.lock_needed`);
    3. the transaction, its postings, the lots' consumption with its allocations and the held
       balance, in one statement.

    A shortfall is a Conflict and the caller's transaction rolls back. The unique index on the
    key stays the backstop."""
    _check_key(entry.idempotency_key)
    if held:
        target = "SELECT id FROM loyalty_account WHERE user_id = %s AND kind = %s"
        target_params: list[int | str | None] = [entry.user_id, AccountKind.HELD]
    else:
        target = (
            "SELECT id FROM loyalty_account WHERE venue_id = %s AND kind = %s AND user_id IS NULL"
        )
        target_params = [entry.venue_id, AccountKind.REDEMPTIONS]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE loyalty_account SET balance = balance - %s"  # noqa: S608 - constant SQL
            " WHERE user_id = %s AND kind = %s AND balance >= %s"
            f" RETURNING id, ({target})",
            [amount, entry.user_id, AccountKind.WALLET, amount, *target_params],
        )
        row = cursor.fetchone()
    if row is None:
        raise Conflict(_("Not enough points."), code="not_enough_points")
    wallet_id, target_id = row
    if target_id is None:  # the venue's first redemption: its account is made once
        target_id = system_account(AccountKind.REDEMPTIONS, entry.venue_id).pk
    taken = lots.lock_needed(wallet_id, amount, entry.now)
    tx = _transaction_of(entry)
    tx_sql, tx_params = insert_sql(tx)
    lot_ids = [lot_id for lot_id, _take in taken]
    takes = [take for _lot_id, take in taken]
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH tx AS ({tx_sql}),
            posted AS (
                INSERT INTO loyalty_posting (transaction_id, account_id, amount)
                SELECT tx.id, line.account, line.amount
                  FROM tx, unnest(%s::bigint[], %s::bigint[]) AS line(account, amount)),
            consumed AS (
                UPDATE loyalty_lot SET remaining = loyalty_lot.remaining - use.take
                  FROM unnest(%s::bigint[], %s::bigint[]) AS use(lot, take)
                 WHERE loyalty_lot.id = use.lot),
            allocated AS (
                INSERT INTO loyalty_allocation (transaction_id, lot_id, amount)
                SELECT tx.id, use.lot, -use.take
                  FROM tx, unnest(%s::bigint[], %s::bigint[]) AS use(lot, take)),
            credited AS (  -- a client account (held) keeps its balance cached; a system one not
                UPDATE loyalty_account SET balance = balance + %s
                 WHERE id = %s AND user_id IS NOT NULL)
            SELECT id FROM tx
            """,  # noqa: S608 - Django's own INSERT, values are parameters
            [
                *tx_params,
                [wallet_id, target_id],
                [-amount, amount],
                lot_ids,
                takes,
                lot_ids,
                takes,
                amount,
                target_id,
            ],
        )
        (tx_id,) = cursor.fetchone()
    saved(tx, tx_id)
    return tx


def _recorded(entry: Entry) -> LedgerTransaction | None:
    found = LedgerTransaction.objects.filter(idempotency_key=entry.idempotency_key).first()
    if found is not None and found.fingerprint != entry.fingerprint:
        raise Conflict(
            _("This idempotency key was already used for a different operation."),
            code="idempotency_conflict",
        )
    return found


def _answer(error: IntegrityError, entry: Entry) -> LedgerTransaction:
    """The database's last word on a movement, as the caller's answer."""
    diag = getattr(error.__cause__, "diag", None)
    name = (getattr(diag, "constraint_name", None) or "") if diag else ""
    if "idempotency_key" in name:
        found = _recorded(entry)
        if found is not None:
            return found
    if name in ("loyalty_account_balance_not_negative", "loyalty_lot_remaining_within_amount"):
        # The checks in the operations come first; this is the database's last word.
        raise Conflict(_("Not enough points."), code="not_enough_points") from error
    if name == "loyalty_transaction_settled_once":
        raise Conflict(_("This operation was already settled."), code="settled") from error
    raise error


def _new_transaction(entry: Entry) -> LedgerTransaction:
    tx = _transaction_of(entry)
    tx.save()
    return tx


def _transaction_of(entry: Entry) -> LedgerTransaction:
    return LedgerTransaction(
        kind=entry.kind,
        reason=str(entry.reason)[:300],
        reason_params=dict(entry.reason_params or {}),
        user_id=entry.user_id,
        venue_id=entry.venue_id,
        booking_id=entry.booking_id,
        actor=entry.actor if entry.actor is not None and entry.actor.pk else None,
        parent=entry.parent,
        idempotency_key=entry.idempotency_key,
        fingerprint=entry.fingerprint,
        lifetime=entry.lifetime,
        created_at=entry.now,
    )


def _write(
    tx: LedgerTransaction, client: ClientAccounts, postings: Postings, now: datetime
) -> None:
    post(tx, postings.lines)
    if postings.new_lot is not None:
        lots.create(tx=tx, wallet=client.wallet, new=postings.new_lot, now=now)
    if postings.consume:
        lots.consume(tx, postings.consume)
    if postings.restore is not None:
        lots.restore(tx=tx, wallet=client.wallet, restore=postings.restore, now=now)
    if postings.audit is not None:
        note = postings.audit
        audit_record(
            actor=note.actor, action=note.action, obj=tx, before=note.before, after=note.after
        )


def post(tx: LedgerTransaction, lines: list[tuple[Account, int]]) -> None:
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


# --- accounts -------------------------------------------------------------------------------


def lock_client(user_id: int) -> ClientAccounts:
    """Lock the client's wallet, pending and held accounts (in id order), creating them once."""
    for _attempt in range(2):
        rows = list(
            Account.objects.select_for_update(no_key=True)
            .filter(user_id=user_id, kind__in=Account.CLIENT_KINDS)
            .order_by("id")
        )
        if len(rows) == len(Account.CLIENT_KINDS):
            by_kind = {row.kind: row for row in rows}
            return ClientAccounts(by_kind["wallet"], by_kind["pending"], by_kind["held"])
        # First movement of this client: two requests may race here; ON CONFLICT DO NOTHING
        # lets both go on to lock the same rows.
        Account.objects.bulk_create(
            [Account(kind=kind, user_id=user_id) for kind in Account.CLIENT_KINDS],
            ignore_conflicts=True,
        )
    raise RuntimeError("client accounts could not be created")  # pragma: no cover


def system_account(kind: str, venue_id: int | None = None) -> Account:
    """The system account of `kind` (per venue for venue kinds); created on first use."""
    venue = Q(venue_id=venue_id) if venue_id is not None else Q(venue__isnull=True)
    system = Account.objects.filter(venue, kind=kind, user__isnull=True)
    account = system.first()
    if account is None:
        Account.objects.bulk_create([Account(kind=kind, venue_id=venue_id)], ignore_conflicts=True)
        account = system.get()
    return account


def source_account(funder_venue_id: int | None) -> Account:
    """Where funded points come from: the venue's funding account, or the platform's issuance."""
    if funder_venue_id:
        return system_account(AccountKind.VENUE_FUNDING, funder_venue_id)
    return system_account(AccountKind.ISSUANCE)


def find(key: str, kinds: tuple[str, ...], what: str) -> LedgerTransaction:
    """The transaction recorded under `key`, of one of `kinds`, or NotFound."""
    found = LedgerTransaction.objects.filter(idempotency_key=key, kind__in=kinds).first()
    if found is None:
        raise NotFound(_("No %(what)s with key %(key)s.") % {"what": what, "key": key})
    return found
