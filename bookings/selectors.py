"""Read operations on bookings: availability, quotes, lists, partner scoping, review summaries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_FLOOR, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from bookings.models import Booking, Review
from bookings.points import LotUse
from bookings.points import programme as points_programme
from bookings.schedule import (
    CLOSED,
    FREE,
    ScheduleData,
    Slot,
    bookable_window,
    occupied_intervals,
    with_status,
)
from core.errors import ApplicationError, Conflict, NotFound
from core.money import money
from venues.models import Room, Venue
from venues.selectors import organisations_for_user, points_cap

MAX_BOOKING = timedelta(hours=24)


def room_bookable(room_id: Any) -> Room:
    """A room the public may see (active, of a published venue), with its venue."""
    try:
        room_id = int(room_id)
    except (TypeError, ValueError):
        raise NotFound(_("Room not found.")) from None
    room = (
        Room.objects.select_related("venue", "venue__city")
        .filter(pk=room_id, is_active=True, venue__is_published=True)
        .first()
    )
    if room is None:
        raise NotFound(_("Room not found."))
    return room


# --- Availability ----------------------------------------------------------------------------


def room_day_slots(
    room: Room, day: date, *, now: datetime | None = None, exclude: int | None = None
) -> list[Slot]:
    now = now or timezone.now()
    data = ScheduleData([room], day, day)
    slots = data.day_slots(room, day)
    if not slots:
        return []
    busy = occupied_intervals(
        [room.pk],
        slots[0].start,
        slots[-1].end + timedelta(minutes=room.buffer_minutes),
        exclude=exclude,
        now=now,
    )
    return with_status(room, slots, busy.get(room.pk, []), now)


def room_availability(room: Room, day: date, *, now: datetime | None = None) -> dict:
    """`{"date", "timezone", "slots": [...]}` for the API and the slot picker."""
    zone = ZoneInfo(room.venue.timezone)
    return {
        "date": day,
        "timezone": room.venue.timezone,
        "slots": [
            {
                "start": slot.start.astimezone(zone),
                "end": slot.end.astimezone(zone),
                "status": slot.status,
                "price": slot.price,
            }
            for slot in room_day_slots(room, day, now=now)
        ],
    }


def room_availability_range(
    room: Room, first: date, last: date, *, now: datetime | None = None
) -> dict[date, list[Slot]]:
    """Slots of many business days in a constant number of queries (the month view, the bench)."""
    now = now or timezone.now()
    data = ScheduleData([room], first, last)
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    raw = {day: data.day_slots(room, day) for day in days}
    starts = [s.start for slots in raw.values() for s in slots]
    if not starts:
        return {day: [] for day in days}
    ends = [s.end for slots in raw.values() for s in slots]
    busy = occupied_intervals(
        [room.pk], min(starts), max(ends) + timedelta(minutes=room.buffer_minutes), now=now
    ).get(room.pk, [])
    return {day: with_status(room, slots, busy, now) for day, slots in raw.items()}


def rooms_free_between(
    rooms_qs: QuerySet[Room],
    *,
    date: date,
    start_time: time,
    end_time: time,
    hours: Decimal | float | int,
    now: datetime | None = None,
) -> QuerySet[Room]:
    """The rooms of `rooms_qs` with `hours` of consecutive free slots on business day `date`
    between `start_time` and `end_time` (venue time; an end at or before the start means past
    midnight). Returns a queryset so the catalogue can keep filtering and ordering it.
    """
    now = now or timezone.now()
    want = timedelta(minutes=int(Decimal(str(hours)) * 60))
    rooms = list(rooms_qs.select_related("venue").filter(is_active=True))
    if not rooms or want <= timedelta(0):
        return rooms_qs.none()
    data = ScheduleData(rooms, date, date)
    day_slots = {room.pk: data.day_slots(room, date) for room in rooms}
    all_slots = [s for slots in day_slots.values() for s in slots]
    if not all_slots:
        return rooms_qs.none()
    busy = occupied_intervals(
        [room.pk for room in rooms],
        min(s.start for s in all_slots),
        max(s.end for s in all_slots) + timedelta(hours=4),
        now=now,
    )
    matching = []
    for room in rooms:
        zone = ZoneInfo(room.venue.timezone)
        window_start = datetime.combine(date, start_time, tzinfo=zone).astimezone(UTC)
        end_day = date + timedelta(days=1) if end_time <= start_time else date
        window_end = datetime.combine(end_day, end_time, tzinfo=zone).astimezone(UTC)
        need = max(want, timedelta(minutes=room.min_booking_minutes))
        slots = with_status(room, day_slots[room.pk], busy.get(room.pk, []), now)
        run_start = run_end = None
        for slot in slots:
            inside = slot.start >= window_start and slot.end <= window_end
            if slot.status == FREE and inside:
                if run_start is None or run_end != slot.start:
                    run_start = slot.start
                run_end = slot.end
                if run_end - run_start >= need:
                    matching.append(room.pk)
                    break
            else:
                run_start = None
    return rooms_qs.filter(pk__in=matching)


# --- Quotes ----------------------------------------------------------------------------------


@dataclass
class Quote:
    room: Room
    start: datetime
    end: datetime
    slots: list[Slot]
    price: Decimal
    money_due: Decimal
    free_until: datetime
    fee_percent: int
    points_cap: int = 0
    points_usable: int = 0
    points: int = 0
    points_balance: int = 0
    cashback_points: int = 0
    cashback_available_at: datetime | None = None
    points_from: list[LotUse] = field(default_factory=list)
    extra: dict = field(default_factory=dict)

    def slots_json(self) -> list[dict]:
        return [
            {"start": s.start.isoformat(), "end": s.end.isoformat(), "price": str(s.price)}
            for s in self.slots
        ]


def _interval_error(message: str, field_name: str) -> ApplicationError:
    return ApplicationError(message, fields={field_name: [message]})


def interval_slots(
    room: Room,
    start: datetime,
    end: datetime,
    *,
    now: datetime,
    exclude_booking: int | None = None,
    check_notice: bool = True,
    check_busy: bool = True,
) -> list[Slot]:
    """The priced slots that make up [start, end), or an ApplicationError saying what is wrong.

    The checks run in the order a person fixes them: the interval itself, the notice, the slot
    grid and opening hours, the horizon and the minimum length, and last whether it is free.
    """
    start, end = _interval_valid(room, start, end)
    earliest, last_date = bookable_window(room, now)
    if check_notice and start < earliest:
        raise _interval_error(_("This time is in the past."), "start")
    slots = _slots_on_grid(start, end, _slots_covering(room, start, end))
    _length_check(room, slots, start, end, last_date=last_date if check_notice else None)
    if check_busy:
        _busy_check(room, start, end, exclude_booking=exclude_booking, now=now)
    return slots


def _interval_valid(room: Room, start: datetime, end: datetime) -> tuple[datetime, datetime]:
    """[start, end) in UTC, if it is an interval this room could take at all."""
    if timezone.is_naive(start) or timezone.is_naive(end):
        raise _interval_error(_("Give the time with its UTC offset."), "start")
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    if end <= start:
        raise _interval_error(_("The end must be after the start."), "end")
    if end - start > MAX_BOOKING:
        raise _interval_error(_("A booking can be at most 24 hours long."), "end")
    if not room.is_active or not room.venue.is_published:
        raise _interval_error(_("This room is not taking bookings."), "room")
    return start, end


def _slots_covering(room: Room, start: datetime, end: datetime) -> list[Slot]:
    """The room's slots of the business days [start, end) may fall in, all FREE or CLOSED."""
    zone = ZoneInfo(room.venue.timezone)
    first_day = start.astimezone(zone).date() - timedelta(days=1)
    last_day = end.astimezone(zone).date()
    data = ScheduleData([room], first_day, last_day)
    # Usually the start's own business day holds the whole booking; the day before (an
    # after-midnight start) and the days after (a 24-hour venue) are built only when needed.
    start_day = start.astimezone(zone).date()
    slots = data.day_slots(room, start_day)
    if not _covers(slots, start, end):
        day = first_day
        while day <= last_day:
            if day != start_day:
                slots.extend(data.day_slots(room, day))
            day += timedelta(days=1)
    return slots


