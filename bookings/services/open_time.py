"""Keeping `OpenDay` rows (each room's priced slots per business day) in step with the schedule.

The rows are derived from opening hours, exceptions, holidays, prices and the room's slot step by
one set-based statement that lays slots out exactly as `bookings.schedule.ScheduleData.day_slots`
does: from the opening in absolute time, a slot priced by the band its start falls in on the
business day's day type (a dated price wins over an open-ended one, then the newer band), a slot
without a band closed. The services that change those inputs call `open_time_refresh` in their
own transaction through `venues.extensions.SCHEDULE_CHANGED`, which this app fills; the daily
job `open_time_extend` adds the day entering the booking horizon and drops the past;
`open_time_rebuild` rewrites everything. Each row's `busy` starts from the bookings here and is
kept by the bookings triggers afterwards (migration 0005).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from bookings.models import Booking, OpenDay
from venues.models import Holiday, OpeningHours, Price, Room, ScheduleException, Venue

# What `busy` holds: the active bookings but holds (an expired hold is free before the expiry
# job runs, so the search reads holds live). The triggers of migration 0005 say the same.
BUSY_STATUSES = [status.value for status in Booking.ACTIVE if status != Booking.Status.HOLD]

# Days kept before today and after the horizon: a venue's today may be the server's yesterday
# or tomorrow (Russia spans UTC+2 to UTC+12), and yesterday's business day runs past midnight.
MARGIN_DAYS = 1

_FILL = f"""
WITH days AS (
    SELECT d::date AS day FROM generate_series(%(first)s::date, %(last)s::date, '1 day') d
), rooms AS (
    SELECT r.id, r.venue_id, r.slot_minutes, v.timezone
      FROM {Room._meta.db_table} r JOIN {Venue._meta.db_table} v ON v.id = r.venue_id
     WHERE %(all)s OR r.id = ANY(%(rooms)s)
), hours AS (
    -- An exception replaces the weekly hours of its date (closed: no hours at all).
    SELECT rm.id AS room_id, rm.slot_minutes, rm.timezone, d.day,
           COALESCE(x.opens, h.opens) AS opens, COALESCE(x.closes, h.closes) AS closes,
           CASE WHEN hd.id IS NOT NULL THEN 'holiday'
                WHEN EXTRACT(ISODOW FROM d.day) = 5 THEN 'friday'
                WHEN EXTRACT(ISODOW FROM d.day) = 6 THEN 'saturday'
                WHEN EXTRACT(ISODOW FROM d.day) = 7 THEN 'sunday'
                ELSE 'weekday' END AS day_type
      FROM rooms rm CROSS JOIN days d
      LEFT JOIN {ScheduleException._meta.db_table} x
             ON x.venue_id = rm.venue_id AND x.date = d.day
      LEFT JOIN {OpeningHours._meta.db_table} h
             ON h.venue_id = rm.venue_id AND h.weekday = EXTRACT(ISODOW FROM d.day) - 1
      LEFT JOIN {Holiday._meta.db_table} hd ON hd.date = d.day
     WHERE CASE WHEN x.id IS NULL THEN h.id IS NOT NULL ELSE NOT x.is_closed END
), bounds AS (
    -- Closing at or before the opening runs past midnight; local times become instants.
    SELECT room_id, slot_minutes, timezone, day, day_type,
           (day + opens) AT TIME ZONE timezone AS first,
           ((day + (closes <= opens)::int) + closes) AT TIME ZONE timezone AS last
      FROM hours
), slots AS MATERIALIZED (
    SELECT b.room_id, b.day, b.day_type, b.slot_minutes, b.first, k, st.start,
           ((l.local::date - b.day) * 1440 + date_part('hour', l.local) * 60
            + date_part('minute', l.local))::int AS minute
      FROM bounds b,
           generate_series(
               0, (date_part('epoch', b.last - b.first) / 60 / b.slot_minutes)::int - 1
           ) k,
           LATERAL (SELECT b.first + k * b.slot_minutes * interval '1 minute' AS start) st,
           LATERAL (SELECT st.start AT TIME ZONE b.timezone AS local) l
     WHERE st.start + b.slot_minutes * interval '1 minute' <= b.last
), bands AS MATERIALIZED (
    -- A band past midnight (ends <= starts) runs to the next day's clock.
    SELECT p.id, p.room_id, p.day_type, p.valid_from, p.valid_until, p.price_per_hour, m.lo,
           m.hi + 1440 * (m.hi <= m.lo)::int AS hi
      FROM {Price._meta.db_table} p,
           LATERAL (SELECT (date_part('epoch', p.starts) / 60)::int AS lo,
                           (date_part('epoch', p.ends) / 60)::int AS hi) m
     WHERE p.room_id IN (SELECT id FROM rooms)
), priced AS (
    -- The band the slot's start falls in (also a band written 00:00-06:00 for the part of a
    -- late opening after midnight); a dated price wins over an open-ended one, then the newer.
    SELECT DISTINCT ON (s.room_id, s.day, s.k)
           s.room_id, s.day, s.first, s.slot_minutes, s.k, s.start, p.price_per_hour
      FROM slots s
      LEFT JOIN bands p
        ON p.room_id = s.room_id AND p.day_type = s.day_type
       AND (p.valid_from IS NULL OR p.valid_from <= s.day)
       AND (p.valid_until IS NULL OR s.day <= p.valid_until)
       AND ((p.lo <= s.minute AND s.minute < p.hi)
            OR (p.lo <= s.minute - 1440 AND s.minute - 1440 < p.hi))
     ORDER BY s.room_id, s.day, s.k, p.valid_from DESC NULLS LAST, p.id DESC
)
INSERT INTO {OpenDay._meta.db_table} (room_id, day, origin, slot_minutes, open, prices, busy)
SELECT g.*, COALESCE((
           SELECT range_agg(tstzrange(b.start, b.occupied_until))
             FROM {Booking._meta.db_table} b
            WHERE b.room_id = g.room_id AND b.status = ANY(%(busy)s)
              AND b.start < upper(g.open) + interval '4 hours' AND b.occupied_until > lower(g.open)
       ), '{{}}')
  FROM (
      SELECT room_id, day, first, slot_minutes,
             range_agg(tstzrange(start, start + slot_minutes * interval '1 minute'))
                 FILTER (WHERE price_per_hour IS NOT NULL) AS open,
             array_agg(round(price_per_hour * slot_minutes / 60, 2) * 100 ORDER BY k)::int[]
        FROM priced
       GROUP BY room_id, day, first, slot_minutes
      HAVING count(price_per_hour) > 0
  ) g
