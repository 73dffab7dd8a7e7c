"""Month availability of a busy room: one `GET /api/v1/rooms/<id>/availability/?from=&to=`.

Run: `make bench BENCH=availability` (or `python -m bench availability [--days 31 --per-day 12
--rounds 15]`). Its own scratch database (`<db>_bench_availability`), kept between runs: the
bench venue is rebuilt at each run (a few hundred rows), so two runs in a row measure the same.

The room is open 09:00–03:00 every day (18 hourly slots, past midnight) with day and evening
prices for each day type, a dated December price, holidays, a closed day and a short day; each
day holds `--per-day` bookings and blocks (confirmed, requested, holds, some expired, phone
bookings, maintenance blocks). The request goes through Django's whole stack in-process (the
test client: middleware, DRF, the JSON renderer) with the production switches (DEBUG off).
"""

from __future__ import annotations

import argparse
import json
from datetime import date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bench import harness, scratch

if TYPE_CHECKING:
    from django.db.backends.utils import CursorWrapper

ZONE = ZoneInfo("Europe/Moscow")
OPENS, CLOSES = clock(9), clock(3)  # past midnight: 18 hourly slots
# The hours of a day that are taken, in order of preference (venue time, 24+ = after midnight).
TAKEN_HOURS = [19, 20, 21, 18, 22, 12, 13, 15, 16, 10, 23, 24, 25, 11, 14, 17, 9, 26]


