"""Reads of the points ledger: a client's points and history, and the audit of the invariants."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_FLOOR, Decimal

from django.conf import settings
from django.db import connection
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bookings.points import BookingPoints, LotUse
from core.periods import period_matches
from loyalty.models import Account, Campaign, ClientTier, LedgerTransaction, Lot, Tier

TIER_WINDOW = timedelta(days=365)


@dataclass
class PointsSummary:
    balance: int
    pending: int
    expiring: list[dict] = field(default_factory=list)  # [{"date": date, "points": int}]


def points_summary(*, user, now: datetime) -> PointsSummary:
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


def _live_lots(user, now: datetime) -> QuerySet[Lot]:
    """The client's spendable lots (not yet expired, even if the expiry job has not run)."""
    return Lot.objects.filter(
        wallet__user=user,
        wallet__kind=Account.Kind.WALLET,
        remaining__gt=0,
        expires_at__gt=now,
        expired_at__isnull=True,
    )


def points_spendable(*, user, now: datetime) -> int:
    """What the client can spend now, in one query."""
    return _live_lots(user, now).aggregate(total=Sum("remaining"))["total"] or 0


def lots_to_use(*, user, points: int, now: datetime) -> list[LotUse]:
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


def points_wallet_balance(*, user) -> int:
    """The cached balance: one indexed row (what the benchmark measures)."""
    return (
        Account.objects.filter(user=user, kind=Account.Kind.WALLET)
        .values_list("balance", flat=True)
        .first()
        or 0
    )


def points_history(*, user) -> QuerySet[LedgerTransaction]:
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


# --- audit ----------------------------------------------------------------------------------


@dataclass
class AuditReport:
    summary: dict[str, int]
    violations: list[str]

    @property
    def ok(self) -> bool:
        return not self.violations


_LIMIT = 50  # violations named per check

# (invariant of DESIGN.md §4, query returning one text column: the violation, named).
_CHECKS: list[tuple[str, str]] = [
    (
        "1",
        """SELECT format('transaction %s: postings sum to %s, not 0', transaction_id, SUM(amount))
           FROM loyalty_posting GROUP BY transaction_id HAVING SUM(amount) <> 0""",
    ),
    (
        "1",
        """SELECT format('transaction %s (%s) has no postings', t.id, t.idempotency_key)
           FROM loyalty_transaction t
           WHERE NOT EXISTS (SELECT 1 FROM loyalty_posting p WHERE p.transaction_id = t.id)""",
    ),
    (
        "1",
        """SELECT format('all postings together sum to %s, not 0', total)
           FROM (SELECT COALESCE(SUM(amount), 0) AS total FROM loyalty_posting) s
           WHERE total <> 0""",
    ),
    (
        "2",
        """SELECT format('account %s (%s of user %s): cached balance %s, postings sum to %s',
                         a.id, a.kind, a.user_id, a.balance, COALESCE(p.total, 0))
           FROM loyalty_account a
           LEFT JOIN (SELECT account_id, SUM(amount) AS total FROM loyalty_posting
                      GROUP BY account_id) p ON p.account_id = a.id
           WHERE a.kind IN ('wallet', 'pending', 'held') AND a.balance <> COALESCE(p.total, 0)""",
    ),
    (
        "2",
        """SELECT format('wallet %s (user %s): cached balance %s, its lots hold %s',
                         a.id, a.user_id, a.balance, COALESCE(l.total, 0))
           FROM loyalty_account a
           LEFT JOIN (SELECT wallet_id, SUM(remaining) AS total FROM loyalty_lot
                      GROUP BY wallet_id) l ON l.wallet_id = a.id
           WHERE a.kind = 'wallet' AND a.balance <> COALESCE(l.total, 0)""",
    ),
    (
        "2",
        """SELECT format('account %s (%s of user %s) is negative: %s', id, kind, user_id, balance)
           FROM loyalty_account
           WHERE kind IN ('wallet', 'pending', 'held') AND balance < 0""",
    ),
    (
        "2",
        """SELECT format('lot %s has %s remaining of %s', id, remaining, amount)
           FROM loyalty_lot WHERE remaining < 0 OR remaining > amount""",
    ),
    (
        "2",
        """SELECT format('lot %s has %s remaining but its allocations sum to %s',
                         l.id, l.remaining, COALESCE(x.total, 0))
           FROM loyalty_lot l
           LEFT JOIN (SELECT lot_id, SUM(amount) AS total FROM loyalty_allocation
                      GROUP BY lot_id) x ON x.lot_id = l.id
           WHERE l.remaining <> COALESCE(x.total, 0)""",
    ),
    (
        "2",
        """SELECT format('allocation %s consumed %s points but %s were given back',
                         c.id, -c.amount, SUM(r.amount))
           FROM loyalty_allocation c JOIN loyalty_allocation r ON r.reverses_id = c.id
           GROUP BY c.id, c.amount HAVING SUM(r.amount) > -c.amount""",
    ),
    (
        "5",
        """SELECT format('idempotency key %s is used by %s transactions',
                         idempotency_key, COUNT(*))
           FROM loyalty_transaction GROUP BY idempotency_key HAVING COUNT(*) > 1""",
    ),
    (
        "5",
        # A pending cashback cancelled when its booking was moved does not count as earned.
        """SELECT format('booking %s earned cashback %s times (funded by venue %s)',
                         booking_id, COUNT(*), COALESCE(venue_id::text, 'platform'))
           FROM loyalty_transaction t
           WHERE kind = 'cashback' AND booking_id IS NOT NULL
             AND NOT EXISTS (SELECT 1 FROM loyalty_transaction c
                             WHERE c.parent_id = t.id AND c.kind = 'pending_cancel')
           GROUP BY booking_id, venue_id HAVING COUNT(*) > 1""",
    ),
    (
        "5",
        """SELECT format('user %s got the one-time %s bonus %s times', user_id, kind, COUNT(*))
           FROM loyalty_transaction WHERE kind IN ('welcome', 'profile')
           GROUP BY user_id, kind HAVING COUNT(*) > 1""",
    ),
    (
        "5",
        """SELECT format('transaction %s was settled %s times', parent_id, COUNT(*))
           FROM loyalty_transaction
           WHERE kind IN ('pending_release', 'pending_cancel', 'capture', 'reserve_release')
           GROUP BY parent_id HAVING COUNT(*) > 1""",
    ),
]

