"""Booking with points through HTTP ÷ a one-row read on the same gunicorn, and ÷ pgbench's booking
transaction, in interleaved rounds; the SQL statements of one booking request.

    python -m config.embedded -- python -m bench bookings [--seconds 5 --rounds 5 --clients 32]

Gunicorn serves the production settings (DEBUG off, persistent connections) with
`config/gunicorn.py` (2 workers × 16 threads) on 127.0.0.1:PORT, on the scratch database
`<db>_bench_bookings` and a Redis server of its own (`scratch.redis_server`), so no
development worker ever sees the bench's tasks. Each run makes its own rooms and clients (a
run id), so it can run twice in a row: the venue accepts points (schedule confirmed today, up to
10 % of the price); each client has a room of its own and 1,000,000 points credited through the
ledger, and books the next free hour of its room with POINTS points.

Rounds, after a warm-up: GET /api/v1/me/ (one row, token auth), then POST /api/v1/bookings/
(token auth, Idempotency-Key, points), then pgbench running `pgbench_booking.sql` with the same
number of clients; every answer's status is checked (200 / 201: anything else FAILs). At the
end: `loyalty_audit` must find no violation, and the clients' balances must have gone down by
exactly POINTS × the bookings made.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import io
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from bench import harness, pgbench, points_venue, scratch

ROOT = Path(__file__).resolve().parents[1]
BALANCE = 1_000_000  # points credited to each client of a run
IN_PROCESS = 12  # bookings made through the test client before the HTTP rounds


def _environment(port: int, redis_url: str) -> dict[str, str]:
    """The production switches, for this process and gunicorn's."""
    return {
        "REDIS_URL": redis_url,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "bench-only-secret-key-" + "0" * 40,
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_CONN_MAX_AGE": "600",
        "LOG_LEVEL": "WARNING",
        "LOG_FORMAT": "text",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "BRONKA_PORT": str(port),
    }


@dataclass(frozen=True)
class Seat:
    """One client of the bench: its token, its own room, and the hours it books there."""

    name: str
    user_id: int
    token: str
    room_id: int
    first: datetime  # the run's first hour

    def booking(self, n: int, points: int) -> str:
        """The JSON body of this client's n-th booking: the n-th hour of its room."""
        start, end = points_venue.hour(self.first, n)
        return json.dumps(
            {
                "room": self.room_id,
                "start": start.isoformat(),
                "end": end.isoformat(),
                "payment": "venue",
                "points": points,
            }
        )


def _prepare(run: str, seats: int, balance: int) -> list[Seat]:
    """This run's rooms and clients, each client with `balance` points."""
    from django.db import transaction
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from accounts.models import User
    from loyalty import services

    first = points_venue.first_hour()
    result = []
    for i, room in enumerate(points_venue.rooms(run, seats)):
        with transaction.atomic():
            user = User.objects.create_user(f"bench-{run}-{i}@bench.example")
            token = Token.objects.create(user=user).key
        services.points_credit(
            services.Movement(
                user=user,
                amount=balance,
                lifetime=timedelta(days=365),
                kind="bonus",
                reason="Bench",
                idempotency_key=f"bench:bookings:{run}:{user.pk}",
                now=timezone.now(),
            )
        )
        result.append(Seat(user.email, user.pk, token, room.pk, first))
    return result


