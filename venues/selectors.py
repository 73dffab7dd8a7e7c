"""Read operations on venues, starting with the tenancy rule every partner lookup goes through.

Tenancy fails closed (STYLE.md rule 6): an object of an organisation the user is not a member of
does not exist for them (404); a member whose role may not do something gets 403.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from django.db.models import CharField, F, Func, Min, Prefetch, Q, QuerySet, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import NotFound, PermissionDenied
from venues.extensions import SEARCH
from venues.models import (
    EVERYONE,
    SCHEDULE_FRESH_DAYS,
    City,
    Holiday,
    Membership,
    OpeningHours,
    Organisation,
    Photo,
    PointsRule,
    Price,
    Room,
    ScheduleException,
    Venue,
)

Role = Membership.Role


def organisations_for_user(user: User) -> QuerySet[Organisation]:
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__user=user)


def membership_role(*, user: User, organisation_id: int) -> str | None:
    if not user.is_authenticated:
        return None
    return (
        Membership.objects.filter(user=user, organisation_id=organisation_id)
        .values_list("role", flat=True)
        .first()
    )


def _check_role(*, user: User, organisation_id: int, roles: Iterable[str]) -> None:
    role = membership_role(user=user, organisation_id=organisation_id)
    if role is None:
        raise NotFound(_("Not found."))
    if role not in roles:
        raise PermissionDenied(_("Your role in this organisation does not allow this."))


def organisation_for_member(
    *, user: User, organisation_id: int, roles: Iterable[str] = EVERYONE
) -> Organisation:
    organisation = organisations_for_user(user).filter(pk=organisation_id).first()
    if organisation is None:
        raise NotFound(_("Not found."))
    _check_role(user=user, organisation_id=organisation.pk, roles=roles)
    return organisation


def venues_for_member(user: User) -> QuerySet[Venue]:
    """All venues of all organisations the user belongs to."""
    return Venue.objects.filter(organisation__in=organisations_for_user(user))


def venue_for_member(*, user: User, venue_id: int, roles: Iterable[str] = EVERYONE) -> Venue:
    """The venue if the user is a member of its organisation with one of `roles`."""
    venue = (
        venues_for_member(user).select_related("organisation", "city").filter(pk=venue_id).first()
    )
    if venue is None:
        raise NotFound(_("Not found."))
    _check_role(user=user, organisation_id=venue.organisation_id, roles=roles)
    return venue


def room_for_member(*, user: User, room_id: int, roles: Iterable[str] = EVERYONE) -> Room:
    """The room if the user is a member of its venue's organisation with one of `roles`."""
    room = (
        Room.objects.filter(venue__organisation__in=organisations_for_user(user))
        .select_related("venue", "venue__organisation", "venue__city")
        .filter(pk=room_id)
        .first()
    )
    if room is None:
        raise NotFound(_("Not found."))
    _check_role(user=user, organisation_id=room.venue.organisation_id, roles=roles)
    return room


# --- the public catalogue -------------------------------------------------------------------------

ORDERINGS = {
    "price": ("price_from", "venue__name", "name", "pk"),
    "-price": ("-price_from", "venue__name", "name", "pk"),
    # Cards are headed by the room's name, so "by name" is by the room's name.
    "name": ("name", "venue__name", "pk"),
    "-name": ("-name", "-venue__name", "-pk"),
}


@dataclass(frozen=True)
class CatalogueFilters:
    """What a visitor searches by; every field is optional."""

    city: str | None = None  # a City slug
    kind: str | None = None
    capacity: int | None = None  # at least this many people
    equipment: str | None = None  # a word any equipment item contains, case-insensitively
    max_price: Decimal | None = None  # the "from" price per hour is at most this
    accepts_points: bool = False  # only venues where points can be spent now
    ordering: str = "price"
    # Values of the search extensions' fields, by extension name (venues/extensions.py).
    extensions: dict = field(default_factory=dict)


class _ArrayToString(Func):
    function = "array_to_string"
    output_field = CharField()


def _public_photos() -> Prefetch:
    return Prefetch(
        "photos", queryset=Photo.objects.order_by("position", "id"), to_attr="photo_list"
    )


def rooms_public() -> QuerySet[Room]:
    """Rooms a visitor may see: active, priced, of a published venue."""
    return Room.objects.filter(is_active=True, venue__is_published=True, price_from__isnull=False)