# All checks in one round trip; each branch names at most _LIMIT violations.
_AUDIT = "\nUNION ALL\n".join(
    f"(SELECT '{invariant}', v.* FROM ({sql}) v LIMIT {_LIMIT})"  # noqa: S608 - constants
    for invariant, sql in _CHECKS
)

_SUMMARY = """
SELECT
    (SELECT COUNT(*) FROM loyalty_transaction),
    (SELECT COUNT(*) FROM loyalty_posting),
    (SELECT COUNT(*) FROM loyalty_account WHERE kind = 'wallet'),
    (SELECT COUNT(*) FROM loyalty_lot),
    (SELECT COALESCE(SUM(balance), 0) FROM loyalty_account WHERE kind = 'wallet'),
    (SELECT COALESCE(SUM(balance), 0) FROM loyalty_account WHERE kind = 'pending'),
    (SELECT COALESCE(SUM(balance), 0) FROM loyalty_account WHERE kind = 'held')
"""


def ledger_audit(*, summary: bool = True) -> AuditReport:
    """Check invariants 1, 2 and 5 of DESIGN.md §4 over the whole ledger.

    Runs in one REPEATABLE READ snapshot so a ledger in motion is seen consistently.
    """
    with connection.cursor() as cursor:
        in_transaction = connection.in_atomic_block
        if not in_transaction:
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try:
            cursor.execute(_AUDIT)
            violations = [f"invariant {invariant}: {message}" for invariant, message in cursor]
            row: tuple = (0,) * 7
            if summary:
                cursor.execute(_SUMMARY)
                row = cursor.fetchone()
        finally:
            if not in_transaction:
                cursor.execute("COMMIT")
    keys = [
        "transactions",
        "postings",
        "wallets",
        "lots",
        "points_available",
        "points_pending",
        "points_held",
    ]
    totals = dict(zip(keys, row, strict=True)) if summary else {}
    totals["violations"] = len(violations)
    return AuditReport(summary=totals, violations=violations)


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


