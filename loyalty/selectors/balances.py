"""Reads of a client's points: balance, pending, what expires when, history, and what happened
to each booking's points."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from bookings.points import BookingPoints
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


def points_history(*, user: User) -> QuerySet[LedgerTransaction]:
    """The client's movements, newest first, each with its effect on wallet and pending points.

    Transactions that only move held points (a capture) are left out: the client saw the
    points leave when they were held.
    """
    client_accounts = Q(postings__account__user=user) & Q(
        postings__account__kind__in=[Account.Kind.WALLET, Account.Kind.PENDING]
    )
    return (
        LedgerTransaction.objects.filter(client_accounts)
        .annotate(
            amount=Sum("postings__amount", filter=Q(postings__account__kind=Account.Kind.WALLET)),
            pending_amount=Sum(
                "postings__amount", filter=Q(postings__account__kind=Account.Kind.PENDING)
            ),
        )
        .order_by("-created_at", "-id")
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
