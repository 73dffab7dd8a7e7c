"""Free-time search at scale: "free on Saturday 18:00-22:00 for 4 hours" over 20,000 rooms.

Run: `make bench BENCH=search` (or `python -m bench search [--rooms N] [--runs N] [--refill]
[--rebuild]`). Its scratch database (`<db>_bench_search`) holds the catalogue bench's venues and
rooms (bench/catalogue.py fills it: 8 cities, a third of the venues in Moscow, open 10:00-02:00),
their stored open days, and blocks on 30 % of next Saturday's slots. It is kept between runs
(`--refill` starts over). Each search is the home page or the rooms API through Django's test
client (server time: queries and rendering), every status asserted. The daily extension job and
a full rebuild of the open days are timed and printed too (no goal).
"""

from __future__ import annotations

import argparse
import datetime
import sys
import time

from bench import catalogue, harness

CITY_MS = 150  # one city (Moscow: 8,332 of 20,000 rooms)
ANY_CITY_MS = 300


def _saturday() -> datetime.date:
    from django.utils import timezone

    today = timezone.localdate()
    return today + datetime.timedelta(days=(5 - today.weekday()) % 7 or 7)


def _open_days(rebuild: bool) -> None:
    """Store every room's open days (the first run, or --rebuild), timed."""
    from django.utils import timezone

    from bookings import services
    from bookings.models import OpenDay

    if OpenDay.objects.exists() and not rebuild:
        return
    started = time.perf_counter()
    written = services.open_time_rebuild(now=timezone.now())
    print(
        f"info  search · full rebuild of the open days: {time.perf_counter() - started:.1f} s, "
        f"{written} rows · {harness.load()}",
        flush=True,
    )


def _book_saturday(day: datetime.date) -> int:
    """Blocks on 30 % of the day's slots, in one statement (the triggers keep `busy`); the
    bench's earlier blocks go first, so a second run finds the same day."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM bookings_booking WHERE note = 'bench.search'")
        cursor.execute(
            """
            INSERT INTO bookings_booking (
                kind, status, start, "end", occupied_until, price, money_due, slots, payment,
                free_cancellation_until, cancellation_fee_percent, cancellation_fee,
                client_name, client_phone, note, created_at, updated_at, room_id, points,
                points_cap)
            SELECT 'block', 'confirmed', s, s + step, s + step, 0, 0, '[]', 'venue', s, 0, 0,
                   '', '', 'bench.search', now(), now(), o.room_id, 0, 0
              FROM bookings_openday o,
                   LATERAL (SELECT o.slot_minutes * interval '1 minute' AS step) g,
                   generate_series(0, array_length(o.prices, 1) - 1) k,
                   LATERAL (SELECT o.origin + k * g.step AS s) x
             WHERE o.day = %s AND abs(hashint4(o.room_id::int * 31 + k)) %% 10 < 3
            """,
            [day],
        )
        booked = cursor.rowcount
        cursor.execute("ANALYZE bookings_booking")
        cursor.execute("ANALYZE bookings_openday")
    return booked


def _extension() -> None:
    """The daily job as it runs at night: the day entering the horizon, for every room."""
    from django.utils import timezone

    from bookings import services
    from bookings.models import OpenDay

    last = OpenDay.objects.order_by("-day").values_list("day", flat=True).first()
    OpenDay.objects.filter(day=last).delete()
    started = time.perf_counter()
    dropped, written = services.open_time_extend(now=timezone.now())
    print(
        f"info  search · daily extension job: {time.perf_counter() - started:.1f} s, "
        f"{written} rows written, {dropped} dropped · {harness.load()}",
        flush=True,
    )


def _search(client, path: str, params: dict, runs: int) -> tuple[harness.Timing, int]:
    def request() -> None:
        response = client.get(path, params)
        assert response.status_code == 200, (response.status_code, response.content[:300])

    timing = harness.measure(request, rounds=runs, warmup=1)
    response = client.get(path, params)
    found = response.context["page"].paginator.count if path == "/" else response.json()["count"]
    return timing, found


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench search", description=__doc__)
    parser.add_argument("--rooms", type=int, default=catalogue.VENUES * catalogue.ROOMS_PER_VENUE)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--refill", action="store_true", help="drop and refill the bench data")
    parser.add_argument("--rebuild", action="store_true", help="time a full rebuild again")
    args = parser.parse_args(argv)
    from bench import scratch

    # The test-suite settings: DEBUG off, templates cached, no HTTPS redirect for the test client.
    scratch.open_database("search", refill=args.refill, PYTEST_CURRENT_TEST="bench.search")
    catalogue.VENUES = args.rooms // catalogue.ROOMS_PER_VENUE  # the catalogue's fill, smaller
    catalogue._fill()
    _open_days(args.rebuild)
    day = _saturday()
    booked = _book_saturday(day)
    _extension()
    from django.test import Client
    from django.test.utils import setup_test_environment

    from venues.models import Room

    setup_test_environment()  # so the test client records the template context
    client = Client()
    free = {"free_date": day.isoformat(), "free_from": "18:00", "free_to": "22:00"}
    free["free_hours"] = "4"
    print(
        f"free-time search: {Room.objects.count()} rooms, {booked} blocks on {day} "
        f"(30 % of its slots); {args.runs} rounds each; server time through the test client",
        flush=True,
    )
    for name, path, params, goal in [
        ("page, Moscow", "/", {"city": "moscow", **free}, CITY_MS),
        ("page, every city", "/", free, ANY_CITY_MS),
        ("API, Moscow", "/api/v1/rooms/", {"city": "moscow", **free}, CITY_MS),
        ("API, every city", "/api/v1/rooms/", free, ANY_CITY_MS),
    ]:
        timing, found = _search(client, path, params, args.runs)
        harness.check(
            f"search · free Saturday 18-22 for 4 h · {name}",
            goal=f"< {goal} ms",
            figure=f"{timing.describe()}, {found} rooms found",
            passed=timing.median_ms < goal and found > 0,  # an empty page proves nothing
        )
    harness.finish()


if __name__ == "__main__":
    main(sys.argv[1:])