def _fill(first: date, days: int, per_day: int) -> int:
    """(Re)build the bench venue with one busy room over `days` from `first`; the room's id."""
    from django.db import transaction

    from accounts.models import User
    from bookings.models import Booking
    from venues.models import (
        City,
        Holiday,
        OpeningHours,
        Organisation,
        Price,
        Room,
        ScheduleException,
        Venue,
    )

    with transaction.atomic():
        Booking.objects.filter(room__venue__name="Availability bench").delete()
        Venue.objects.filter(name="Availability bench").delete()
        city, _created = City.objects.get_or_create(
            slug="moscow", defaults={"name": "Москва", "timezone": "Europe/Moscow"}
        )
        organisation, _created = Organisation.objects.get_or_create(name="Availability bench")
        venue = Venue.objects.create(
            organisation=organisation,
            name="Availability bench",
            city=city,
            address="ул. Тверская, 1",
            timezone="Europe/Moscow",
            moderation="approved",
        )
        OpeningHours.objects.bulk_create(
            OpeningHours(venue=venue, weekday=weekday, opens=OPENS, closes=CLOSES)
            for weekday in range(7)
        )
        room = Room.objects.create(
            venue=venue, name="Busy room", kind="rehearsal", capacity=6, slot_minutes=60
        )
        prices = []
        for day_type in ("weekday", "friday", "saturday", "sunday", "holiday"):
            dearer = Decimal("300") if day_type in ("friday", "saturday", "holiday") else 0
            prices += [
                Price(room=room, day_type=day_type, starts=OPENS, ends=clock(17),
                      price_per_hour=Decimal("700") + dearer),
                Price(room=room, day_type=day_type, starts=clock(17), ends=CLOSES,
                      price_per_hour=Decimal("1100") + dearer),
            ]  # fmt: skip
        # A season: weekday evenings cost more over the benched month.
        prices.append(
            Price(room=room, day_type="weekday", starts=clock(17), ends=CLOSES,
                  price_per_hour=Decimal("1250"), valid_from=first,
                  valid_until=first + timedelta(days=days))
        )  # fmt: skip
        Price.objects.bulk_create(prices)
        for offset in (5, 6):
            day = first + timedelta(days=offset)
            Holiday.objects.get_or_create(date=day, defaults={"name": "Bench holiday"})
        ScheduleException.objects.bulk_create(
            [
                ScheduleException(venue=venue, date=first + timedelta(days=9), is_closed=True),
                ScheduleException(venue=venue, date=first + timedelta(days=12), is_closed=False,
                                  opens=clock(12), closes=clock(20)),
            ]
        )  # fmt: skip
        user, _created = User.objects.get_or_create(email="availability-bench@example.com")
        kinds = [
            ("client", "confirmed"), ("manual", "confirmed"), ("client", "requested"),
            ("block", "confirmed"), ("client", "hold"), ("client", "confirmed"),
        ]  # fmt: skip
        now = datetime.now(tz=ZONE)
        bookings = []
        for offset in range(-1, days + 1):
            day = first + timedelta(days=offset)
            for n, hour in enumerate(TAKEN_HOURS[:per_day]):
                start = datetime.combine(day, OPENS, tzinfo=ZONE) + timedelta(hours=hour - 9)
                kind, status = kinds[(offset + n) % len(kinds)]
                bookings.append(
                    Booking(
                        room=room,
                        user=user if kind == "client" else None,
                        kind=kind,
                        status=status,
                        start=start,
                        end=start + timedelta(hours=1),
                        occupied_until=start + timedelta(hours=1),
                        price=Decimal("1100"),
                        money_due=Decimal("1100"),
                        # Every other hold has run out of time: the slot shows free.
                        hold_expires_at=now + timedelta(minutes=15 if n % 2 else -1)
                        if status == "hold"
                        else None,
                        free_cancellation_until=start - timedelta(hours=24),
                        cancellation_fee_percent=50,
                        client_name="Телефонный клиент" if kind == "manual" else "",
                        note="Ремонт" if kind == "block" else "",
                    )
                )
        Booking.objects.bulk_create(bookings)
    return room.pk


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench availability", description=__doc__)
    parser.add_argument("--days", type=int, default=31, help="days asked for in one request")
    parser.add_argument("--per-day", type=int, default=12, help="bookings and blocks a day")
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args(argv)
    scratch.open_database(
        "availability",
        DJANGO_DEBUG="false",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_ALLOWED_HOSTS="testserver",
        LOG_LEVEL="WARNING",
    )
    from django.db import connection
    from django.http import HttpResponse
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from bookings import selectors
    from venues.models import Room

    first = timezone.now().astimezone(ZONE).date()  # the room page asks from today
    last = first + timedelta(days=args.days - 1)
    room_id = _fill(first, args.days, args.per_day)
    client = Client()
    url = f"/api/v1/rooms/{room_id}/availability/?from={first}&to={last}"
    answers: list[HttpResponse] = []

    def request() -> None:
        response = client.get(url)
        assert response.status_code == 200, (response.status_code, response.content[:300])
        answers.append(response)

    with CaptureQueriesContext(connection) as captured:
        request()
    # (copied: the next request's request_started resets the connection's query log)
    queries = [query["sql"] for query in captured.captured_queries]
    body = json.loads(answers[-1].content)
    slots = [slot for day in body["days"] for slot in day["slots"]]
    busy = sum(1 for slot in slots if slot["status"] == "busy")
    print(
        f"      {len(body['days'])} days, {len(slots)} slots ({busy} busy), "
        f"{len(answers[-1].content):,} bytes of JSON, {len(queries)} SQL statements"
    )
    harness.check(
        "availability: SQL statements of a 31-day GET",
        goal="3 (room, schedule, bookings), as for one day",
        figure=str(len(queries)),
        passed=len(queries) == 3,
    )
    harness.check(
        "availability: every day asked for is answered, busy slots among them",
        goal=f"{args.days} days, busy > 0",
        figure=f"{len(body['days'])} days, {busy} busy",
        passed=len(body["days"]) == args.days and busy > 0,
    )
    timing = harness.measure(request, rounds=args.rounds, warmup=1)
    harness.check_time(
        f"availability: {args.days} days of a busy room, one GET", timing, below_ms=30
    )
    # Where the time goes: the same request with the slot engine alone and with the queries.
    room = Room.objects.select_related("venue").get(pk=room_id)
    engine = harness.measure(
        lambda: selectors.room_availability_between(room, first, last),
        rounds=args.rounds,
        warmup=1,
    )
    with connection.cursor() as cursor:
        sql = harness.measure(lambda: _queries_alone(cursor, queries), rounds=args.rounds)
    print(
        f"      of which the selector (3 queries and the slots): {engine.describe()}; "
        f"the 3 queries alone: {sql.describe()} · {harness.load()}"
    )
    harness.finish()


def _queries_alone(cursor: CursorWrapper, queries: list[str]) -> None:
    for sql in queries:
        cursor.execute(sql)
        cursor.fetchall()