"""  # noqa: S608 - table names come from our models, values are parameters

_CLEAR = f"""
DELETE FROM {OpenDay._meta.db_table}
 WHERE day BETWEEN %(first)s AND %(last)s AND (%(all)s OR room_id = ANY(%(rooms)s))
"""  # noqa: S608 - as above


def open_time_span(now: datetime.datetime | None = None) -> tuple[datetime.date, datetime.date]:
    """The business days kept: from yesterday to the last bookable day, with a day's margin."""
    today = timezone.localdate(now or timezone.now())
    return (
        today - datetime.timedelta(days=MARGIN_DAYS),
        today + datetime.timedelta(days=settings.BOOKINGS_HORIZON_DAYS + MARGIN_DAYS),
    )


def _rewrite(*, room_ids: list[int] | None, first: datetime.date, last: datetime.date) -> int:
    values: dict[str, datetime.date | bool | list[int] | list[str]] = {
        "first": first,
        "last": last,
        "all": room_ids is None,
        "rooms": room_ids or [],
        "busy": BUSY_STATUSES,
    }
    with transaction.atomic(), connection.cursor() as cursor:
        # The planner's row guesses for generate_series are far off; compiling would cost more
        # than the statement.
        cursor.execute("SET LOCAL jit = off")
        cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute(_CLEAR, values)
        cursor.execute(_FILL, values)
        return cursor.rowcount


def open_time_refresh(
    *,
    room_ids: Iterable[int] | None = None,
    venue_id: int | None = None,
    days: Iterable[datetime.date] | None = None,
    now: datetime.datetime | None = None,
) -> int:
    """Rewrite the open days of some rooms (those of `venue_id`, or `room_ids`; neither: all),
    on `days` or over the whole span, in the caller's transaction. Returns the rows written."""
    first, last = open_time_span(now)
    ids: list[int] | None = None
    if venue_id is not None:
        ids = list(Room.objects.filter(venue_id=venue_id).values_list("pk", flat=True))
    elif room_ids is not None:
        ids = list(room_ids)
    if ids == []:
        return 0
    if days is None:
        return _rewrite(room_ids=ids, first=first, last=last)
    written = 0
    for day in sorted({d for d in days if first <= d <= last}):
        written += _rewrite(room_ids=ids, first=day, last=day)
    return written


def open_time_extend(*, now: datetime.datetime) -> tuple[int, int]:
    """The daily job: forget days before the span, write the days of the span that no room has
    yet (the new last day). Idempotent. Returns (rows dropped, rows written)."""
    first, last = open_time_span(now)
    with transaction.atomic():
        dropped, _by_model = OpenDay.objects.filter(day__lt=first).delete()
        known = OpenDay.objects.filter(day__gte=first).order_by("-day").first()
        day = first if known is None else known.day + datetime.timedelta(days=1)
        written = 0
        while day <= last:
            written += _rewrite(room_ids=None, first=day, last=day)
            day += datetime.timedelta(days=1)
    return dropped, written


def open_time_rebuild(*, now: datetime.datetime) -> int:
    """Rewrite every room's open days over the span (after a deploy, or to heal by hand)."""
    first, last = open_time_span(now)
    written = 0
    with transaction.atomic():
        OpenDay.objects.all().delete()
        # Day by day: one statement for the whole span would sort ~30 million slots at once.
        day = first
        while day <= last:
            written += _rewrite(room_ids=None, first=day, last=day)
            day += datetime.timedelta(days=1)
    return written