def room_search(filters: CatalogueFilters) -> QuerySet[Room]:
    """The catalogue: matching rooms with venue, city and photos, in a fixed number of queries."""
    rooms = rooms_public().select_related("venue", "venue__city")
    if filters.city:
        rooms = rooms.filter(venue__city__slug=filters.city)
    if filters.kind:
        rooms = rooms.filter(kind=filters.kind)
    if filters.capacity:
        rooms = rooms.filter(capacity__gte=filters.capacity)
    if filters.equipment:
        rooms = rooms.alias(equipment_text=_ArrayToString(F("equipment"), Value(" | "))).filter(
            equipment_text__icontains=filters.equipment.strip()
        )
    if filters.max_price is not None:
        rooms = rooms.filter(price_from__lte=filters.max_price)
    for extension in SEARCH:
        values = filters.extensions.get(extension.name)
        if values:
            rooms = extension.apply(rooms, values)
    if filters.accepts_points:
        rooms = rooms.filter(
            venue__accepts_points=True,
            venue__schedule_confirmed_at__gte=timezone.now() - timedelta(days=SCHEDULE_FRESH_DAYS),
        )
    ordering = ORDERINGS.get(filters.ordering, ORDERINGS["price"])
    return rooms.order_by(*ordering).prefetch_related(
        _public_photos(),
        Prefetch(
            "venue__photos",
            queryset=Photo.objects.filter(room__isnull=True).order_by("position", "id"),
            to_attr="photo_list",
        ),
    )


def venue_search(filters: CatalogueFilters) -> QuerySet[Venue]:
    """Published venues with at least one room matching the filters, with their lowest price."""
    matching = room_search(CatalogueFilters(**{**filters.__dict__, "ordering": "name"}))
    venues = (
        Venue.objects.filter(is_published=True, pk__in=matching.values("venue_id"))
        .select_related("city")
        .annotate(
            price_from=Min(
                "rooms__price_from",
                filter=Q(rooms__is_active=True, rooms__price_from__isnull=False),
            )
        )
    )
    by_name = filters.ordering in ("name", "-name")
    if by_name:
        venues = venues.order_by(
            *(("-name", "-pk") if filters.ordering == "-name" else ("name", "pk"))
        )
    else:
        direction = "-" if filters.ordering == "-price" else ""
        venues = venues.order_by(f"{direction}price_from", "name", "pk")
    return venues.prefetch_related(
        Prefetch(
            "photos",
            queryset=Photo.objects.filter(room__isnull=True).order_by("position", "id"),
            to_attr="photo_list",
        )
    )


def venue_public(*, venue_id: int) -> Venue:
    """A published venue with its public rooms, hours and photos."""
    venue = (
        Venue.objects.filter(is_published=True, pk=venue_id)
        .select_related("city", "organisation")
        .prefetch_related(
            Prefetch(
                "rooms",
                queryset=rooms_public().order_by("name").prefetch_related(_public_photos()),
                to_attr="public_rooms",
            ),
            "opening_hours",
            Prefetch(
                "photos",
                queryset=Photo.objects.filter(room__isnull=True).order_by("position", "id"),
                to_attr="photo_list",
            ),
        )
        .first()
    )
    if venue is None:
        raise NotFound(_("Not found."))
    return venue


def room_public(*, room_id: int) -> Room:
    """A public room with its venue, photos, prices and the venue's hours."""
    room = (
        rooms_public()
        .filter(pk=room_id)
        .select_related("venue", "venue__city")
        .prefetch_related(
            _public_photos(),
            Prefetch("prices", queryset=Price.objects.order_by("day_type", "starts", "valid_from")),
            "venue__opening_hours",
        )
        .first()
    )
    if room is None:
        raise NotFound(_("Not found."))
    return room


def venue_today(venue: Venue, *, now: datetime | None = None) -> date:
    """Today's date where the venue is."""
    return timezone.localdate(now or timezone.now(), timezone=zoneinfo.ZoneInfo(venue.timezone))


# Monday = 0 … Sunday = 6 → the price table's day type (DESIGN §3: weekday / Friday / weekend).
WEEKDAY_DAY_TYPES = ("weekday", "weekday", "weekday", "weekday", "friday", "saturday", "sunday")


def day_type_for(day: date) -> str:
    """The price table's day type of a date: a holiday of the staff calendar beats the weekday."""
    if Holiday.objects.filter(date=day).exists():
        return Price.DayType.HOLIDAY
    return WEEKDAY_DAY_TYPES[day.weekday()]


def upcoming_exceptions(*, venue: Venue, today: date) -> QuerySet[ScheduleException]:
    return ScheduleException.objects.filter(venue=venue, date__gte=today).order_by("date")[:10]


def cities() -> QuerySet[City]:
    return City.objects.order_by("name")


@dataclass(frozen=True)
class PriceRow:
    """One line of a room's price table: a band and its price on each day type."""

    starts: time
    ends: time
    valid_from: date | None
    valid_until: date | None
    cells: dict[str, Price]


def price_table(prices: Iterable[Price]) -> list[PriceRow]:
    """Group a room's prices into rows by band and validity, columns by day type."""
    rows: dict[tuple, dict[str, Price]] = {}
    for price in prices:
        key = (price.starts, price.ends, price.valid_from, price.valid_until)
        rows.setdefault(key, {})[price.day_type] = price
    return [
        PriceRow(starts=k[0], ends=k[1], valid_from=k[2], valid_until=k[3], cells=v)
        for k, v in sorted(
            rows.items(),
            # By start (a business day starts at 06:00), then end, then validity.
            key=lambda item: (
                (item[0][0].hour - 6) % 24,
                item[0][0].minute,
                (item[0][1].hour - 6) % 24 or 24,
                item[0][1].minute,
                item[0][2] or date.min,
            ),
        )
    ]