def _covers(slots: list[Slot], start: datetime, end: datetime) -> bool:
    by_start = {slot.start: slot for slot in slots}
    moment = start
    while moment < end and moment in by_start:
        moment = by_start[moment].end
    return moment == end


def _slots_on_grid(start: datetime, end: datetime, all_slots: list[Slot]) -> list[Slot]:
    """The consecutive slots from `start` to `end`, or an error on the grid or opening hours."""
    by_start = {slot.start: slot for slot in all_slots}

    def off_grid(moment: datetime) -> bool:
        return any(s.start < moment < s.end for s in all_slots)

    if start not in by_start:
        if off_grid(start):
            raise _interval_error(_("The start is not on the slot grid."), "start")
        raise _interval_error(_("The start is outside the opening hours."), "start")
    slots = []
    moment = start
    while moment < end:
        slot = by_start.get(moment)
        if slot is None:
            if off_grid(end) and not any(s.end == end for s in all_slots):
                raise _interval_error(_("The end is not on the slot grid."), "end")
            raise _interval_error(_("The booking runs outside the opening hours."), "end")
        if slot.status == CLOSED:
            raise _interval_error(_("The booking runs outside the opening hours."), "end")
        slots.append(slot)
        moment = slot.end
    if moment != end:
        raise _interval_error(_("The end is not on the slot grid."), "end")
    return slots


