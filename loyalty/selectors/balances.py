"""Reads of a client's points: balance, pending, what expires when, history, and what happened
to each booking's points."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from bookings.points import BookingPoints, LotUse
from core.errors import NotFound
from loyalty.models import Account, LedgerTransaction, Lot, Posting


@dataclass
class PointsSummary:
    balance: int
    pending: int
    expiring: list[dict] = field(default_factory=list)  # [{"date": date, "points": int}]


def points_summary(*, user: User, now: datetime) -> PointsSummary:
    """Spendable balance, pending points, and what expires on which (local) date."""
    accounts = {
        a.kind: a
        for a in Account.objects.filter(
            user=user, kind__in=[Account.Kind.WALLET, Account.Kind.PENDING]
        )
    }
    wallet = accounts.get(Account.Kind.WALLET)
    pending = accounts.get(Account.Kind.PENDING)
    if wallet is None:
        return PointsSummary(balance=0, pending=pending.balance if pending else 0)
    expiring = [
        {"date": row["day"], "points": row["points"]}
        for row in Lot.objects.filter(wallet=wallet, remaining__gt=0, expires_at__gt=now)
        .annotate(day=TruncDate("expires_at", tzinfo=timezone.get_default_timezone()))
        .values("day")
        .annotate(points=Sum("remaining"))
        .order_by("day")
    ]
    # The cached balance may still hold lots past their expiry that the job has not burnt yet:
    # those cannot be spent, so they are not shown as balance.
    return PointsSummary(
        balance=sum(row["points"] for row in expiring),
        pending=pending.balance if pending else 0,
        expiring=expiring,
    )


def _live_lots(user: User, now: datetime) -> QuerySet[Lot]:
    """The client's spendable lots (not yet expired, even if the expiry job has not run)."""
    return Lot.objects.filter(
        wallet__user=user,
        wallet__kind=Account.Kind.WALLET,
        remaining__gt=0,
        expires_at__gt=now,
        expired_at__isnull=True,
    )


def points_spendable(*, user: User, now: datetime) -> int:
    """What the client can spend now, in one query."""
    return _live_lots(user, now).aggregate(total=Sum("remaining"))["total"] or 0


def lots_to_use(*, user: User, points: int, now: datetime) -> list[LotUse]:
    """Which points paying `points` would use: soonest expiry first, by expiry date."""
    used: list[LotUse] = []
    left = points
    for lot in _live_lots(user, now).order_by("expires_at", "id").only("remaining", "expires_at"):
        if left <= 0:
            break
        take = min(lot.remaining, left)
        if used and used[-1].expires_at == lot.expires_at:
            used[-1] = LotUse(expires_at=lot.expires_at, points=used[-1].points + take)
        else:
            used.append(LotUse(expires_at=lot.expires_at, points=take))
        left -= take
    return used


def points_wallet_balance(*, user: User) -> int:
    """The cached balance: one indexed row (what the benchmark measures)."""
    return (
        Account.objects.filter(user=user, kind=Account.Kind.WALLET)
        .values_list("balance", flat=True)
        .first()
        or 0
    )


HISTORY_PAGE_SIZE = 20


@dataclass(frozen=True)
class HistoryPage:
    """One page of a client's history, newest first, and the cursors around it.

    `older` is the id to pass as `before` for the next older page (None on the last page);
    `newer` the id to pass as `after` for the next newer page (None when the newer page is the
    first one, or on the first page: `is_first` tells them apart).
    """

    lines: list[LedgerTransaction]
    older: int | None
    newer: int | None
    is_first: bool


def _history(user: User) -> QuerySet[LedgerTransaction]:
    """The client's transactions that move wallet or pending points, each with its effect on both.

    Transactions that only move held points (a capture) are left out: the client saw the
    points leave when they were held. Effects are correlated subqueries, evaluated for the rows
    the index scan reaches until the page is full; the filter is on them too, as an EXISTS
    would be planned as a join that reads every posting of the client before the LIMIT (and a
    GROUP BY over the join would aggregate the whole history).
    """
    client_postings = Posting.objects.filter(transaction=OuterRef("pk"), account__user=user)

    def change(kind: str) -> Coalesce:
        total = (
            client_postings.filter(account__kind=kind)
            .values("transaction")
            .annotate(total=Sum("amount"))
            .values("total")
        )
        return Coalesce(Subquery(total), 0)

    # A transaction posts at most one line per account (engine.post sums them) and never a
    # zero one, so "moves wallet or pending points" is "changes one of them".
    return (
        LedgerTransaction.objects.filter(user=user)
        .annotate(amount=change(Account.Kind.WALLET), pending_amount=change(Account.Kind.PENDING))
        .exclude(amount=0, pending_amount=0)
    )


