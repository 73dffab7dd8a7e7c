"""Reports: a venue's points economics by month, and the staff's points liability report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth

from bookings.models import Booking
from loyalty.models import Account, LedgerTransaction, Posting
from venues.models import Venue


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


def venue_economics(*, venue: Venue, now: datetime, months: int = 12) -> list[EconomicsMonth]:
    """The venue's last `months` months (venue-local), oldest first, in four queries:
    revenue and bookings from completed bookings by their start; the discount given by points
    from the venue's redemptions account; the cost of its boost from its funding account."""
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