# --- earning: tiers and the cashback plan ------------------------------------------------------


def tiers() -> list[Tier]:
    """All tiers, lowest first."""
    return list(Tier.objects.order_by("min_money_365d", "min_sessions_365d", "id"))


@dataclass
class TierStats:
    money: Decimal
    sessions: int


def tier_stats(*, user, now: datetime) -> TierStats:
    """Money paid (the money part) and sessions of the client's completed bookings in 365 days."""
    from bookings.models import Booking

    row = Booking.objects.filter(
        user=user,
        status=Booking.Status.COMPLETED,
        kind=Booking.Kind.CLIENT,
        end__gt=now - TIER_WINDOW,
        end__lte=now,
    ).aggregate(money=Sum("money_due"), sessions=Count("id"))
    return TierStats(money=row["money"] or Decimal("0"), sessions=row["sessions"] or 0)


def tier_for(*, stats: TierStats, all_tiers: list[Tier] | None = None) -> Tier | None:
    """The highest tier the figures reach by money OR by sessions (whichever is higher)."""
    reached = None
    for tier in all_tiers if all_tiers is not None else tiers():
        if stats.money >= tier.min_money_365d or stats.sessions >= tier.min_sessions_365d:
            reached = tier
    return reached


def client_tier(*, user) -> Tier | None:
    """The tier the client holds now: their record, or the lowest tier."""
    if user is not None and getattr(user, "pk", None):
        held = ClientTier.objects.select_related("tier").filter(user=user).first()
        if held is not None:
            return held.tier
    return Tier.objects.order_by("min_money_365d", "min_sessions_365d", "id").first()


def cashback_percent(*, tier: Tier | None, venue) -> Decimal:
    """The cashback % a client of `tier` earns at `venue` before campaigns: the tier's percent
    plus the venue's boost, within LOYALTY_CASHBACK_CAP_PERCENT (what a room card shows)."""
    tier_percent = tier.cashback_percent if tier else Decimal("0")
    total = tier_percent + Decimal(venue.cashback_boost_percent)
    return min(total, Decimal(settings.LOYALTY_CASHBACK_CAP_PERCENT))


@dataclass
class TierProgress:
    tier: Tier | None
    since: datetime | None
    stats: TierStats
    next_tier: Tier | None
    money_to_next: Decimal | None
    sessions_to_next: int | None
    keeps: bool  # the last 365 days still reach the current tier


def tier_progress(*, user, now: datetime) -> TierProgress:
    """What the client holds, what keeps it and what the next tier needs."""
    all_tiers = tiers()
    held = ClientTier.objects.select_related("tier").filter(user=user).first()
    current = held.tier if held else (all_tiers[0] if all_tiers else None)
    stats = tier_stats(user=user, now=now)
    next_tier = None
    if current is not None:
        higher = [t for t in all_tiers if t.min_money_365d > current.min_money_365d]
        next_tier = higher[0] if higher else None
    reached = tier_for(stats=stats, all_tiers=all_tiers)
    keeps = current is None or (
        reached is not None and reached.min_money_365d >= current.min_money_365d
    )
    return TierProgress(
        tier=current,
        since=held.since if held else None,
        stats=stats,
        next_tier=next_tier,
        money_to_next=max(next_tier.min_money_365d - stats.money, Decimal("0"))
        if next_tier
        else None,
        sessions_to_next=max(next_tier.min_sessions_365d - stats.sessions, 0)
        if next_tier
        else None,
        keeps=keeps,
    )


@dataclass
class CashbackPlan:
    """Cashback a booking earns: the platform-funded and the venue-funded points."""

    platform_points: int = 0
    venue_points: int = 0
    platform_percent: Decimal = Decimal("0")
    venue_percent: Decimal = Decimal("0")
    available_at: datetime | None = None
    tier: Tier | None = None
    campaigns: list[Campaign] = field(default_factory=list)

    @property
    def points(self) -> int:
        return self.platform_points + self.venue_points

    @property
    def percent(self) -> Decimal:
        return self.platform_percent + self.venue_percent