def points_history_page(
    *,
    user: User,
    before: int | None = None,
    after: int | None = None,
    size: int = HISTORY_PAGE_SIZE,
) -> HistoryPage:
    """A page of the client's history by keyset: the `size` lines just older than transaction
    `before`, just newer than `after`, or the newest ones.

    Lines are ordered by (created_at, id), newest first; the index `loyalty_transaction_history`
    (user, created_at, id) gives that order, so a page reads its `size + 1` rows whatever its
    depth and however long the history (no COUNT, no OFFSET). Raises NotFound when the cursor
    is not one of the client's transactions.
    """
    if before is not None and after is not None:
        raise ValueError("before and after exclude each other")
    cursor = before if before is not None else after
    lines = _history(user)
    if cursor is None:
        rows = list(lines.order_by("-created_at", "-id")[: size + 1])
        return HistoryPage(
            rows[:size],
            older=rows[size - 1].pk if len(rows) > size else None,
            newer=None,
            is_first=True,
        )
    position = (
        LedgerTransaction.objects.filter(user=user, pk=cursor)
        .values_list("created_at", flat=True)
        .first()
    )
    if position is None:
        raise NotFound(_("This page of the history does not exist."), code="unknown_cursor")
    if before is not None:
        # `created_at <= position` bounds the index scan; the OR only skips the ties above it.
        rows = list(
            lines.filter(
                Q(created_at__lt=position) | Q(pk__lt=cursor), created_at__lte=position
            ).order_by("-created_at", "-id")[: size + 1]
        )
        return HistoryPage(
            rows[:size],
            older=rows[size - 1].pk if len(rows) > size else None,
            newer=rows[0].pk if rows else None,
            is_first=False,
        )
    rows = list(
        lines.filter(
            Q(created_at__gt=position) | Q(pk__gt=cursor), created_at__gte=position
        ).order_by("created_at", "id")[: size + 1]
    )
    if not rows:
        # Nothing newer than the cursor (a stale or hand-made link): the newest lines.
        return points_history_page(user=user, size=size)
    more = len(rows) > size
    page = rows[:size][::-1]
    return HistoryPage(
        page, older=page[-1].pk, newer=page[0].pk if more else None, is_first=not more
    )


def booking_points(*, booking_ids: list[int]) -> dict[int, BookingPoints]:
    """What the ledger did with each booking's points, in one query (for My bookings and the
    booking page). A reschedule's partial refund and the release of a reservation that was held
    anew are not "returned on cancellation", so only the `:cancel` refund and the release of the
    booking's last reservation count."""
    Kind = LedgerTransaction.Kind
    rows = (
        LedgerTransaction.objects.filter(
            booking_id__in=booking_ids,
            kind__in=[
                Kind.RESERVE,
                Kind.RESERVE_RELEASE,
                Kind.REFUND,
                Kind.CASHBACK,
                Kind.PENDING_CANCEL,
                Kind.CLAWBACK,
            ],
        )
        .annotate(
            wallet=Sum("postings__amount", filter=Q(postings__account__kind=Account.Kind.WALLET)),
            pending=Sum("postings__amount", filter=Q(postings__account__kind=Account.Kind.PENDING)),
        )
        .order_by("id")
        .values("id", "booking_id", "kind", "parent_id", "idempotency_key", "wallet", "pending")
    )
    by_booking: dict[int, list[dict]] = {}
    for row in rows:
        by_booking.setdefault(row["booking_id"], []).append(row)
    result: dict[int, BookingPoints] = {}
    for booking_id, txs in by_booking.items():
        last_reserve = max((t["id"] for t in txs if t["kind"] == Kind.RESERVE), default=None)
        returned = sum(
            t["wallet"] or 0
            for t in txs
            if (t["kind"] == Kind.REFUND and t["idempotency_key"].endswith(":cancel"))
            or (t["kind"] == Kind.RESERVE_RELEASE and t["parent_id"] == last_reserve)
        )
        # Cashback still in force: not cancelled (a cancel, or a re-plan after a move) and not
        # clawed back (a no-show marked after it became available).
        cancelled = {t["parent_id"] for t in txs if t["kind"] == Kind.PENDING_CANCEL}
        keys = {t["idempotency_key"] for t in txs}
        cashback = sum(
            (t["pending"] or 0) + (t["wallet"] or 0)
            for t in txs
            if t["kind"] == Kind.CASHBACK
            and t["id"] not in cancelled
            and f"{t['idempotency_key']}:clawback" not in keys
        )
        result[booking_id] = BookingPoints(returned=returned, cashback=cashback)
    return result


def booking_url(booking_id: int | None) -> str | None:
    return reverse("bookings:detail", args=[booking_id]) if booking_id else None


def expiring_by_client(*, start: datetime, end: datetime) -> list[tuple[int, date, int]]:
    """(user id, local expiry date, points) of live lots expiring in [start, end)."""
    rows = (
        Lot.objects.filter(
            remaining__gt=0,
            expires_at__gte=start,
            expires_at__lt=end,
            expired_at__isnull=True,
            wallet__kind=Account.Kind.WALLET,
        )
        .annotate(day=TruncDate("expires_at", tzinfo=timezone.get_default_timezone()))
        .values_list("wallet__user_id", "day")
        .annotate(points=Sum("remaining"))
        .order_by("wallet__user_id", "day")
    )
    return list(rows)
