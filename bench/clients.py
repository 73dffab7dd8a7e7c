"""`python -m bench clients --url URL`: 50 clients book at once against a running server.

Checks what finding 12 of issue #12 asks of `make run`: every client gets an HTTP answer (201,
or 409 when another took the slot), none has its connection reset. Loopback only, one round.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import threading
import urllib.error
import urllib.request
from collections import Counter

DEMO_CLIENT = ("client@example.com", "bronka-demo")


def _call(url: str, body: object = None, token: str = "") -> tuple[int, object]:
    request = urllib.request.Request(  # noqa: S310 - the URL is the caller's own server
        url,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Content-Type": "application/json"}
        | ({"Authorization": f"Token {token}"} if token else {}),
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, None


def main(args: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="bench clients")
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--clients", type=int, default=50)
    options = parser.parse_args(args)
    api = options.url.rstrip("/") + "/api/v1"
    _status, token = _call(
        f"{api}/auth/token/", {"email": DEMO_CLIENT[0], "password": DEMO_CLIENT[1]}
    )
    assert isinstance(token, dict), "the demo client could not get a token"
    _status, rooms = _call(f"{api}/rooms/")
    assert isinstance(rooms, dict | list)
    room_ids = [room["id"] for room in (rooms["results"] if isinstance(rooms, dict) else rooms)]
    day = dt.date.today() + dt.timedelta(days=20)
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()
    start_together = threading.Barrier(options.clients)

    def client(number: int) -> None:
        start = dt.datetime.combine(day, dt.time(12 + number % 6), tzinfo=dt.UTC)
        body = {
            "room": room_ids[number % len(room_ids)],
            "start": start.isoformat(),
            "end": (start + dt.timedelta(hours=1)).isoformat(),
            "payment": "venue",
        }
        start_together.wait()
        try:
            outcome = str(_call(f"{api}/bookings/", body, token["token"])[0])
        except OSError as error:  # reset or refused before any answer
            outcome = f"no answer: {type(error).__name__}"
        with lock:
            outcomes[outcome] += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(options.clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    answered = sum(n for outcome, n in outcomes.items() if outcome.isdigit())
    print(f"{options.clients} clients: {answered} HTTP answers; {dict(outcomes)}")