def _local_start(room, start: datetime) -> datetime:
    from zoneinfo import ZoneInfo

    return start.astimezone(ZoneInfo(str(room.venue.timezone)))


def campaigns_matching(*, room, start: datetime, money: Decimal) -> list[Campaign]:
    """Active campaigns (the platform's and the room's venue's) that apply to this booking.

    A campaign applies when the booking's local start is inside its period (dates, weekdays and
    hours, core.periods), the venue is in its city, the room of its type, and the money part at
    least its minimum.
    """
    venue = room.venue
    local = _local_start(room, start)
    day = local.date()
    # The dates are narrowed in SQL with a day to spare: the after-midnight part of an hour band
    # belongs to the day before.
    candidates = Campaign.objects.filter(
        Q(venue__isnull=True) | Q(venue_id=venue.pk), is_active=True
    ).filter(
        Q(date_from__isnull=True) | Q(date_from__lte=day),
        Q(date_to__isnull=True) | Q(date_to__gte=day - timedelta(days=1)),
        Q(city__isnull=True) | Q(city_id=venue.city_id),
        Q(room_kind="") | Q(room_kind=room.kind),
        Q(min_amount__isnull=True) | Q(min_amount__lte=money),
    )
    return [campaign for campaign in candidates.order_by("id") if period_matches(local, campaign)]


def cashback_plan(
    *, user, room, start: datetime, end: datetime, money, now: datetime
) -> CashbackPlan:
    """The cashback a booking of `room` over [start, end) paying `money` (the money part) earns.

    Platform percent = the client's tier percent (× platform multipliers) + platform extras;
    venue percent = the venue's boost + venue extras + what venue multipliers add on top of the
    tier and boost. The total is capped at LOYALTY_CASHBACK_CAP_PERCENT, trimming the platform's
    part first (a venue always gets the boost it pays for, up to the cap). Points are computed
    on the money part and rounded down; nothing below the platform's or the venue's minimum.
    """
    money = Decimal(money or 0)
    available_at = end + timedelta(hours=settings.LOYALTY_CASHBACK_DELAY_HOURS)
    venue = room.venue
    venue_minimum = venue.earn_min_booking_amount
    if money <= 0 or money < Decimal(settings.LOYALTY_EARN_MIN_AMOUNT):
        return CashbackPlan(available_at=available_at)
    if venue_minimum is not None and money < venue_minimum:
        return CashbackPlan(available_at=available_at)
    tier = client_tier(user=user)
    tier_percent = tier.cashback_percent if tier else Decimal("0")
    boost = Decimal(venue.cashback_boost_percent)
    campaigns = campaigns_matching(room=room, start=start, money=money)
    platform = tier_percent
    venue_part = boost
    for campaign in campaigns:
        if campaign.kind == Campaign.Kind.MULTIPLIER:
            extra = (campaign.value - 1) * (tier_percent + boost)
        else:
            extra = campaign.value
        if campaign.venue_id is None:
            platform += extra
        else:
            venue_part += extra
    cap = Decimal(settings.LOYALTY_CASHBACK_CAP_PERCENT)
    venue_part = min(max(venue_part, Decimal("0")), cap)
    platform = min(max(platform, Decimal("0")), cap - venue_part)
    total_points = int((money * (platform + venue_part) / 100).to_integral_value(ROUND_FLOOR))
    venue_points = int((money * venue_part / 100).to_integral_value(ROUND_FLOOR))
    return CashbackPlan(
        platform_points=total_points - venue_points,
        venue_points=venue_points,
        platform_percent=platform,
        venue_percent=venue_part,
        available_at=available_at,
        tier=tier,
        campaigns=campaigns,
    )


def venue_campaigns(*, venue) -> QuerySet[Campaign]:
    """A venue's own campaigns, active first, newest first."""
    return Campaign.objects.filter(venue=venue).order_by("-is_active", "-created_at", "-id")


def campaign_for_member(*, user, venue_id: int, campaign_id: int, roles) -> Campaign:
    """A campaign of a venue the user works at (another organisation's: 404)."""
    from core.errors import NotFound
    from venues.selectors import venue_for_member

    venue = venue_for_member(user=user, venue_id=venue_id, roles=roles)
    campaign = Campaign.objects.filter(venue=venue, pk=campaign_id).first()
    if campaign is None:
        raise NotFound(_("No such campaign."))
    return campaign