def _in_process(seat: Seat, points: int, requests: int) -> tuple[int, float, float]:
    """Make `requests` bookings through Django's test client in this process, one at a time:
    (SQL statements of the last request as Django logs them, BEGIN and COMMIT included;
    wall-clock ms and Python CPU ms per request, the first request left out)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(SERVER_NAME="localhost", HTTP_AUTHORIZATION=f"Token {seat.token}")

    def book(n: int) -> None:
        response = client.post(
            "/api/v1/bookings/",
            seat.booking(n, points),
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=f"in-process-{n}",
        )
        if response.status_code != 201:
            answer = response.content.decode(errors="replace")
            raise SystemExit(f"in-process booking: {response.status_code} {answer}")

    book(0)  # warm-up: connection, caches
    wall, cpu = time.perf_counter(), time.process_time()
    for n in range(1, requests - 1):
        book(n)
    timed = max(1, requests - 2)
    wall_ms = (time.perf_counter() - wall) / timed * 1000
    cpu_ms = (time.process_time() - cpu) / timed * 1000
    with CaptureQueriesContext(connection) as queries:
        book(requests - 1)
    return len(queries.captured_queries), wall_ms, cpu_ms


@dataclass
class Round:
    """What one round of one kind of request gave."""

    rate: float
    answers: int
    unexpected: dict[int, int]
    latencies: list[float]


class Pool:
    """Client threads with one keep-alive connection each, driven round by round."""

    def __init__(self, port: int, seats: list[Seat], points: int) -> None:
        self.port, self.points = port, points
        self.kind, self.deadline = "", 0.0
        self.lock = threading.Lock()
        self.results: list[Round] = []
        self.tried: dict[
            str, int
        ] = {}  # bookings asked for, per client: the next takes the next hour
        self.booked: dict[str, int] = {}  # bookings answered 201, per client, over all rounds
        self.samples: list[str] = []  # the first unexpected answers, to show
        # A client that died breaks the barriers (an error) instead of hanging the bench.
        self.start = threading.Barrier(len(seats) + 1, timeout=600)
        self.end = threading.Barrier(len(seats) + 1, timeout=600)
        self.threads = [
            threading.Thread(target=self._client, args=(s,), daemon=True) for s in seats
        ]
        for thread in self.threads:
            thread.start()

    def round(self, kind: str, seconds: float) -> Round:
        """Every client sends `kind` requests ("read" or "book") for `seconds`."""
        self.kind, self.results = kind, []
        began = time.perf_counter()
        self.deadline = began + seconds
        self.start.wait()
        self.end.wait()
        elapsed = time.perf_counter() - began
        unexpected: dict[int, int] = {}
        for result in self.results:
            for status, count in result.unexpected.items():
                unexpected[status] = unexpected.get(status, 0) + count
        answers = sum(r.answers for r in self.results)
        return Round(
            rate=answers / elapsed,
            answers=answers,
            unexpected=unexpected,
            latencies=sorted(x for r in self.results for x in r.latencies),
        )

    def stop(self) -> None:
        self.kind = ""
        with contextlib.suppress(threading.BrokenBarrierError):  # the error is on its way up
            self.start.wait()
        for thread in self.threads:
            thread.join(timeout=60)

    def _request(self, seat: Seat) -> tuple[str, str, str | None, dict[str, str], int]:
        """The next request of `seat` in this round, and the status it must get."""
        if self.kind == "book":
            n = self.tried[seat.name] = self.tried.get(seat.name, -1) + 1
            body = seat.booking(n, self.points)
            key = {"Idempotency-Key": f"{seat.name}-{n}"}
            return "POST", "/api/v1/bookings/", body, key, 201
        return "GET", "/api/v1/me/", None, {}, 200

    def _client(self, seat: Seat) -> None:
        headers = {"Authorization": f"Token {seat.token}", "Content-Type": "application/json"}
        while True:
            self.start.wait()
            if not self.kind:
                break
            # A fresh keep-alive connection per round: gunicorn closes idle ones after 2 s
            # (its default), and pgbench ran in between.
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            result = Round(0.0, 0, {}, [])
            while time.perf_counter() < self.deadline:
                method, path, body, key, expected = self._request(seat)
                began = time.perf_counter()
                try:
                    connection.request(method, path, body, headers=headers | key)
                    response = connection.getresponse()
                    answer, status = response.read(), response.status
                except (http.client.HTTPException, OSError) as error:
                    connection.close()
                    connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                    answer, status = repr(error).encode(), 0
                result.latencies.append(time.perf_counter() - began)
                if status == expected:
                    result.answers += 1
                    if self.kind == "book":
                        self.booked[seat.name] = self.booked.get(seat.name, 0) + 1
                    continue
                result.unexpected[status] = result.unexpected.get(status, 0) + 1
                with self.lock:
                    if len(self.samples) < 5:
                        self.samples.append(
                            f"{self.kind} → {status}: {answer[:300].decode(errors='replace')}"
                        )
            connection.close()
            with self.lock:
                self.results.append(result)
            self.end.wait()


def _gunicorn(port: int) -> subprocess.Popen[bytes]:
    """Start gunicorn as production runs it, in this process's environment (the bench's
    database, Redis and switches), and wait until it answers."""
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi",
        "--config",
        str(ROOT / "config" / "gunicorn.py"),
        # The access log of a production server costs its formatting; the pipe is not ours.
        "--access-logfile",
        "/dev/null",
        "--log-level",
        "warning",
    ]
    with socket.socket() as probe:  # the rounds must not go to another server on the port
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            raise SystemExit(f"port {port} is taken: stop what runs there or pass --port")
    server = subprocess.Popen(  # noqa: S603 - our own command line
        command, cwd=ROOT, env=os.environ, start_new_session=True
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn exited")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            connection.getresponse().read()
            return server
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def _stop(server: subprocess.Popen[bytes]) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)


def _balances(seats: list[Seat]) -> int:
    from django.db.models import Sum

    from loyalty.models import Account

    wallets = Account.objects.filter(user_id__in=[s.user_id for s in seats], kind="wallet")
    return wallets.aggregate(total=Sum("balance"))["total"] or 0


def _audit() -> tuple[bool, str]:
    """`manage.py loyalty_audit` over the bench's ledger: (clean, what it said)."""
    from django.core.management import call_command
    from django.core.management.base import CommandError

    out = io.StringIO()
    try:
        call_command("loyalty_audit", stdout=out, stderr=out)
    except CommandError as error:
        return False, str(error)
    return True, out.getvalue().strip().splitlines()[-1]


