"""Reads of earning: tiers and a client's progress, and the cashback a booking earns
(tier, venue boost, campaigns)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_FLOOR, Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from bookings.models import Booking
from core.errors import NotFound
from core.periods import period_matches
from loyalty.models import Campaign, ClientTier, Tier
from venues.models import Room, Venue
from venues.selectors import venue_for_member

TIER_WINDOW = timedelta(days=365)


def tiers() -> list[Tier]:
    """All tiers, lowest first."""
    return list(Tier.objects.order_by("min_money_365d", "min_sessions_365d", "id"))


@dataclass
class TierStats:
    money: Decimal
    sessions: int


def tier_stats(*, user: User, now: datetime) -> TierStats:
    """Money paid (the money part) and sessions of the client's completed bookings in 365 days."""
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


def client_tier(*, user: User | AnonymousUser | None) -> Tier | None:
    """The tier the client holds now: their record, or the lowest tier."""
    lowest_first = ("min_money_365d", "min_sessions_365d", "id")
    if isinstance(user, User) and user.pk:
        # One query: the client's own tier sorts first, else the lowest comes first.
        held = ClientTier.objects.filter(user=user, tier=OuterRef("pk"))
        return Tier.objects.order_by(Exists(held).desc(), *lowest_first).first()
    return Tier.objects.order_by(*lowest_first).first()


def cashback_percent(*, tier: Tier | None, venue: Venue) -> Decimal:
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


def tier_progress(*, user: User, now: datetime) -> TierProgress:
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


def _local_start(room: Room, start: datetime) -> datetime:
    return start.astimezone(ZoneInfo(str(room.venue.timezone)))


def campaigns_matching(*, room: Room, start: datetime, money: Decimal) -> list[Campaign]:
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
    *,
    user: User | None,
    room: Room,
    start: datetime,
    end: datetime,
    money: Decimal,
    now: datetime,
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


def venue_campaigns(*, venue: Venue) -> QuerySet[Campaign]:
    """A venue's own campaigns, active first, newest first."""
    return Campaign.objects.filter(venue=venue).order_by("-is_active", "-created_at", "-id")


def campaign_for_member(
    *, user: User, venue_id: int, campaign_id: int, roles: Iterable[str]
) -> Campaign:
    """A campaign of a venue the user works at (another organisation's: 404)."""
    venue = venue_for_member(user=user, venue_id=venue_id, roles=roles)
    campaign = Campaign.objects.filter(venue=venue, pk=campaign_id).first()
    if campaign is None:
        raise NotFound(_("No such campaign."))
    return campaign
