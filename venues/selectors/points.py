"""Points: the share of a booking payable by points, its cap, and the settings page's sample."""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import ROUND_FLOOR, Decimal
from typing import Protocol

from django.db.models import Q, QuerySet
from django.utils import timezone

from venues.models import PointsRule, Room, Venue
from venues.selectors.prices import day_type_for, within_hours


@dataclass
class PointsShares:
    """Everything needed to say which share is in force at a moment, loaded once per room.

    Specificity: a room period rule > the room's override > a venue period rule > the venue
    default. Several matching rules at one level: the most recently created wins.
    """

    venue_percent: int
    room_percent: int | None
    room_rules: list[PointsRule]
    venue_rules: list[PointsRule]

    def share(self, local_moment: datetime) -> int:
        for rule in self.room_rules:
            if rule.matches(local_moment):
                return rule.percent
        if self.room_percent is not None:
            return self.room_percent
        for rule in self.venue_rules:
            if rule.matches(local_moment):
                return rule.percent
        return self.venue_percent


def points_shares(room: Room, rules: list[PointsRule] | None = None) -> PointsShares:
    """The shares of `room`; `rules` (its and its venue's, newest first) if already loaded."""
    if rules is None:
        rules = list(
            PointsRule.objects.filter(venue_id=room.venue_id)
            .filter(Q(room__isnull=True) | Q(room_id=room.pk))
            .order_by("-created_at", "-pk")
        )
    return PointsShares(
        venue_percent=room.venue.max_points_percent,
        room_percent=room.max_points_percent,
        room_rules=[r for r in rules if r.room_id == room.pk],
        venue_rules=[r for r in rules if r.room_id is None],
    )


def points_share_at(room: Room, moment: datetime) -> int:
    """The share (%) of the price payable by points for a slot starting at `moment`."""
    local = moment.astimezone(zoneinfo.ZoneInfo(room.venue.timezone))
    return points_shares(room).share(local.replace(tzinfo=None))


class PricedSlot(Protocol):
    """A slot of a booking as the cap reads it: when it starts and what it costs."""

    @property
    def start(self) -> datetime: ...
    @property
    def price(self) -> Decimal | None: ...


def _slot_price(slot: PricedSlot) -> Decimal:
    if slot.price is None:  # a quote refuses a slot without a price before it asks for a cap
        raise ValueError(f"the slot at {slot.start} has no price")
    return Decimal(slot.price)


def points_cap(
    room: Room,
    slots: Iterable[PricedSlot],
    *,
    now: datetime,
    check_venue: bool = True,
    rules: list[PointsRule] | None = None,
) -> int:
    """The most points a booking of these slots may take.

    Slot by slot: the slot's price × the share in force at its start, summed, rounded down.
    Zero when the venue does not accept points now or the price is below its minimum.
    `rules`: the room's points rules if the caller loaded them (see `points_shares`).
    """
    venue = room.venue
    slots = list(slots)
    if not slots or (check_venue and not venue.accepts_points_now(now)):
        return 0
    total = sum((_slot_price(s) for s in slots), Decimal(0))
    if venue.points_min_booking_amount is not None and total < venue.points_min_booking_amount:
        return 0
    zone = zoneinfo.ZoneInfo(venue.timezone)
    shares = points_shares(room, rules)
    cap = Decimal(0)
    for slot in slots:
        local = slot.start.astimezone(zone).replace(tzinfo=None)
        cap += _slot_price(slot) * shares.share(local) / 100
    return int(cap.to_integral_value(rounding=ROUND_FLOOR))


def points_rules_for_venue(venue: Venue) -> QuerySet[PointsRule]:
    return (
        PointsRule.objects.filter(venue=venue)
        .select_related("room")
        .order_by("room__name", "-created_at", "-pk")
    )


@dataclass(frozen=True)
class PointsPreview:
    room: Room
    start: datetime
    hours: int
    price: Decimal
    points: int


@dataclass(frozen=True)
class _PreviewSlot:
    start: datetime
    price: Decimal


def points_preview(venue: Venue, *, now: datetime, hours: int = 3) -> PointsPreview | None:
    """A sample for the settings page: the venue's first room next Saturday 19:00–22:00, priced
    from its price table, and the points it could take (the same cap function as bookings).
    None when there is no active room or no price for those hours."""
    room = venue.rooms.filter(is_active=True).order_by("name", "pk").first()
    if room is None:
        return None
    zone = zoneinfo.ZoneInfo(venue.timezone)
    today = timezone.localdate(now, timezone=zone)
    saturday = today + timedelta(days=(5 - today.weekday()) % 7 or 7)
    kind = day_type_for(saturday)
    prices = [
        p
        for p in room.prices.filter(day_type=kind)
        if (p.valid_from is None or p.valid_from <= saturday)
        and (p.valid_until is None or saturday <= p.valid_until)
    ]
    slots = []
    for hour in range(19, 19 + hours):
        start = datetime.combine(saturday, time(hour % 24), tzinfo=zone)
        band_end = time((hour + 1) % 24)
        price = next(
            (p for p in prices if within_hours(time(hour % 24), band_end, p.starts, p.ends)),
            None,
        )
        if price is None:
            return None
        slots.append(_PreviewSlot(start=start, price=price.price_per_hour))
    total = sum((s.price for s in slots), Decimal(0))
    cap = points_cap(room, slots, now=now, check_venue=False)
    if venue.points_min_booking_amount is not None and total < venue.points_min_booking_amount:
        cap = 0
    return PointsPreview(room=room, start=slots[0].start, hours=hours, price=total, points=cap)