# --- reports -----------------------------------------------------------------------------------


@dataclass
class EconomicsMonth:
    month: date
    revenue: Decimal = Decimal("0")
    bookings: int = 0
    bookings_with_points: int = 0
    points_discount: int = 0  # points spent at the venue, net of refunds (1 point = 1 ₽)
    boost_cost: int = 0  # points the venue funded (its boost and campaigns), net of cancels

    @property
    def share_with_points(self) -> int:
        return round(100 * self.bookings_with_points / self.bookings) if self.bookings else 0


def _month_start(day: date, back: int) -> date:
    month = day.month - back
    year = day.year + (month - 1) // 12
    return date(year, (month - 1) % 12 + 1, 1)


def venue_economics(*, venue, now: datetime, months: int = 12) -> list[EconomicsMonth]:
    """The venue's last `months` months (venue-local), oldest first, in four queries:
    revenue and bookings from completed bookings by their start; the discount given by points
    from the venue's redemptions account; the cost of its boost from its funding account."""
    from zoneinfo import ZoneInfo

    from django.db.models.functions import TruncMonth

    from bookings.models import Booking

    zone = ZoneInfo(venue.timezone)
    today = now.astimezone(zone).date()
    first = _month_start(today, months - 1)
    since = datetime.combine(first, time(0), tzinfo=zone)
    rows = {
        _month_start(today, back): EconomicsMonth(month=_month_start(today, back))
        for back in range(months - 1, -1, -1)
    }

    completed = Booking.objects.filter(
        room__venue=venue,
        status=Booking.Status.COMPLETED,
        kind__in=(Booking.Kind.CLIENT, Booking.Kind.MANUAL),
        start__gte=since,
    )
    for row in (
        completed.annotate(month=TruncMonth("start", tzinfo=zone))
        .values("month")
        .annotate(revenue=Sum("price"), count=Count("id"))
    ):
        item = rows.get(row["month"].date())
        if item:
            item.revenue, item.bookings = row["revenue"] or Decimal("0"), row["count"]
    with_points = (
        completed.filter(
            ledger_transactions__kind__in=(
                LedgerTransaction.Kind.SPEND,
                LedgerTransaction.Kind.CAPTURE,
            )
        )
        .annotate(month=TruncMonth("start", tzinfo=zone))
        .values("month")
        .annotate(count=Count("id", distinct=True))
    )
    for row in with_points:
        item = rows.get(row["month"].date())
        if item:
            item.bookings_with_points = row["count"]
    from loyalty.models import Posting

    postings = (
        Posting.objects.filter(
            account__venue=venue,
            transaction__created_at__gte=since,
        )
        .annotate(month=TruncMonth("transaction__created_at", tzinfo=zone))
        .values("month", "account__kind")
        .annotate(total=Sum("amount"))
    )
    for row in postings:
        item = rows.get(row["month"].date())
        if not item:
            continue
        if row["account__kind"] == Account.Kind.REDEMPTIONS:
            item.points_discount = row["total"] or 0
        elif row["account__kind"] == Account.Kind.VENUE_FUNDING:
            item.boost_cost = -(row["total"] or 0)
    return list(rows.values())


@dataclass
class LiabilityRow:
    month: date
    source: str  # "platform" or a venue's name
    issued: int = 0
    spent: int = 0
    expired: int = 0
    withdrawn: int = 0  # taken back by staff adjustments and clawbacks
    outstanding: int = 0  # still spendable at the end of the month (clients' live points)


