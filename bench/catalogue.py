"""Catalogue search at scale: 5,000 venues / 20,000 rooms, first page timed through the test client.

Run: `make bench BENCH=catalogue` (or `python -m bench catalogue [--runs N] [--refill]`). It works
in its own scratch database (`<db>_bench_catalogue` on the same server), filled once and kept for
the next run (`--refill` starts over), so the development data is never touched.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import time as clock
from decimal import Decimal

from bench import harness

BUDGET_MS = 100  # the first page of any search
VENUES = 5_000
ROOMS_PER_VENUE = 4
CITIES = [
    ("moscow", "Москва", "Europe/Moscow"),
    ("spb", "Санкт-Петербург", "Europe/Moscow"),
    ("ekb", "Екатеринбург", "Asia/Yekaterinburg"),
    ("nsk", "Новосибирск", "Asia/Novosibirsk"),
    ("kzn", "Казань", "Europe/Moscow"),
    ("nnov", "Нижний Новгород", "Europe/Moscow"),
    ("krd", "Краснодар", "Europe/Moscow"),
    ("vlad", "Владивосток", "Asia/Vladivostok"),
]
KINDS = ["rehearsal", "rehearsal", "recording", "photo", "dance", "event"]
GEAR = ["Marshall JCM800", "Fender Twin", "Pearl Export", "Yamaha C3", "Neumann U87", "Profoto D2"]
SEARCHES = [
    ("first page, no filters", {}),
    ("city", {"city": "moscow"}),
    ("city + type + capacity", {"city": "moscow", "kind": "rehearsal", "capacity": "4"}),
    ("city + type + max price", {"city": "spb", "kind": "rehearsal", "max_price": "800"}),
    ("equipment word", {"city": "moscow", "equipment": "marshall"}),
    ("all filters, by name", {"city": "moscow", "kind": "rehearsal", "capacity": "2",
                              "equipment": "fender", "max_price": "1500", "ordering": "name"}),
    ("page 50, dearest first", {"ordering": "-price", "page": "50"}),
]  # fmt: skip


def _setup(refill: bool) -> None:
    from bench import scratch

    # The test-suite settings: DEBUG off, templates cached, no HTTPS redirect for the test client.
    scratch.open_database("catalogue", refill=refill, PYTEST_CURRENT_TEST="bench.catalogue")


def _price(room, day_type, starts, ends, amount):
    from venues.models import Price

    return Price(room=room, day_type=day_type, starts=starts, ends=ends, price_per_hour=amount)


def _fill() -> None:
    from django.db import connection, transaction

    from venues.models import PUBLIC_VENUE, City, OpeningHours, Organisation, Price, Room, Venue

    if Venue.objects.public().count() >= VENUES:
        return
    started = time.perf_counter()
    with transaction.atomic():
        cities = [
            City.objects.get_or_create(slug=s, defaults={"name": n, "timezone": tz})[0]
            for s, n, tz in CITIES
        ]
        organisations = Organisation.objects.bulk_create(
            Organisation(name=f"Партнёр {n}") for n in range(VENUES // 5)
        )
        venues = Venue.objects.bulk_create(
            Venue(
                organisation=organisations[n % len(organisations)],
                name=f"Площадка {n:05}",
                city=cities[(n * 7) % len(cities)] if n % 3 else cities[0],
                address=f"ул. Тестовая, {n}",
                metro=f"Станция {n % 97}",
                timezone=cities[(n * 7) % len(cities)].timezone,
                **PUBLIC_VENUE,
            )
            for n in range(VENUES)
        )
        OpeningHours.objects.bulk_create(
            (
                OpeningHours(venue=v, weekday=d, opens=clock(10), closes=clock(2))
                for v in venues
                for d in range(7)
            ),
            batch_size=5000,
        )
        rooms = []
        for v_index, venue in enumerate(venues):
            for r in range(ROOMS_PER_VENUE):
                n = v_index * ROOMS_PER_VENUE + r
                rooms.append(
                    Room(
                        venue=venue,
                        name=f"Зал {r + 1}",
                        kind=KINDS[n % len(KINDS)],
                        capacity=2 + n % 12,
                        equipment=[GEAR[n % len(GEAR)], GEAR[(n * 5 + 1) % len(GEAR)]],
                        price_from=Decimal(400 + (n * 37) % 2600),
                    )
                )
        rooms = Room.objects.bulk_create(rooms, batch_size=5000)
        prices = []
        for room in rooms:
            day = room.price_from
            evening, weekend = day * Decimal("1.4"), day * Decimal("1.5")
            for day_type in ("weekday", "friday"):
                prices.append(_price(room, day_type, clock(10), clock(17), day))
                prices.append(_price(room, day_type, clock(17), clock(2), evening))
            for day_type in ("saturday", "sunday", "holiday"):
                prices.append(_price(room, day_type, clock(10), clock(2), weekend))
        Price.objects.bulk_create(prices, batch_size=10000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"filled {VENUES} venues, {len(rooms)} rooms, {len(prices)} prices "
          f"in {time.perf_counter() - started:.1f} s")  # fmt: skip


def _time(client, params: dict, runs: int) -> tuple[harness.Timing, int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def search() -> None:
        response = client.get("/", params)
        assert response.status_code == 200, response.status_code

    timing = harness.measure(search, rounds=runs, warmup=1)  # warm: templates, query plans
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/", params)
    return timing, len(queries), response.context["page"].paginator.count


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench catalogue", description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--refill", action="store_true", help="drop and refill the bench data")
    args = parser.parse_args(argv)
    _setup(args.refill)
    _fill()
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()  # so the test client records the template context
    client = Client()
    from venues.models import Room, Venue

    print(f"catalogue search: {Venue.objects.count()} venues, {Room.objects.count()} rooms; "
          f"{args.runs} runs each; server time through the test client")  # fmt: skip
    for name, params in SEARCHES:
        timing, queries, found = _time(client, params, args.runs)
        harness.check(
            f"catalogue · {name}",
            goal=f"< {BUDGET_MS} ms",
            figure=f"{timing.describe()}, {queries} queries, {found} rooms",
            passed=timing.median_ms < BUDGET_MS and found > 0,  # an empty page proves nothing
        )
    harness.finish()


if __name__ == "__main__":
    main(sys.argv[1:])
