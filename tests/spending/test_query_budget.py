"""Statement budgets of the booking path, counted for the whole HTTP request (token auth,
throttle, Idempotency-Key, transaction, outbox publish after commit), so that a regression fails
`make test` rather than a benchmark; and a wallet of many lots costs what a wallet of one costs.

Later features (add-ons, promo codes, team points, webhooks) keep these budgets, or raise them
here with a reason.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from celery import current_app
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from loyalty.models import Allocation, Lot
from loyalty.selectors import ledger_audit
from tests.bookings.conftest import NOW, at, book_payload
from tests.spending.conftest import give_points

# transaction=True: the booking's durable transaction is a real one (no test savepoints) and
# its after-commit publish runs, as in production.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("frozen")]

DAY = "2026-12-02"  # Wednesday
# A booking with points paid at the venue, BEGIN and COMMIT included: token auth; room and
# venue; schedule, prices and points rules (one query); BEGIN; the room lock with the booking and
# its event; the wallet debit (its lock); the lots needed, locked; the ledger write; the outbox;
# the Idempotency-Key with its answer; COMMIT; the outbox marked sent.
BOOKING_WITH_POINTS = 12
# Online: a hold owes no task (no outbox, nothing marked sent) but writes its payment, reads it
# back for the payment URL and writes its answer after commit.
BOOKING_WITH_POINTS_ONLINE = 13
# A signed-in client's quote with points: auth, room, schedule (with the points rules), busy
# check, balance and the lots it would use, tier, campaigns.
QUOTE_WITH_POINTS = 7
CHECKOUT_RE_QUOTE = 7


@pytest.fixture
def broker():
    """Publish to an in-memory broker instead of running the tasks in the request (the test
    settings run them eagerly, which would count the worker's statements as the request's)."""
    before = current_app.conf.broker_url, current_app.conf.task_always_eager
    current_app.conf.broker_url, current_app.conf.task_always_eager = "memory://", False
    current_app._after_fork()
    yield
    current_app.conf.broker_url, current_app.conf.task_always_eager = before
    current_app._after_fork()


@pytest.fixture
def token_api(client_user) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=client_user).key}")
    return api


def _book(api: APIClient, room, hour: int, *, points: int, payment: str = "venue", key: str):
    start, end = at(DAY, f"{hour:02d}:00"), at(DAY, f"{hour + 1:02d}:00")
    payload = {**book_payload(room, start, end, payment), "points": points}
    with CaptureQueriesContext(connection) as statements:
        response = api.post("/api/v1/bookings/", payload, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert response.status_code == 201, response.json()
    return response.json(), [q["sql"] for q in statements.captured_queries]


def _warm_up(api, room) -> None:
    # The first redemption at a venue creates its account once; budgets are for the usual case.
    _book(api, room, 10, points=1, key="warm-up")


def test_a_booking_with_points_at_the_venue_keeps_its_statement_budget(
    broker, token_api, client_user, points_room
):
    give_points(client_user, 1000)
    _warm_up(token_api, points_room)
    body, statements = _book(token_api, points_room, 19, points=100, key="k-1")
    assert (body["status"], body["points"]) == ("confirmed", 100)
    assert len(statements) <= BOOKING_WITH_POINTS, "\n".join(statements)
    assert not any(s.startswith(("SAVEPOINT", "RELEASE")) for s in statements)
    # The POST quotes without the cashback preview: no tiers, no campaigns.
    assert not any("loyalty_tier" in s or "loyalty_campaign" in s for s in statements)
    assert ledger_audit().ok


def test_an_online_hold_with_points_keeps_its_statement_budget(
    broker, token_api, client_user, online
):
    give_points(client_user, 1000)
    _warm_up(token_api, online)
    body, statements = _book(token_api, online, 19, points=100, payment="online", key="k-1")
    assert (body["status"], body["points"]) == ("hold", 100)
    assert len(statements) <= BOOKING_WITH_POINTS_ONLINE, "\n".join(statements)
    assert ledger_audit().ok


def test_a_quote_with_points_keeps_its_statement_budget(token_api, client_user, points_room):
    give_points(client_user, 1000)
    payload = {**book_payload(points_room, at(DAY, "19:00"), at(DAY, "21:00")), "points": 100}
    with CaptureQueriesContext(connection) as statements:
        response = token_api.post("/api/v1/bookings/quote/", payload, format="json")
    assert response.status_code == 200, response.json()
    assert len(statements) <= QUOTE_WITH_POINTS, "\n".join(q["sql"] for q in statements)


def test_a_wallet_of_many_lots_costs_what_one_lot_costs_and_only_the_lots_needed_are_taken(
    broker, token_api, client_user, points_room
):
    give_points(client_user, 1000, key="big")
    _warm_up(token_api, points_room)
    _body, one_lot = _book(token_api, points_room, 12, points=100, key="one")
    # 200 lots of 10 points, expiring one a day from tomorrow on: 150 points take the 15 first.
    for n in range(200):
        give_points(client_user, 10, key=f"lot-{n}", days=2 + n, now=NOW - timedelta(days=1))
    body, many_lots = _book(token_api, points_room, 14, points=150, key="many")
    assert len(many_lots) == len(one_lot)
    taken = Allocation.objects.filter(transaction__booking_id=body["id"])
    assert taken.count() == 15
    soonest = Lot.objects.filter(amount=10).order_by("expires_at", "id")
    assert set(taken.values_list("lot_id", flat=True)) == set(
        soonest.values_list("id", flat=True)[:15]
    )
    assert Lot.objects.filter(amount=10, remaining=10).count() == 185
    assert ledger_audit().ok


def test_a_hold_retried_with_its_key_replays_the_answer_written_after_commit(
    broker, token_api, client_user, online
):
    # The hold's key is stored PENDING with the booking; its answer (with the payment URL the
    # provider gives after commit) follows, and a retry replays exactly that.
    give_points(client_user, 1000)
    first, _statements = _book(token_api, online, 19, points=100, payment="online", key="h-1")
    payload = {
        **book_payload(online, at(DAY, "19:00"), at(DAY, "20:00"), "online"),
        "points": 100,
    }
    again = token_api.post("/api/v1/bookings/", payload, format="json", HTTP_IDEMPOTENCY_KEY="h-1")
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json() == first and first["payment_url"]
    assert ledger_audit().ok


def test_the_checkout_re_quote_keeps_its_statement_budget(client, client_user, points_room):
    # The htmx re-quote as the client types: the user (the session is in the cache), then what
    # the API's quote reads after its auth.
    give_points(client_user, 1000)
    client.force_login(client_user)
    params = {"room": points_room.pk, "start": at(DAY, "19:00").isoformat(), "minutes": 120}
    with CaptureQueriesContext(connection) as statements:
        response = client.get(
            "/bookings/checkout/", {**params, "points": 300}, HTTP_HX_REQUEST="true"
        )
    assert response.status_code == 200
    assert len(statements) <= CHECKOUT_RE_QUOTE, "\n".join(q["sql"] for q in statements)
