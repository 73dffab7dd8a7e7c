"""Reads of a client's points: balance, pending, what expires when, history, and what happened
to each booking's points."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from bookings.points import BookingPoints
from core.errors import NotFound
from loyalty.models import Account, LedgerTransaction, Lot


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


# A page of the client's history in one statement. The index `loyalty_transaction_history`
# (user_id, created_at, id) gives the order: the scan starts at the cursor's position (a row
# comparison, so transactions sharing a timestamp are neither repeated nor skipped) and stops
# once the page is full. Each line's change of wallet and pending points is a correlated
# subquery on `loyalty_posting_account`, evaluated only for the rows the scan reaches. The
# filter "moves wallet or pending points" (a capture only moves held points: the client saw
# them leave when they were held) is on those values: an EXISTS would be planned as a join that
# reads every posting of the client before the LIMIT, and a GROUP BY over the join aggregates
# the whole history. Raw SQL: the ORM's compilation of this query cost three times its run.
_HISTORY = """
SELECT * FROM (
    SELECT t.*,
        COALESCE((SELECT SUM(p.amount) FROM loyalty_posting p
                  JOIN loyalty_account a ON a.id = p.account_id
                  WHERE p.transaction_id = t.id AND a.user_id = %(user)s AND a.kind = 'wallet'),
                 0)::bigint AS amount,
        COALESCE((SELECT SUM(p.amount) FROM loyalty_posting p
                  JOIN loyalty_account a ON a.id = p.account_id
                  WHERE p.transaction_id = t.id AND a.user_id = %(user)s AND a.kind = 'pending'),
                 0)::bigint AS pending_amount
    FROM loyalty_transaction t
    WHERE t.user_id = %(user)s {position}
    ORDER BY t.created_at {order}, t.id {order}
) lines
WHERE amount <> 0 OR pending_amount <> 0
LIMIT %(limit)s
"""
# The cursor's position, read in the same statement; NULL (no rows) if it is not the client's.
_CURSOR = (
    "(SELECT c.created_at FROM loyalty_transaction c"
    " WHERE c.id = %(cursor)s AND c.user_id = %(user)s)"
)
_OLDER = _HISTORY.format(
    position=f"AND (t.created_at, t.id) < ({_CURSOR}, %(cursor)s)", order="DESC"
)
_NEWER = _HISTORY.format(
    position=f"AND (t.created_at, t.id) > ({_CURSOR}, %(cursor)s)", order="ASC"
)
_NEWEST = _HISTORY.format(position="", order="DESC")


def _lines(sql: str, *, user: User, cursor: int | None, size: int) -> list[LedgerTransaction]:
    params = {"user": user.pk, "cursor": cursor, "limit": size + 1}
    rows = list(LedgerTransaction.objects.raw(sql, params))
    if (
        not rows
        and cursor is not None
        and not LedgerTransaction.objects.filter(user=user, pk=cursor).exists()
    ):
        raise NotFound(_("This page of the history does not exist."), code="unknown_cursor")
    return rows


def points_history_page(
    *,
    user: User,
    before: int | None = None,
    after: int | None = None,
    size: int = HISTORY_PAGE_SIZE,
) -> HistoryPage:
    """A page of the client's history by keyset, newest first: the `size` lines just older than
    transaction `before`, just newer than `after`, or the newest ones; each line a transaction
    with `amount` (change of wallet points) and `pending_amount`.

    One statement whatever the depth of the page and the length of the history (no COUNT, no
    OFFSET). Raises NotFound when the cursor is not one of the client's transactions.
    """
    if before is not None and after is not None:
        raise ValueError("before and after exclude each other")
    if after is None:
        rows = _lines(_NEWEST if before is None else _OLDER, user=user, cursor=before, size=size)
        return HistoryPage(
            rows[:size],
            older=rows[size - 1].pk if len(rows) > size else None,
            newer=rows[0].pk if rows and before is not None else None,
            is_first=before is None,
        )
    rows = _lines(_NEWER, user=user, cursor=after, size=size)
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