def weekly_hours(venue: Venue) -> list[tuple[int, str, OpeningHours | None]]:
    """Seven rows Monday→Sunday: (weekday, its name, its hours or None when closed)."""
    hours = {h.weekday: h for h in venue.opening_hours.all()}
    return [(day, label, hours.get(day)) for day, label in OpeningHours.Weekday.choices]


def price_for_member(*, user: User, price_id: int, roles: Iterable[str] = EVERYONE) -> Price:
    """The price if the user is a member of its room's venue's organisation with one of `roles`."""
    price = (
        Price.objects.filter(room__venue__organisation__in=organisations_for_user(user))
        .select_related("room", "room__venue")
        .filter(pk=price_id)
        .first()
    )
    if price is None:
        raise NotFound(_("Not found."))
    _check_role(user=user, organisation_id=price.room.venue.organisation_id, roles=roles)
    return price


# Which weekdays (Monday = 0) each day type of the price table stands for.
DAY_TYPE_WEEKDAYS: dict[str, tuple[int, ...]] = {
    Price.DayType.WEEKDAY: (0, 1, 2, 3),
    Price.DayType.FRIDAY: (4,),
    Price.DayType.SATURDAY: (5,),
    Price.DayType.SUNDAY: (6,),
    Price.DayType.HOLIDAY: (0, 1, 2, 3, 4, 5, 6),
}
MINUTES_PER_DAY = 24 * 60


def _span(opens: time, closes: time) -> tuple[int, int]:
    """Minutes from the business day's midnight; a closing at or before opening is next day."""
    start, end = opens.hour * 60 + opens.minute, closes.hour * 60 + closes.minute
    if end <= start:
        end += MINUTES_PER_DAY
    return start, end


def within_hours(starts: time, ends: time, opens: time, closes: time) -> bool:
    """Does the band lie within one business day's hours (both may run past midnight)?"""
    open_start, open_end = _span(opens, closes)
    start, end = _span(starts, ends)
    if start < open_start:  # a band after midnight belongs to the end of the business day
        start, end = start + MINUTES_PER_DAY, end + MINUTES_PER_DAY
    return open_start <= start and end <= open_end


def prices_outside_hours(venue: Venue) -> list[Price]:
    """The venue's price bands that lie within no opening hours of their day type's weekdays.

    They are never deleted automatically: the dashboard and the API point them out after the
    hours change, so the team can fix or remove them.
    """
    hours = {h.weekday: h for h in OpeningHours.objects.filter(venue=venue)}
    outside = []
    prices = Price.objects.filter(room__venue=venue).select_related("room")
    for price in prices.order_by("room__name", "day_type", "starts"):
        open_days = [hours[d] for d in DAY_TYPE_WEEKDAYS[price.day_type] if d in hours]
        if not any(within_hours(price.starts, price.ends, h.opens, h.closes) for h in open_days):
            outside.append(price)
    return outside


# --- points: the share of a booking payable by points ----------------------------------------


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


def points_shares(room: Room) -> PointsShares:
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


def points_cap(room: Room, slots: Iterable[Any], *, now: datetime, check_venue: bool = True) -> int:
    """The most points a booking of these slots (each with `.start` and `.price`) may take.

    Slot by slot: the slot's price × the share in force at its start, summed, rounded down.
    Zero when the venue does not accept points now or the price is below its minimum.
    """
    venue = room.venue
    slots = list(slots)
    if not slots or (check_venue and not venue.accepts_points_now(now)):
        return 0
    total = sum((Decimal(s.price) for s in slots), Decimal(0))
    if venue.points_min_booking_amount is not None and total < venue.points_min_booking_amount:
        return 0
    zone = zoneinfo.ZoneInfo(venue.timezone)
    shares = points_shares(room)
    cap = Decimal(0)
    for slot in slots:
        local = slot.start.astimezone(zone).replace(tzinfo=None)
        cap += Decimal(slot.price) * shares.share(local) / 100
    return int(cap.to_integral_value(rounding=ROUND_FLOOR))


def points_rules_for_venue(venue: Venue) -> QuerySet[PointsRule]:
    return (
        PointsRule.objects.filter(venue=venue)
        .select_related("room")
        .order_by("room__name", "-created_at", "-pk")
    )


def points_rule_for_member(
    *, user: User, venue_id: int, rule_id: Any, roles: Iterable[str] = EVERYONE
) -> PointsRule:
    venue = venue_for_member(user=user, venue_id=venue_id, roles=roles)
    rule = PointsRule.objects.filter(venue=venue, pk=rule_id).select_related("room").first()
    if rule is None:
        raise NotFound(_("Not found."))
    return rule


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
