"""Spending cost vs the number of a client's live lots: booking with points for a client with 1 lot
and for one with 2,000 lots of the same total, in interleaved rounds.

    python -m config.embedded -- python -m bench lots [--lots 2000 --rounds 5 --bookings 40]

In-process, through the booking service (`bookings.services.booking_create`, what the API and
the checkout call): each booking is one hour of the client's own room at a venue that accepts
points, paying POINTS points. Each run makes its own clients and rooms in the scratch database
`<db>_bench_lots` (the 2,000 lots are credited through the ledger, one `points_credit` each, with
expiries spread over a year), so it can run twice in a row. Goal: the 2,000-lot client's median
time per booking within 1.2× of the 1-lot client's. Also shown: the SQL statements of one
booking of each, and the ledger audit.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import timedelta
from typing import TYPE_CHECKING

from bench import harness, points_venue, scratch

if TYPE_CHECKING:  # Django's models load only once the bench has set Django up
    from accounts.models import User
    from venues.models import Room

LOT = 500  # points in each of the many lots; a booking takes one lot, now and then two


class Client:
    """A client of the bench: its user, its own room and the next hour it books there."""

    def __init__(self, name: str, user: User, room: Room) -> None:
        self.name, self.user, self.room = name, user, room
        self.booked = 0
        self.first = points_venue.first_hour()

    def book(self, points: int) -> None:
        from bookings import services

        start, end = points_venue.hour(self.first, self.booked)
        booking = services.booking_create(
            user=self.user,
            room=self.room,
            start=start,
            end=end,
            payment="venue",
            points=points,
        )
        if booking.points != points:
            raise SystemExit(f"{self.name}: a booking took {booking.points} points, not {points}")
        self.booked += 1


def _prepare(run: str, lots: int) -> tuple[Client, Client]:
    """This run's two clients with the same balance, one lot and `lots` lots, and their rooms."""
    from django.utils import timezone

    from accounts.models import User
    from loyalty import services

    now = timezone.now()
    rooms = points_venue.rooms(run, 2)
    users = [User.objects.create_user(f"lots-{run}-{n}@bench.example") for n in (1, lots)]

    def credit(user: User, amount: int, days: float, key: str) -> None:
        services.points_credit(
            services.Movement(
                user=user,
                amount=amount,
                lifetime=timedelta(days=days),
                kind="bonus",
                reason="Bench",
                idempotency_key=f"bench:lots:{run}:{user.pk}:{key}",
                now=now,
            )
        )

    credit(users[0], LOT * lots, 365, "one")
    for i in range(lots):  # soonest first: the spending takes these one after the other
        credit(users[1], LOT, 30 + 335 * i / lots, str(i))
    return Client("1 lot", users[0], rooms[0]), Client(f"{lots} lots", users[1], rooms[1])


def _statements(client: Client, points: int) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.book(points)
    return len(queries.captured_queries)


def _live_lots(client: Client) -> int:
    from django.utils import timezone

    from loyalty.models import Lot

    live = Lot.objects.filter(wallet__user=client.user, remaining__gt=0)
    return live.filter(expires_at__gt=timezone.now()).count()


def _balance(client: Client) -> int:
    from loyalty.models import Account

    return Account.objects.get(user=client.user, kind="wallet").balance


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench lots", description=__doc__)
    parser.add_argument("--lots", type=int, default=2000, help="lots of the many-lot client")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--bookings", type=int, default=40, help="per client and round")
    parser.add_argument("--warmup", type=int, default=5, help="bookings per client first")
    parser.add_argument("--points", type=int, default=50, help="points paid per booking")
    args = parser.parse_args(argv)
    if args.rounds < 3:
        parser.error("--rounds must be at least 3")
    # The bookings' tasks go to a Redis of the bench's own, as in production (after commit).
    redis_url, redis_server = scratch.redis_server("lots")
    try:
        name = scratch.open_database("lots", DJANGO_DEBUG="false", REDIS_URL=redis_url)
        started = time.perf_counter()
        one, many = _prepare(f"{int(time.time())}", args.lots)
        print(
            f"lots bench on {name}: clients with 1 lot and {_live_lots(many)} live lots, "
            f"{_balance(one)} points each, filled in {time.perf_counter() - started:.0f} s · "
            f"{harness.load()}",
            flush=True,
        )
        _run(args, one, many)
    finally:
        redis_server.terminate()
        redis_server.wait(timeout=30)
    harness.finish()


def _run(args: argparse.Namespace, one: Client, many: Client) -> None:
    from loyalty.selectors import ledger_audit

    balances = {c.name: _balance(c) for c in (one, many)}
    for client in (one, many):
        for _ in range(args.warmup):
            client.book(args.points)
    statements = {c.name: _statements(c, args.points) for c in (one, many)}
    times: dict[str, list[float]] = {one.name: [], many.name: []}
    for number in range(args.rounds):
        # Who goes first alternates, so neither side always books on a warmer cache.
        for client in (one, many) if number % 2 == 0 else (many, one):
            started = time.perf_counter()
            for _ in range(args.bookings):
                client.book(args.points)
            times[client.name].append((time.perf_counter() - started) / args.bookings)
    timing = {name: harness.Timing(tuple(values)) for name, values in times.items()}
    for client in (one, many):
        print(
            f"  {client.name}: {timing[client.name].describe()} per booking, "
            f"{statements[client.name]} SQL statements a booking, {_live_lots(client)} live lots "
            f"left"
        )
    ratios = [m / o for m, o in zip(times[many.name], times[one.name], strict=True)]
    harness.check(
        f"lots: booking with points, {many.name} ÷ 1 lot",
        goal="≤ 1.2",
        figure=(
            f"median {statistics.median(ratios):.2f}, max {max(ratios):.2f} "
            f"({len(ratios)} interleaved rounds of {args.bookings} bookings each; "
            f"{timing[many.name].median_ms:.1f} vs {timing[one.name].median_ms:.1f} ms median)"
        ),
        passed=statistics.median(ratios) <= 1.2,
    )
    made = 1 + args.warmup + args.rounds * args.bookings
    spent = {c.name: balances[c.name] - _balance(c) for c in (one, many)}
    harness.check(
        "lots: points really spent",
        goal=f"{args.points} × {made} bookings = {args.points * made} each",
        figure=", ".join(f"{name}: {points}" for name, points in spent.items()),
        passed=all(points == args.points * made for points in spent.values()),
    )
    report = ledger_audit()
    harness.check(
        "lots: ledger audit",
        goal="0 violations",
        figure=f"{len(report.violations)} violations",
        passed=not report.violations,
    )
