"""Quotes: the slots that make up an interval, their price, the points cap and what the client
can use, money due and the cancellation policy that would apply."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from bookings.points import LotUse, PointsQuote
from bookings.points import programme as points_programme
from bookings.schedule import CLOSED, ScheduleData, Slot, bookable_window, occupied_intervals
from core.errors import ApplicationError, Conflict
from core.money import money
from venues.models import Room, Venue
from venues.selectors import points_cap

MAX_BOOKING = timedelta(hours=24)


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

    def slots_json(self) -> list[dict[str, str]]:
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
    return _interval(
        room,
        start,
        end,
        now=now,
        exclude_booking=exclude_booking,
        check_notice=check_notice,
        check_busy=check_busy,
    )[0]


def _interval(
    room: Room,
    start: datetime,
    end: datetime,
    *,
    now: datetime,
    exclude_booking: int | None,
    check_notice: bool,
    check_busy: bool,
) -> tuple[list[Slot], ScheduleData]:
    """`interval_slots`, and the schedule data it read (the quote's cap takes its rules)."""
    start, end = _interval_valid(room, start, end)
    earliest, last_date = bookable_window(room, now)
    if check_notice and start < earliest:
        raise _interval_error(_("This time is in the past."), "start")
    covering, data = _slots_covering(room, start, end)
    slots = _slots_on_grid(start, end, covering)
    _length_check(room, slots, start, end, last_date=last_date if check_notice else None)
    if check_busy:
        _busy_check(room, start, end, exclude_booking=exclude_booking, now=now)
    return slots, data


def _interval_valid(room: Room, start: datetime, end: datetime) -> tuple[datetime, datetime]:
    """[start, end) in UTC, if it is an interval this room could take at all."""
    if timezone.is_naive(start) or timezone.is_naive(end):
        raise _interval_error(_("Give the time with its UTC offset."), "start")
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    if end <= start:
        raise _interval_error(_("The end must be after the start."), "end")
    if end - start > MAX_BOOKING:
        raise _interval_error(_("A booking can be at most 24 hours long."), "end")
    if not room.is_active or not room.venue.is_public:
        raise _interval_error(_("This room is not taking bookings."), "room")
    return start, end


def _slots_covering(room: Room, start: datetime, end: datetime) -> tuple[list[Slot], ScheduleData]:
    """The room's slots of the business days [start, end) may fall in, all FREE or CLOSED,
    and the schedule data they were built from."""
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
    return slots, data


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
    points: int = 0,
    preview: bool = True,
) -> Quote:
    """Price per slot, total, the points cap and what is usable, money due, the cashback to
    earn and the cancellation policy that would apply, paying `points` (whole points, parsed by
    the caller's form or serializer; this checks them against the cap, balance and venue).

    `preview=False` is the quote a booking is made from: it leaves out what only the client
    looks at (balance, cashback, which lots) and checks `points` against the cap alone; the
    balance is checked once, under the wallet's lock, when the points are taken."""
    now = now or timezone.now()
    slots, data = _interval(
        room,
        start,
        end,
        now=now,
        exclude_booking=exclude_booking,
        check_notice=True,
        check_busy=check_busy,
    )
    # interval_slots returns priced slots only: a slot without a price is closed.
    price = money(sum((s.price for s in slots if s.price is not None), Decimal(0)))
    venue = room.venue
    cap = points_cap(room, slots, now=now, rules=data.room_points_rules(room))
    if preview:
        points_quote = points_programme().quote(
            user=user,
            room=room,
            start=start,
            end=end,
            price=price,
            cap=cap,
            points=points,
            now=now,
        )
    else:
        points_quote = PointsQuote(usable=min(cap, int(price)))
    chosen = points_check(points, cap=cap, usable=points_quote.usable, venue=venue, now=now)
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