def _length_check(
    room: Room, slots: list[Slot], start: datetime, end: datetime, *, last_date: date | None
) -> None:
    """The booking starts within the horizon (unless `last_date` is None) and is long enough."""
    if last_date is not None and slots[0].business_date > last_date:
        raise _interval_error(
            _("Bookings open at most %(days)s days ahead.")
            % {"days": settings.BOOKINGS_HORIZON_DAYS},
            "start",
        )
    if end - start < timedelta(minutes=room.min_booking_minutes):
        raise _interval_error(
            _("The minimum booking for this room is %(minutes)s minutes.")
            % {"minutes": room.min_booking_minutes},
            "end",
        )


def _busy_check(
    room: Room, start: datetime, end: datetime, *, exclude_booking: int | None, now: datetime
) -> None:
    """A 409 if another booking (or its buffer) is in the way of [start, end + buffer)."""
    busy = occupied_intervals(
        [room.pk],
        start,
        end + timedelta(minutes=room.buffer_minutes),
        exclude=exclude_booking,
        now=now,
    )
    if busy.get(room.pk):
        raise Conflict(_("This time is already taken. Please choose another slot."))


def booking_quote(
    *,
    room: Room,
    start: datetime,
    end: datetime,
    now: datetime | None = None,
    exclude_booking: int | None = None,
    check_busy: bool = True,
    user: User | None = None,
    points: Any = 0,
) -> Quote:
    """Price per slot, total, the points cap and what is usable, money due, the cashback to
    earn and the cancellation policy that would apply."""
    now = now or timezone.now()
    slots = interval_slots(
        room, start, end, now=now, exclude_booking=exclude_booking, check_busy=check_busy
    )
    price = money(sum((s.price for s in slots), Decimal(0)))
    venue = room.venue
    cap = points_cap(room, slots, now=now)
    signed_in = user is not None and user.is_authenticated
    asked = points_parse(points)
    points_quote = points_programme().quote(
        user=user if signed_in else None,
        room=room,
        start=start,
        end=end,
        price=price,
        cap=cap,
        points=asked,
        now=now,
    )
    chosen = points_check(asked, cap=cap, usable=points_quote.usable, venue=venue, now=now)
    return Quote(
        room=room,
        start=slots[0].start,
        end=slots[-1].end,
        slots=slots,
        price=price,
        money_due=money(price - chosen),
        free_until=slots[0].start - timedelta(hours=venue.cancellation_free_hours),
        fee_percent=venue.cancellation_fee_percent,
        points_cap=cap,
        points_usable=points_quote.usable,
        points=chosen,
        points_balance=points_quote.balance,
        cashback_points=points_quote.cashback,
        cashback_available_at=points_quote.cashback_available_at,
        points_from=list(points_quote.points_from),
    )


def _points_error(message: str) -> ApplicationError:
    return ApplicationError(message, fields={"points": [message]})


def points_parse(points: Any) -> int:
    """The points asked for as an int, or a 400 on `points` saying what is wrong."""
    if points is None or points == "":
        return 0
    if isinstance(points, bool):
        raise _points_error(_("Enter a whole number of points."))
    if isinstance(points, str):
        try:
            return int(points.strip())
        except ValueError:
            raise _points_error(_("Enter a whole number of points.")) from None
    if isinstance(points, float | Decimal):
        if points != int(points):
            raise _points_error(_("Enter a whole number of points."))
        return int(points)
    if not isinstance(points, int):
        raise _points_error(_("Enter a whole number of points."))
    return points


def points_check(points: int, *, cap: int, usable: int, venue: Venue, now: datetime) -> int:
    """`points` if this booking can take them, or a 400 on `points` saying why not."""
    if points < 0:
        raise _points_error(_("The number of points cannot be negative."))
    if points == 0:
        return 0
    if not venue.accepts_points_now(now):
        raise _points_error(_("This venue does not accept points."))
    if points > cap:
        raise _points_error(
            ngettext(
                "At most %(cap)s point can be used for this booking.",
                "At most %(cap)s points can be used for this booking.",
                cap,
            )
            % {"cap": cap}
        )
    if points > usable:
        raise _points_error(
            ngettext(
                "You have only %(usable)s point to use here.",
                "You have only %(usable)s points to use here.",
                usable,
            )
            % {"usable": usable}
        )
    return points


