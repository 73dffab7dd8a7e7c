"""The free-time search: rooms with a free run of N hours inside a window of a business day,
answered by PostgreSQL from the stored open time (`OpenDay`, docs/availability.md).

For business day D of each room (its venue's clock), the window is [D + from, D + to) (a `to`
at or before `from` is past midnight), cut by the minimum notice. Free time is the day's open
(priced) slots within the window, less what bookings occupy: a booking of [s, e) needs
[s, e + buffer) clear of every other booking's [start, occupied_until), so each occupied
interval is subtracted from its start minus the room's buffer. Holds are read live (an expired
hold is free). A run starts and ends on the slot grid and needs max(N hours, the room's minimum
booking) rounded up to whole slots; the earliest such run is the room's free window, and its
price is the sum of its slots' prices, as the booking quote sums them. These are the rules of
`bookings.schedule` (the reference, held against this by tests/bookings/test_free_time.py).
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import cast

from django.conf import settings
from django.contrib.postgres.fields import DateTimeRangeField
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BooleanField, DecimalField, F, Field, Func, QuerySet
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone

from bookings.models import Booking, OpenDay
from venues.models import Room, Venue

# The room's free runs inside the window, one row per run: `first` and `last` are slot numbers
# from the day's origin (the run is slots first .. last - 1), `slots` the slots needed.
_RUNS = f"""
  FROM {OpenDay._meta.db_table} o
  JOIN {Room._meta.db_table} r ON r.id = o.room_id
  JOIN {Venue._meta.db_table} v ON v.id = r.venue_id
  CROSS JOIN LATERAL (
      SELECT GREATEST((%(day)s::date + %(from)s::time) AT TIME ZONE v.timezone,
                      %(earliest)s::timestamptz) AS ws,
             ((%(day)s::date + (%(to)s::time <= %(from)s::time)::int) + %(to)s::time)
                 AT TIME ZONE v.timezone AS we,
             r.buffer_minutes * interval '1 minute' AS buffer,
             ceil(GREATEST(%(minutes)s::int, r.min_booking_minutes)::numeric
                  / o.slot_minutes)::int AS slots
  ) w
  CROSS JOIN LATERAL (
      SELECT ceil(date_part('epoch', lower(c) - o.origin) / 60 / o.slot_minutes)::int AS first,
             floor(date_part('epoch', upper(c) - o.origin) / 60 / o.slot_minutes)::int AS last
        FROM unnest(
                 o.open * tstzmultirange(tstzrange(LEAST(w.ws, w.we), w.we))
                 - CASE WHEN r.buffer_minutes = 0 THEN o.busy ELSE COALESCE((
                       SELECT range_agg(tstzrange(lower(x) - w.buffer, upper(x)))
                         FROM unnest(o.busy) x), '{{}}') END
                 - COALESCE((
                       SELECT range_agg(tstzrange(b.start - w.buffer, b.occupied_until))
                         FROM {Booking._meta.db_table} b
                        WHERE b.room_id = r.id AND b.status = 'hold'
                          AND b.hold_expires_at > %(now)s::timestamptz
                          AND b.start < w.we + w.buffer AND b.occupied_until > w.ws), '{{}}')
             ) c
  ) run
 WHERE o.day = %(day)s::date AND run.last - run.first >= w.slots
   AND %(day)s::date
       <= (%(now)s::timestamptz AT TIME ZONE v.timezone)::date + %(horizon)s::int
"""  # noqa: S608 - table names come from our models, values are parameters

# Whether the room of the row has such a run: probed per candidate room, so the catalogue's
# filters run once and only the candidates' open days are read.
_FOUND = "EXISTS (SELECT 1" + _RUNS + " AND o.room_id = {room})"
_EARLIEST = " AND o.room_id = {room} ORDER BY run.first LIMIT 1"
_BOUNDS = (
    "tstzrange(o.origin + run.first * o.slot_minutes * interval '1 minute', "
    "o.origin + (run.first + w.slots) * o.slot_minutes * interval '1 minute')"
)
_WINDOW = f"(SELECT {_BOUNDS}{_RUNS}{_EARLIEST})"
# The run's slots' prices (kopecks, from the origin) summed, in roubles.
_SUM = (
    "round((SELECT sum(p) FROM unnest(o.prices[run.first + 1 : run.first + w.slots]) p) / 100.0, 2)"
)
_PRICE = f"(SELECT {_SUM}{_RUNS}{_EARLIEST})"
_NAMED = re.compile(r"%\((\w+)\)s")
Value = datetime.date | datetime.time | int
Values = dict[str, Value]


def _positional(sql: str, values: Values) -> tuple[str, list[Value]]:
    """`sql` with %(name)s placeholders as %s, and the values in their order."""
    names = _NAMED.findall(sql)
    return _NAMED.sub("%s", sql), [values[name] for name in names]


class _PerRoom(Func):
    """A correlated subquery about the room of each row (`{room}` in its SQL)."""

    def __init__(self, sql: str, values: Values, *, output_field: Field) -> None:
        super().__init__(F("pk"), output_field=output_field)
        self.sql, self.values = sql, values

    def as_sql(
        self,
        compiler: SQLCompiler,
        connection: BaseDatabaseWrapper,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: object,
    ) -> tuple[str, list[str | int]]:
        room_sql, room_params = compiler.compile(self.source_expressions[0])
        assert not room_params  # a column of the row: no values of its own
        sql, params = _positional(self.sql.replace("{room}", room_sql), self.values)
        # The stubs know parameters as str | int; dates and times are adapted by psycopg too.
        return sql, cast(list[str | int], params)


def rooms_free_between(
    rooms_qs: QuerySet[Room],
    *,
    date: datetime.date,
    start_time: datetime.time,
    end_time: datetime.time,
    hours: Decimal | float | int,
    now: datetime.datetime | None = None,
) -> QuerySet[Room]:
    """The rooms of `rooms_qs` with a free run of `hours` on business day `date` between
    `start_time` and `end_time` (venue time; an end at or before the start means past
    midnight), each annotated with `free_window` (the earliest such run, a UTC range) and
    `free_price` (its price). A queryset the catalogue keeps filtering, ordering and paging:
    each candidate room is probed by an EXISTS on its open day, not sent back as a list of ids."""
    now = now or timezone.now()
    minutes = int(Decimal(str(hours)) * 60)
    if minutes <= 0:
        return rooms_qs.none()
    values: Values = {
        "day": date,
        "from": start_time,
        "to": end_time,
        "minutes": minutes,
        "earliest": now + datetime.timedelta(minutes=settings.BOOKINGS_MIN_NOTICE_MINUTES),
        "now": now,
        "horizon": settings.BOOKINGS_HORIZON_DAYS,
    }
    return (
        rooms_qs.alias(free=_PerRoom(_FOUND, values, output_field=BooleanField()))
        .filter(free=True)
        .annotate(
            free_window=_PerRoom(_WINDOW, values, output_field=DateTimeRangeField()),
            free_price=_PerRoom(
                _PRICE, values, output_field=DecimalField(max_digits=12, decimal_places=2)
            ),
        )
    )
