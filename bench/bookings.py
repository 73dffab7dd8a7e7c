"""Booking creation via the API under gunicorn vs a one-row DRF read; a month of availability.

Run: `.venv/bin/python -m config.embedded -- .venv/bin/python -m bench.bookings`.
It works in its own database (`bronka_bench_bookings` on the same server) and its own Redis
database number, so the development data is never touched. Gunicorn serves the production
settings (DEBUG off, persistent connections) on 127.0.0.1:8103; 32 client threads with
keep-alive connections first read GET /api/v1/me/ (one row, token auth: the framework ceiling
here), then book distinct hours through POST /api/v1/bookings/ in the same run.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

DB_NAME = "bronka_bench_bookings"
ROOT = Path(__file__).resolve().parents[1]


def _environment(port: int) -> dict[str, str]:
    from config import embedded

    env = dict(os.environ)
    url = env["DATABASE_URL"]
    env.update(
        DATABASE_URL=url.replace("/bronka?", f"/{DB_NAME}?", 1),
        # A Redis of its own: the e-mail tasks the bench enqueues must not reach a dev worker.
        REDIS_URL=embedded.redis_url(ROOT / ".data" / "bench-redis"),
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="bench-only-secret-key-0000000000000000000000000000000000",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_CONN_MAX_AGE="600",
        LOG_LEVEL="WARNING",
        LOG_FORMAT="text",
        SITE_URL=f"http://127.0.0.1:{port}",
    )
    env.pop("PYTEST_CURRENT_TEST", None)
    return env


def _create_database(url: str) -> None:
    import psycopg

    # The development database's URL (never settings: they must load with the bench's URL).
    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone()
        if not exists:
            conn.execute(f"CREATE DATABASE {DB_NAME}")


def _prepare(rooms: int) -> dict:
    """Migrate and fill the bench database; return the tokens and room ids."""
    import django
    from django.core.management import call_command

    django.setup()
    from django.db import transaction
    from rest_framework.authtoken.models import Token

    from accounts.models import User
    from bookings.models import Booking
    from venues.models import City, OpeningHours, Organisation, Price, Room, Venue

    call_command("migrate", verbosity=0)
    with transaction.atomic():
        Booking.objects.all().delete()
        city, _ = City.objects.get_or_create(
            slug="moscow", defaults={"name": "Москва", "timezone": "Europe/Moscow"}
        )
        organisation, _ = Organisation.objects.get_or_create(name="Bench")
        venue = Venue.objects.filter(organisation=organisation).first() or Venue.objects.create(
            organisation=organisation,
            name="Bench venue",
            city=city,
            address="—",
            timezone="Europe/Moscow",
        )
        for weekday in range(7):
            OpeningHours.objects.get_or_create(
                venue=venue, weekday=weekday, defaults={"opens": clock(6), "closes": clock(5)}
            )
        while venue.rooms.count() < rooms:
            room = Room.objects.create(venue=venue, name=f"Room {venue.rooms.count()}", capacity=5)
            for day_type in ("weekday", "friday", "saturday", "sunday", "holiday"):
                Price.objects.create(
                    room=room,
                    day_type=day_type,
                    starts=clock(6),
                    ends=clock(5),
                    price_per_hour=Decimal("900"),
                )
        room_ids = list(venue.rooms.order_by("pk").values_list("pk", flat=True))[:rooms]
        tokens = []
        for i in range(rooms):
            user, _ = User.objects.get_or_create(email=f"bench{i}@example.com")
            tokens.append(Token.objects.get_or_create(user=user)[0].key)
    return {"rooms": room_ids, "tokens": tokens}


class Client(threading.Thread):
    """One keep-alive HTTP client sending requests until the deadline."""

    def __init__(self, port, token, make_request, start_gate, deadline):
        super().__init__(daemon=True)
        self.port, self.token = port, token
        self.make_request = make_request
        self.start_gate, self.deadline = start_gate, deadline
        self.latencies: list[float] = []
        self.statuses: dict[int, int] = {}

    def run(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Authorization": f"Token {self.token}", "Content-Type": "application/json"}
        self.start_gate.wait()
        n = 0
        while time.perf_counter() < self.deadline[0]:
            method, path, body = self.make_request(n)
            n += 1
            began = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
            except (http.client.HTTPException, OSError):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                self.statuses[0] = self.statuses.get(0, 0) + 1
                continue
            self.latencies.append(time.perf_counter() - began)
            self.statuses[response.status] = self.statuses.get(response.status, 0) + 1
        conn.close()


def _phase(port, tokens, make_request_for, seconds, clients):
    gate = threading.Barrier(clients + 1)
    deadline = [0.0]
    workers = [
        Client(port, tokens[i % len(tokens)], make_request_for(i), gate, deadline)
        for i in range(clients)
    ]
    for worker in workers:
        worker.start()
    deadline[0] = time.perf_counter() + seconds
    began = time.perf_counter()
    gate.wait()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - began
    latencies = sorted(x for w in workers for x in w.latencies)
    statuses: dict[int, int] = {}
    for worker in workers:
        for code, count in worker.statuses.items():
            statuses[code] = statuses.get(code, 0) + count
    return {
        "rate": len(latencies) / elapsed,
        "p50": statistics.median(latencies) * 1000 if latencies else 0,
        "p99": latencies[int(len(latencies) * 0.99) - 1] * 1000 if latencies else 0,
        "count": len(latencies),
        "statuses": statuses,
    }


def _wait_up(port: int, process) -> None:
    deadline = time.time() + 60
    while time.time() < deadline:
        if process.poll() is not None:
            raise SystemExit("gunicorn exited")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/api/v1/rooms/0/availability/?date=2030-01-01")
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def _availability_month(room_id: int) -> dict:
    """A month of slots of a busy room (every other hour booked), computed in-process with the
    selector the API and the slot picker use."""
    from django.utils import timezone

    from bookings import selectors
    from bookings.models import Booking
    from venues.models import Room

    room = Room.objects.select_related("venue").get(pk=room_id)
    moscow = ZoneInfo("Europe/Moscow")
    today = timezone.now().astimezone(moscow).date()
    Booking.objects.filter(room=room).delete()
    busy = []
    for day in range(31):
        opening = datetime.combine(today + timedelta(days=day), clock(6), tzinfo=moscow)
        for hour in range(0, 23, 2):
            start = opening + timedelta(hours=hour)
            busy.append(
                Booking(
                    room=room,
                    kind=Booking.Kind.BLOCK,
                    status=Booking.Status.CONFIRMED,
                    start=start,
                    end=start + timedelta(hours=1),
                    occupied_until=start + timedelta(hours=1),
                    free_cancellation_until=start,
                    cancellation_fee_percent=0,
                )
            )
    Booking.objects.bulk_create(busy)
    timings = []
    for _ in range(15):
        began = time.perf_counter()
        days = selectors.room_availability_range(room, today, today + timedelta(days=30))
        timings.append(time.perf_counter() - began)
    slots = sum(len(v) for v in days.values())
    taken = sum(1 for v in days.values() for s in v if s.status == "busy")
    return {
        "median_ms": statistics.median(timings) * 1000,
        "slots": slots,
        "busy": taken,
        "bookings": len(busy),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--port", type=int, default=8103)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=16)
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    env = _environment(args.port)
    _create_database(env["DATABASE_URL"])
    os.environ.update(env)
    data = _prepare(args.clients + 1)  # one room per client, and a busy one

    command = [
        str(ROOT / ".venv/bin/gunicorn"),
        "config.wsgi",
        "--bind",
        f"127.0.0.1:{args.port}",
        "--workers",
        str(args.workers),
        "--worker-class",
        "gthread",
        "--threads",
        str(args.threads),
        "--keep-alive",
        "30",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)  # noqa: S603
    try:
        _wait_up(args.port, server)

        def reads(i):
            return lambda n: ("GET", "/api/v1/me/", None)

        # Each client books its own room hour after hour from tomorrow: no conflicts, so every
        # request does the full work of a successful booking.
        # Open 06:00–05:00 (Moscow): 23 one-hour slots per business day.
        moscow = ZoneInfo("Europe/Moscow")
        tomorrow = datetime.now(moscow).date() + timedelta(days=1)
        first = datetime.combine(tomorrow, clock(6), tzinfo=moscow)

        def writes(i):
            room = data["rooms"][i]

            def request(n):
                day, hour = divmod(n, 23)
                start = first + timedelta(days=day, hours=hour)
                body = json.dumps(
                    {
                        "room": room,
                        "start": start.isoformat(),
                        "end": (start + timedelta(hours=1)).isoformat(),
                        "payment": "venue",
                    }
                )
                return "POST", "/api/v1/bookings/", body

            return request

        _phase(args.port, data["tokens"], reads, 3, args.clients)  # warm-up
        read = _phase(args.port, data["tokens"], reads, args.seconds, args.clients)
        write = _phase(args.port, data["tokens"], writes, args.seconds, args.clients)
        read_again = _phase(args.port, data["tokens"], reads, args.seconds, args.clients)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    month = _availability_month(data["rooms"][-1])
    read_rate = (read["rate"] + read_again["rate"]) / 2
    print(
        f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {sys.version.split()[0]}, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    )
    print(
        f"gunicorn: {args.workers} workers × {args.threads} threads (gthread), "
        f"{args.clients} clients, {args.seconds:.0f} s per phase, CONN_MAX_AGE=600"
    )
    for name, result in (
        ("GET /api/v1/me/ (before)", read),
        ("POST /api/v1/bookings/", write),
        ("GET /api/v1/me/ (after)", read_again),
    ):
        print(
            f"{name:28} {result['rate']:8.1f} req/s  p50 {result['p50']:6.1f} ms  "
            f"p99 {result['p99']:6.1f} ms  statuses {result['statuses']}"
        )
    print(f"ratio bookings/s ÷ one-row reads/s: {write['rate'] / read_rate:.2f}")
    print(
        f"availability, 31 days of a busy room ({month['bookings']} bookings, "
        f"{month['slots']} slots, {month['busy']} busy): median {month['median_ms']:.1f} ms"
    )


if __name__ == "__main__":
    main()