def points_kept(booking: Booking, fee: Decimal | None) -> int:
    """Points a cancellation fee keeps: the fee's share of the price, of the points paid."""
    if not booking.price or not fee:
        return 0
    return int(
        (Decimal(booking.points) * fee / booking.price).to_integral_value(rounding=ROUND_FLOOR)
    )


def points_back(booking: Booking, fee: Decimal) -> int:
    """Points cancelling with `fee` gives back (a reservation is released whole)."""
    if booking.status in (Booking.Status.HOLD, Booking.Status.REQUESTED):
        return booking.points
    return booking.points - points_kept(booking, fee)


def cancellation_fee(booking: Booking, *, now: datetime) -> Decimal:
    """What cancelling now costs under the policy snapshotted on the booking."""
    if booking.status in (Booking.Status.HOLD, Booking.Status.REQUESTED):
        return Decimal("0.00")
    if now <= booking.free_cancellation_until:
        return Decimal("0.00")
    return money(booking.price * booking.cancellation_fee_percent / 100)


# --- Lists and lookups -----------------------------------------------------------------------


def bookings_for_user(user: User) -> QuerySet[Booking]:
    return Booking.objects.filter(user=user).select_related("room", "room__venue")


def bookings_upcoming_and_past(user: User, *, now: datetime) -> tuple[list, list]:
    rows = list(bookings_for_user(user).order_by("start"))
    upcoming = [b for b in rows if b.end > now and b.status not in _FINISHED]
    past = [b for b in reversed(rows) if not (b.end > now and b.status not in _FINISHED)]
    return upcoming, past


_FINISHED = (
    Booking.Status.CANCELLED,
    Booking.Status.DECLINED,
    Booking.Status.EXPIRED,
    Booking.Status.NO_SHOW,
    Booking.Status.COMPLETED,
)


def booking_for_user(*, user: User, booking_id: Any) -> Booking:
    """The user's own booking; anyone else's does not exist for them (404)."""
    try:
        booking_id = int(booking_id)
    except (TypeError, ValueError):
        raise NotFound(_("Booking not found.")) from None
    booking = (
        bookings_for_user(user).select_related("room__venue__city").filter(pk=booking_id).first()
    )
    if booking is None:
        raise NotFound(_("Booking not found."))
    return booking


def bookings_for_member(user: User) -> QuerySet[Booking]:
    """Every booking of the rooms of the organisations the user belongs to."""
    return Booking.objects.filter(
        room__venue__organisation__in=organisations_for_user(user)
    ).select_related("room", "room__venue", "user")


def booking_for_member(*, user: User, booking_id: Any) -> Booking:
    try:
        booking_id = int(booking_id)
    except (TypeError, ValueError):
        raise NotFound(_("Not found.")) from None
    booking = bookings_for_member(user).filter(pk=booking_id).first()
    if booking is None:
        raise NotFound(_("Not found."))
    return booking


def venue_bookings(
    venue: Venue, *, first: datetime, last: datetime, room_id: int | None = None
) -> QuerySet[Booking]:
    """Bookings of a venue's rooms that touch [first, last), for the partner calendar."""
    rows = Booking.objects.filter(room__venue=venue, start__lt=last, end__gt=first)
    if room_id:
        rows = rows.filter(room_id=room_id)
    return rows.select_related("room", "room__venue", "user").order_by("start", "room__name")


def venue_requests(venue: Venue) -> QuerySet[Booking]:
    return (
        Booking.objects.filter(room__venue=venue, status=Booking.Status.REQUESTED)
        .select_related("room", "room__venue", "user")
        .order_by("start")
    )


# --- Reviews ---------------------------------------------------------------------------------


def reviews_summary(*, room: Room | None = None, venue: Venue | None = None, latest: int = 5):
    """`{"average": Decimal | None, "count": int, "latest": [Review, ...]}` of a room or venue."""
    if (room is None) == (venue is None):
        raise ValueError("Pass exactly one of room or venue")
    rows = Review.objects.filter(Q(room=room) if room else Q(room__venue=venue))
    totals = rows.aggregate(average=Avg("rating"), count=Count("id"))
    average = totals["average"]
    return {
        "average": Decimal(str(average)).quantize(Decimal("0.1")) if average is not None else None,
        "count": totals["count"],
        "latest": list(rows.select_related("user", "room").order_by("-created_at", "-id")[:latest]),
    }