# Every movement of a lot is an allocation, so the running sum of a source's allocations is
# what its lots still held at the end of each month: the outstanding liability by source. The
# grid of months × sources keeps a source's outstanding in the months it did not move.
LIABILITY_SQL = """
WITH by_month AS (
    SELECT date_trunc('month', t.created_at AT TIME ZONE %(zone)s)::date AS month,
           l.funder_venue_id,
           SUM(CASE WHEN a.amount > 0 AND a.reverses_id IS NULL AND l.origin_id IS NULL
                    THEN a.amount ELSE 0 END) AS issued,
           SUM(CASE WHEN t.kind IN ('spend', 'reserve') THEN -a.amount
                    WHEN t.kind IN ('refund', 'reserve_release') THEN -a.amount
                    ELSE 0 END) AS spent,
           SUM(CASE WHEN t.kind = 'expire' THEN -a.amount ELSE 0 END) AS expired,
           SUM(CASE WHEN t.kind IN ('clawback', 'adjustment') AND a.amount < 0
                    THEN -a.amount ELSE 0 END) AS withdrawn,
           SUM(a.amount) AS net
    FROM loyalty_allocation a
    JOIN loyalty_lot l ON l.id = a.lot_id
    JOIN loyalty_transaction t ON t.id = a.transaction_id
    GROUP BY 1, 2
),
grid AS (
    SELECT m.month, s.funder_venue_id
    FROM (SELECT DISTINCT month FROM by_month) m
    JOIN (SELECT funder_venue_id, MIN(month) AS first FROM by_month GROUP BY 1) s
      ON m.month >= s.first
),
report AS (
    SELECT g.month, g.funder_venue_id,
           COALESCE(b.issued, 0) AS issued, COALESCE(b.spent, 0) AS spent,
           COALESCE(b.expired, 0) AS expired, COALESCE(b.withdrawn, 0) AS withdrawn,
           SUM(COALESCE(b.net, 0)) OVER (PARTITION BY g.funder_venue_id ORDER BY g.month)
               AS outstanding,
           b.month IS NOT NULL AS moved
    FROM grid g
    LEFT JOIN by_month b
      ON b.month = g.month AND b.funder_venue_id IS NOT DISTINCT FROM g.funder_venue_id
)
SELECT month, funder_venue_id, issued, spent, expired, withdrawn, outstanding
FROM report WHERE moved OR outstanding <> 0
ORDER BY 1 DESC, 2 NULLS FIRST
"""


def _with_month_totals(rows: list[LiabilityRow]) -> list[LiabilityRow]:
    """Each month's rows followed by their total (source "total")."""
    result: list[LiabilityRow] = []
    for index, row in enumerate(rows):
        result.append(row)
        if index + 1 == len(rows) or rows[index + 1].month != row.month:
            month = [r for r in rows if r.month == row.month]
            result.append(
                LiabilityRow(
                    month=row.month,
                    source="total",
                    issued=sum(r.issued for r in month),
                    spent=sum(r.spent for r in month),
                    expired=sum(r.expired for r in month),
                    withdrawn=sum(r.withdrawn for r in month),
                    outstanding=sum(r.outstanding for r in month),
                )
            )
    return result


def points_liability_report() -> tuple[list[LiabilityRow], dict[str, int]]:
    """Staff report: points issued / spent / expired and outstanding at the month's end, by
    month and by who funds them (the platform or a venue), and the outstanding liability now
    (available, pending and held points)."""
    from venues.models import Venue

    with connection.cursor() as cursor:
        cursor.execute(LIABILITY_SQL, {"zone": settings.TIME_ZONE})
        raw = cursor.fetchall()
    names = dict(
        Venue.objects.filter(pk__in={row[1] for row in raw if row[1]}).values_list("pk", "name")
    )
    rows = [
        LiabilityRow(
            month=month,
            source=names.get(venue_id, "") if venue_id else "platform",
            issued=int(issued or 0),
            spent=int(spent or 0),
            expired=int(expired or 0),
            withdrawn=int(withdrawn or 0),
            outstanding=int(outstanding or 0),
        )
        for month, venue_id, issued, spent, expired, withdrawn, outstanding in raw
    ]
    rows = _with_month_totals(rows)
    outstanding = {
        "available": Account.objects.filter(kind=Account.Kind.WALLET).aggregate(s=Sum("balance"))[
            "s"
        ]
        or 0,
        "pending": Account.objects.filter(kind=Account.Kind.PENDING).aggregate(s=Sum("balance"))[
            "s"
        ]
        or 0,
        "held": Account.objects.filter(kind=Account.Kind.HELD).aggregate(s=Sum("balance"))["s"]
        or 0,
    }
    return rows, outstanding