def _rounds(args: argparse.Namespace, pool: Pool) -> dict[str, list]:
    """A warm-up, then rounds of reads, bookings and pgbench, one after the other."""
    for kind in ("read", "book"):
        pool.round(kind, args.warmup)
    pgbench.run(clients=args.clients, seconds=args.warmup, points=args.points)
    figures: dict[str, list] = {"reads": [], "books": [], "tps": [], "bad": [], "pgbench": []}
    for number in range(1, args.rounds + 1):
        read = pool.round("read", args.seconds)
        book = pool.round("book", args.seconds)
        reference = pgbench.run(clients=args.clients, seconds=args.seconds, points=args.points)
        figures["reads"].append(read.rate)
        figures["books"].append(book.rate)
        figures["tps"].append(reference.tps)
        figures["bad"].extend([read.unexpected, book.unexpected])
        if not reference.ok:
            figures["pgbench"].append(reference.output[-2000:])
        print(
            f"  round {number}: reads {read.rate:7.1f}/s · bookings {book.rate:6.1f}/s "
            f"(p50 {_percentile(book.latencies, 0.5):.0f} ms, "
            f"p99 {_percentile(book.latencies, 0.99):.0f} ms) · pgbench {reference.tps:7.1f} tps"
            f" · {harness.load()}",
            flush=True,
        )
    return figures


