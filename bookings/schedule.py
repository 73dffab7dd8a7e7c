"""The slot engine: a room's slots of a business day, their prices and whether they are free.

A business day D is the venue's opening on date D in the venue's time zone; an opening that
closes at or before it opens runs past midnight, so a 01:00 slot after a 10:00–02:00 Monday
belongs to Monday. A ScheduleException on D replaces D's weekly hours. Slots are laid out from
the opening in absolute time (UTC), so a DST change makes the night an hour shorter or longer
and never produces overlapping or missing instants.

A slot takes the price of the band its start falls in, on the business day's day type (holiday,
then Friday / Saturday / Sunday / Monday–Thursday), among the prices valid on D; a slot with
no band is closed. Price of a slot = price per hour × slot minutes / 60.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _

from bookings.models import Booking
from core.errors import ApplicationError
from core.money import money
from venues.models import Holiday, OpeningHours, PointsRule, Price, Room, ScheduleException

FREE, BUSY, CLOSED = "free", "busy", "closed"
DAY = 24 * 60


@dataclass(frozen=True)
class Slot:
    start: datetime  # UTC
    end: datetime  # UTC
    business_date: date
    price: Decimal | None
    status: str = FREE


def day_type(day: date, holidays: set[date]) -> str:
    if day in holidays:
        return Price.DayType.HOLIDAY
    return {4: Price.DayType.FRIDAY, 5: Price.DayType.SATURDAY, 6: Price.DayType.SUNDAY}.get(
        day.weekday(), Price.DayType.WEEKDAY
    )


def _minutes(value: time) -> int:
    return value.hour * 60 + value.minute


def _band_matches(price: SimpleNamespace, minute: int) -> bool:
    starts, ends = _minutes(price.starts), _minutes(price.ends)
    if ends <= starts:
        ends += DAY
    # A band written as 00:00–06:00 also covers the after-midnight part of a late opening.
    return starts <= minute < ends or starts <= minute - DAY < ends


class ScheduleData:
    """Everything the engine needs for some rooms over some dates, loaded in one query.

    This runs on every availability page and every booking, so the five small tables (hours,
    exceptions, holidays, prices, and the points rules a quote's cap needs) are read in a single
    round trip (UNION ALL of typed columns) instead of five ORM queries.
    """

    def __init__(self, rooms: Iterable[Room], first: date, last: date) -> None:
        self.rooms = {room.pk: room for room in rooms}
        venue_ids = sorted({room.venue_id for room in self.rooms.values()})
        room_ids = sorted(self.rooms)
        self.hours: dict[int, dict[int, SimpleNamespace]] = defaultdict(dict)
        self.exceptions: dict[tuple[int, date], SimpleNamespace] = {}
        self.holidays: set[date] = set()
        self.prices: dict[int, list[SimpleNamespace]] = defaultdict(list)
        self._prices_by_minute: dict[tuple[int, tuple[int, ...]], dict[int, Decimal | None]] = {}
        self.points_rules: dict[int, list[PointsRule]] = defaultdict(list)
        sql = f"""
            SELECT 'h', venue_id, weekday, opens, closes, NULL::date, NULL::date,
                   NULL::numeric, NULL::boolean, NULL::text, id, NULL::timestamptz
              FROM {OpeningHours._meta.db_table} WHERE venue_id = ANY(%s)
            UNION ALL
            SELECT 'x', venue_id, NULL, opens, closes, date, NULL, NULL, is_closed, NULL, id, NULL
              FROM {ScheduleException._meta.db_table}
             WHERE venue_id = ANY(%s) AND date BETWEEN %s AND %s
            UNION ALL
            SELECT 'd', NULL, NULL, NULL, NULL, date, NULL, NULL, NULL, NULL, id, NULL
              FROM {Holiday._meta.db_table} WHERE date BETWEEN %s AND %s
            UNION ALL
            SELECT 'p', room_id, NULL, starts, ends, valid_from, valid_until, price_per_hour,
                   NULL, day_type, id, NULL
              FROM {Price._meta.db_table} WHERE room_id = ANY(%s)
            UNION ALL
            SELECT 'r', venue_id, room_id, time_from, time_to, date_from, date_to, percent,
                   NULL, array_to_string(weekdays, ','), id, created_at
              FROM {PointsRule._meta.db_table}
             WHERE venue_id = ANY(%s) AND (room_id IS NULL OR room_id = ANY(%s))
            ORDER BY 11
        """  # noqa: S608 - table names come from our models, values are parameters
        with connection.cursor() as cursor:
            cursor.execute(
                sql, [venue_ids, venue_ids, first, last, first, last, room_ids, venue_ids, room_ids]
            )
            rows = cursor.fetchall()
        for row in rows:
            kind, owner, weekday, opens, closes, day, until, amount, closed, day_kind, pk, at = row
            if kind == "r":  # a points rule: weekday holds its room (None: the whole venue)
                self.points_rules[owner].append(
                    PointsRule(
                        pk=pk,
                        venue_id=owner,
                        room_id=weekday,
                        date_from=day,
                        date_to=until,
                        weekdays=[int(d) for d in day_kind.split(",") if d],
                        time_from=opens,
                        time_to=closes,
                        percent=int(amount),
                        created_at=at,
                    )
                )
            elif kind == "h":
                self.hours[owner][weekday] = SimpleNamespace(opens=opens, closes=closes)
            elif kind == "x":
                self.exceptions[(owner, day)] = SimpleNamespace(
                    is_closed=closed, opens=opens, closes=closes
                )
            elif kind == "d":
                self.holidays.add(day)
            else:
                self.prices[owner].append(
                    SimpleNamespace(
                        pk=pk,
                        day_type=day_kind,
                        starts=opens,
                        ends=closes,
                        valid_from=day,
                        valid_until=until,
                        price_per_hour=amount,
                    )
                )

    def room_points_rules(self, room: Room) -> list[PointsRule]:
        """The points rules of the room and of its venue, newest first (for the points cap)."""
        rules = [r for r in self.points_rules[room.venue_id] if r.room_id in (None, room.pk)]
        return sorted(rules, key=lambda r: (r.created_at, r.pk), reverse=True)

    def opening(self, room: Room, day: date) -> tuple[time, time] | None:
        exception = self.exceptions.get((room.venue_id, day))
        if exception is not None:
            return None if exception.is_closed else (exception.opens, exception.closes)
        row = self.hours[room.venue_id].get(day.weekday())
        return (row.opens, row.closes) if row else None

    def day_prices(self, room: Room, day: date) -> list[SimpleNamespace]:
        """The room's prices that apply on business day `day` (its day type, valid then)."""
        kind = day_type(day, self.holidays)
        return [
            p
            for p in self.prices[room.pk]
            if p.day_type == kind
            and (p.valid_from is None or p.valid_from <= day)
            and (p.valid_until is None or day <= p.valid_until)
        ]

    def price_for(
        self, room: Room, day: date, minute: int, candidates: list | None = None
    ) -> Decimal | None:
        if candidates is None:
            candidates = self.day_prices(room, day)
        matching = [p for p in candidates if _band_matches(p, minute)]
        if not matching:
            return None
        # A dated price (a season, a promotion) wins over the open-ended one.
        best = max(matching, key=lambda p: (p.valid_from or date.min, p.pk))
        return money(best.price_per_hour * room.slot_minutes / 60)

    def day_slots(self, room: Room, day: date) -> list[Slot]:
        """The slots of business day `day`, priced, all FREE (busy and closed come later)."""
        hours = self.opening(room, day)
        if hours is None:
            return []
        opens, closes = hours
        zone = ZoneInfo(room.venue.timezone)
        close_day = day + timedelta(days=1) if closes <= opens else day
        first = datetime.combine(day, opens, tzinfo=zone).astimezone(UTC)
        last = datetime.combine(close_day, closes, tzinfo=zone).astimezone(UTC)
        step = timedelta(minutes=room.slot_minutes)
        candidates = self.day_prices(room, day)
        # Days with the same prices in force price a minute of the day alike: a month of
        # slots looks up each band once, not once per slot.
        prices = self._prices_by_minute.setdefault((room.pk, tuple(p.pk for p in candidates)), {})
        slots = []
        start = first
        while start + step <= last:
            local = start.astimezone(zone)
            minute = (local.date() - day).days * DAY + local.hour * 60 + local.minute
            if minute not in prices:
                prices[minute] = self.price_for(room, day, minute, candidates)
            price = prices[minute]
            slots.append(
                Slot(start, start + step, day, price, FREE if price is not None else CLOSED)
            )
            start += step
        return slots


def bookable_window(room: Room, now: datetime) -> tuple[datetime, date]:
    """The earliest bookable start and the last bookable business date for `now`."""
    zone = ZoneInfo(room.venue.timezone)
    earliest = now + timedelta(minutes=settings.BOOKINGS_MIN_NOTICE_MINUTES)
    last_date = now.astimezone(zone).date() + timedelta(days=settings.BOOKINGS_HORIZON_DAYS)
    return earliest, last_date


def check_horizon(room: Room, day: date, now: datetime, field: str = "date") -> None:
    """Refuse a day after the last bookable date: nothing there can be shown or booked."""
    if day > bookable_window(room, now)[1]:
        message = _("Bookings open at most %(days)s days ahead.") % {
            "days": settings.BOOKINGS_HORIZON_DAYS
        }
        raise ApplicationError(message, fields={field: [message]})


def occupied_intervals(
    room_ids: Iterable[int],
    start: datetime,
    end: datetime,
    *,
    exclude: int | None = None,
    now: datetime | None = None,
) -> dict[int, list[tuple[datetime, datetime]]]:
    """Active bookings and blocks of the rooms that touch [start, end), as (start, occupied).

    With `now`, a hold whose payment time is over counts as free even before the expiry job
    has run (booking it expires the stale hold first)."""
    conditions: list[str] = []
    params: list[datetime | int | str] = []
    if now is not None:
        conditions.append(
            "NOT (status = %s AND hold_expires_at IS NOT NULL AND hold_expires_at <= %s)"
        )
        params += [Booking.Status.HOLD, now]
    if exclude is not None:
        conditions.append("id <> %s")
        params.append(exclude)
    # The times are read as UTC wall clock (`timestamp`) and given their zone here: Django's
    # loader of `timestamptz` values is pure Python, ~8 µs a value, which was most of a busy
    # month's availability (two values a booking); a `timestamp` is loaded in C.
    sql = f"""
        SELECT room_id, start AT TIME ZONE 'UTC', occupied_until AT TIME ZONE 'UTC'
          FROM {Booking._meta.db_table}
         WHERE room_id = ANY(%s) AND status = ANY(%s) AND start < %s AND occupied_until > %s
               {"".join(" AND " + condition for condition in conditions)}
    """  # noqa: S608 - the table name comes from our model, values are parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [list(room_ids), [*Booking.ACTIVE], end, start, *params])
        rows = cursor.fetchall()
    result: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    for room_id, b_start, b_until in rows:
        result[room_id].append((b_start.replace(tzinfo=UTC), b_until.replace(tzinfo=UTC)))
    return result


def with_status(
    room: Room,
    slots: list[Slot],
    busy: list[tuple[datetime, datetime]],
    now: datetime,
) -> list[Slot]:
    """Mark slots busy (taken, buffer included) or closed (unpriced, past, beyond the horizon)."""
    earliest, last_date = bookable_window(room, now)
    buffer = timedelta(minutes=room.buffer_minutes)
    # A room's occupied intervals never overlap (the exclusion constraint), so sorted by start
    # they are sorted by end too: the one that could touch a slot is found by bisection.
    busy = sorted(busy)
    untils = [b_until for _b_start, b_until in busy]
    result = []
    for slot in slots:
        status = slot.status
        if status == FREE and (slot.start < earliest or slot.business_date > last_date):
            status = CLOSED
        # A booking of this slot would keep the room until end + buffer: it must not touch
        # anything already there.
        if status == FREE:
            i = bisect_right(untils, slot.start)
            if i < len(busy) and busy[i][0] < slot.end + buffer:
                status = BUSY
        result.append(
            Slot(slot.start, slot.end, slot.business_date, slot.price, status)
            if status != slot.status
            else slot
        )
    return result