def _report(figures: dict[str, list], *, made: int, spent: int, points: int) -> None:
    reads, books, tps = figures["reads"], figures["books"], figures["tps"]
    bad: dict[int, int] = {}
    for unexpected in figures["bad"]:
        for status, count in unexpected.items():
            bad[status] = bad.get(status, 0) + count
    for output in figures["pgbench"][:1]:
        print("  pgbench said:\n" + output)
    print(f"  reads/s {_rates(reads)} · bookings/s {_rates(books)} · pgbench tps {_rates(tps)}")
    harness.check(
        "bookings: every answer 201 (book) / 200 (read)",
        goal="0 other statuses",
        figure=f"{sum(bad.values())} other {bad or ''} in {made} bookings".replace("  ", " "),
        passed=not bad,
    )
    ratios = [b / r for b, r in zip(books, reads, strict=True)]
    harness.check(
        "bookings: booking with points ÷ one-row read",
        goal="≥ 0.5",
        figure=f"{_ratios(ratios)} ({len(ratios)} interleaved rounds)",
        passed=statistics.median(ratios) >= 0.5,
    )
    to_pgbench = [b / t if t else 0.0 for b, t in zip(books, tps, strict=True)]
    harness.check(
        "bookings: booking POST/s ÷ pgbench booking tps",
        goal="≥ 0.25",
        figure=f"{_ratios(to_pgbench)} ({len(to_pgbench)} interleaved rounds)",
        passed=statistics.median(to_pgbench) >= 0.25 and not figures["pgbench"],
    )
    harness.check(
        "bookings: points really spent",
        goal=f"{points} × {made} bookings = {points * made}",
        figure=f"{spent} points",
        passed=spent == points * made,
    )
    clean, said = _audit()
    harness.check("bookings: loyalty_audit", goal="0 violations", figure=said, passed=clean)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench bookings", description=__doc__)
    parser.add_argument("--seconds", type=float, default=5, help="per round and kind")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--warmup", type=float, default=3, help="seconds of each kind first")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--points", type=int, default=50, help="points paid per booking")
    parser.add_argument("--port", type=int, default=8240)
    args = parser.parse_args(argv)
    if args.rounds < 3:
        parser.error("--rounds must be at least 3")

    redis_url, redis_server = scratch.redis_server("bookings")
    try:
        name = scratch.open_database("bookings", **_environment(args.port, redis_url))
        run = f"{int(time.time())}"  # each run books in rooms of its own, from tomorrow
        seats = _prepare(run, args.clients + 1, BALANCE)  # the last one books in-process
        statements, wall_ms, cpu_ms = _in_process(seats[-1], args.points, IN_PROCESS)
        pgbench.prepare(args.clients)
        print(
            f"bookings bench on {name}: {args.clients} clients, gunicorn per config/gunicorn.py,"
            f" {args.rounds} rounds of {args.seconds:g} s per kind, {args.points} points a booking"
        )
        print(
            f"  in-process (test client, one client): {statements} SQL statements for one "
            f"booking request with points, {wall_ms:.1f} ms per request, of which "
            f"{cpu_ms:.1f} ms Python CPU · {harness.load()}",
            flush=True,
        )
        _close_connections()  # gunicorn and pgbench take the database from here
        server = _gunicorn(args.port)
        pool = Pool(args.port, seats[:-1], args.points)
        try:
            figures = _rounds(args, pool)
        finally:
            pool.stop()
            _stop(server)
        for sample in pool.samples:
            print("  unexpected answer:", sample)
        made = IN_PROCESS + sum(pool.booked.values())
        spent = BALANCE * len(seats) - _balances(seats)
        _report(figures, made=made, spent=spent, points=args.points)
    finally:
        _close_connections()
        redis_server.terminate()
        redis_server.wait(timeout=30)
    harness.finish()


def _close_connections() -> None:
    from django.db import connections

    connections.close_all()


def _percentile(values: list[float], share: float) -> float:
    return values[max(0, int(len(values) * share) - 1)] * 1000 if values else 0.0


def _rates(values: list[float]) -> str:
    return f"median {statistics.median(values):.1f}, min {min(values):.1f}"


def _ratios(values: list[float]) -> str:
    return f"median {statistics.median(values):.2f}, min {min(values):.2f}"
