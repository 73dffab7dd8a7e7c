"""Model-based test of the ledger: random sequences of operations against a plain-Python model.

After every step the audit finds no violation (DESIGN.md §4 invariants 1, 2, 5) and the
client's wallet, pending and held points, and each live lot (expiry, remaining), equal the
model's. Each example runs inside a savepoint that is rolled back, with constraints checked
immediately, so the deferred "postings sum to zero" trigger fires at every statement.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, transaction
from django.db.models import Sum
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from core.errors import Conflict
from loyalty import services
from loyalty.models import Posting
from loyalty.selectors import audit, points_summary
from tests.factories import BookingFactory, RoomFactory, UserFactory, VenueFactory

GRACE = timedelta(days=30)
START = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
AUDIT = audit._AUDIT.replace("%", "%%")


@dataclass
class MLot:
    seq: int
    expires_at: datetime
    remaining: int
    expired: bool = False


@dataclass
class MTake:
    key: str
    consumptions: list[list] = field(default_factory=list)  # [lot, taken, given back]
    state: str = "spent"  # spent | held | captured | released


class Model:
    """What the ledger should say, computed the simplest way."""

    def __init__(self) -> None:
        self.now = START
        self.lots: list[MLot] = []
        self.pending: dict[str, tuple[int, timedelta, str]] = {}  # amount, lifetime, state
        self.takes: dict[str, MTake] = {}
        self.held = 0
        self.receivable = 0

    def new_lot(self, amount: int, expires_at: datetime) -> MLot:
        lot = MLot(seq=len(self.lots), expires_at=expires_at, remaining=amount)
        self.lots.append(lot)
        return lot

    def live(self) -> list[MLot]:
        return sorted(
            (x for x in self.lots if x.remaining > 0 and x.expires_at > self.now and not x.expired),
            key=lambda x: (x.expires_at, x.seq),
        )

    def spendable(self) -> int:
        return sum(x.remaining for x in self.live())

    def wallet(self) -> int:
        return sum(x.remaining for x in self.lots)

    def consume(self, amount: int) -> list[list]:
        taken = []
        for lot in self.live():
            if amount == 0:
                break
            take = min(lot.remaining, amount)
            lot.remaining -= take
            amount -= take
            taken.append([lot, take, 0])
        return taken

    def restorable(self, take: MTake) -> list[list]:
        return sorted(take.consumptions, key=lambda c: (c[0].expires_at, c[0].seq), reverse=True)

    def restore(self, take: MTake, amount: int) -> None:
        for consumption in self.restorable(take):
            lot, taken, given = consumption
            give = min(taken - given, amount)
            if give <= 0:
                continue
            consumption[2] += give
            amount -= give
            if lot.expired or lot.expires_at <= self.now:
                self.new_lot(give, self.now + GRACE)
            else:
                lot.remaining += give
        assert amount == 0

    def expire(self) -> int:
        count = 0
        for lot in self.lots:
            if lot.remaining > 0 and lot.expires_at <= self.now:
                lot.remaining = 0
                lot.expired = True
                count += 1
        return count


amounts = st.integers(min_value=1, max_value=400)
lifetimes = st.integers(min_value=1, max_value=60)


# The operations that take a described movement; the others name the transaction they settle.
MOVEMENT_OPERATIONS = {
    services.points_credit,
    services.points_pending_credit,
    services.points_spend,
    services.points_reserve,
    services.points_adjust,
    services.points_clawback,
}


# The others settle an earlier transaction, named by its key.
SETTLED_KEYS = ("pending_key", "reserve_key", "spend_key")


def invoke(function, kwargs):
    if function in MOVEMENT_OPERATIONS:
        return function(services.Movement(**kwargs))
    arguments = dict(kwargs)
    [key] = [arguments.pop(name) for name in SETTLED_KEYS if name in arguments]
    settlement = services.Settlement(
        idempotency_key=arguments.pop("idempotency_key"), now=arguments.pop("now")
    )
    return function(key, settlement, **arguments)


class LedgerMachine(RuleBasedStateMachine):
    user = None
    venue = None
    room = None
    staff = None

    def __init__(self) -> None:
        super().__init__()
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        self.model = Model()
        self.counter = 0
        # Every operation made so far, to replay: (function, kwargs, transaction id).
        self.done: list[tuple] = []

    def teardown(self) -> None:
        try:
            self.check_summary_and_receivable()
        finally:
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)

    def key(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}:{self.counter}"

    def call(self, function, **kwargs):
        tx = invoke(function, kwargs)
        self.done.append((function, kwargs, tx.pk))
        return tx

    # --- credits ------------------------------------------------------------------------
    @rule(amount=amounts, days=lifetimes, by_venue=st.booleans())
    def credit(self, amount, days, by_venue):
        self.call(
            services.points_credit,
            user=self.user,
            amount=amount,
            lifetime=timedelta(days=days),
            kind="bonus",
            reason="Bonus",
            idempotency_key=self.key("credit"),
            venue=self.venue if by_venue else None,
            now=self.model.now,
        )
        self.model.new_lot(amount, self.model.now + timedelta(days=days))

    @rule(amount=amounts, days=lifetimes)
    def pending_credit(self, amount, days):
        key = self.key("cashback")
        self.call(
            services.points_pending_credit,
            user=self.user,
            amount=amount,
            lifetime=timedelta(days=days),
            kind="cashback",
            reason="Cashback",
            idempotency_key=key,
            booking_id=BookingFactory(user=self.user, room=self.room).pk,
            now=self.model.now,
        )
        self.model.pending[key] = (amount, timedelta(days=days), "pending")

    @precondition(lambda self: self.model.pending)
    @rule(pick=st.integers(min_value=0), release=st.booleans())
    def settle_pending(self, pick, release):
        keys = sorted(self.model.pending)
        key = keys[pick % len(keys)]
        amount, lifetime, state = self.model.pending[key]
        function = services.points_pending_release if release else services.points_pending_cancel
        kwargs = {"pending_key": key, "idempotency_key": self.key("settle"), "now": self.model.now}
        if state != "pending":
            with pytest.raises(Conflict):
                invoke(function, kwargs)
            return
        self.call(function, **kwargs)
        if release:
            self.model.new_lot(amount, self.model.now + lifetime)
        self.model.pending[key] = (amount, lifetime, "released" if release else "cancelled")

    # --- spending -----------------------------------------------------------------------
    @rule(amount=amounts, hold=st.booleans())
    def spend_or_reserve(self, amount, hold):
        key = self.key("hold" if hold else "spend")
        function = services.points_reserve if hold else services.points_spend
        kwargs = {
            "user": self.user,
            "amount": amount,
            "venue": self.venue,
            "reason": "Paid",
            "idempotency_key": key,
            "now": self.model.now,
        }
        if amount > self.model.spendable():
            with pytest.raises(Conflict):
                invoke(function, kwargs)
            return
        self.call(function, **kwargs)
        take = MTake(key=key, consumptions=self.model.consume(amount))
        if hold:
            take.state = "held"
            self.model.held += amount
        self.model.takes[key] = take

    @precondition(lambda self: any(t.state == "held" for t in self.model.takes.values()))
    @rule(pick=st.integers(min_value=0), capture=st.booleans())
    def settle_reserve(self, pick, capture):
        held = sorted(k for k, t in self.model.takes.items() if t.state == "held")
        take = self.model.takes[held[pick % len(held)]]
        amount = sum(c[1] for c in take.consumptions)
        function = services.points_reserve_capture if capture else services.points_reserve_release
        self.call(
            function,
            reserve_key=take.key,
            idempotency_key=self.key("settle"),
            now=self.model.now,
        )
        self.model.held -= amount
        if capture:
            take.state = "captured"
        else:
            self.model.restore(take, amount)
            take.state = "released"

    @precondition(lambda self: self.model.takes)
    @rule(pick=st.integers(min_value=0), part=st.none() | st.integers(min_value=1, max_value=300))
    def refund(self, pick, part):
        keys = sorted(self.model.takes)
        take = self.model.takes[keys[pick % len(keys)]]
        kwargs = {
            "spend_key": take.key,
            "amount": part,
            "idempotency_key": self.key("refund"),
            "now": self.model.now,
        }
        refundable = sum(c[1] - c[2] for c in take.consumptions)
        wanted = refundable if part is None else part
        if take.state in ("held", "released") or wanted <= 0 or wanted > refundable:
            with pytest.raises(Conflict):
                invoke(services.points_refund, kwargs)
            return
        self.call(services.points_refund, **kwargs)
        self.model.restore(take, wanted)

    # --- staff and clawback -------------------------------------------------------------
    @rule(amount=st.integers(min_value=-300, max_value=300).filter(bool))
    def adjust(self, amount):
        kwargs = {
            "user": self.user,
            "amount": amount,
            "reason": "Support",
            "actor": self.staff,
            "idempotency_key": self.key("adjust"),
            "now": self.model.now,
        }
        if amount < 0 and -amount > self.model.spendable():
            with pytest.raises(Conflict):
                invoke(services.points_adjust, kwargs)
            return
        self.call(services.points_adjust, **kwargs)
        if amount > 0:
            self.model.new_lot(amount, self.model.now + services.DEFAULT_LIFETIME)
        else:
            self.model.consume(-amount)

    @rule(amount=amounts)
    def clawback(self, amount):
        self.call(
            services.points_clawback,
            user=self.user,
            amount=amount,
            reason="Reversed",
            idempotency_key=self.key("clawback"),
            now=self.model.now,
        )
        taken = min(amount, self.model.spendable())
        self.model.consume(taken)
        self.model.receivable += amount - taken

    # --- time ---------------------------------------------------------------------------
    @rule(days=st.integers(min_value=1, max_value=40), hours=st.integers(0, 23))
    def advance_clock(self, days, hours):
        self.model.now += timedelta(days=days, hours=hours)

    @rule()
    def expire_twice(self):
        expected = self.model.expire()
        first = services.points_expire(now=self.model.now, batch_size=2)
        second = services.points_expire(now=self.model.now, batch_size=2)
        assert first.lots == expected
        assert second.lots == 0

    @precondition(lambda self: self.done)
    @rule(pick=st.integers(min_value=0), tamper=st.booleans())
    def replay_a_key(self, pick, tamper):
        function, kwargs, tx_id = self.done[pick % len(self.done)]
        later = {**kwargs, "now": self.model.now}
        if not tamper:
            assert invoke(function, later).pk == tx_id
            return
        # The same key with different content is refused, and changes nothing.
        if "amount" in kwargs and kwargs["amount"] is not None:
            changed = {**later, "amount": kwargs["amount"] + (1 if kwargs["amount"] > 0 else -1)}
            if changed["amount"] == 0:
                changed["amount"] = -2
        elif "pending_key" in kwargs or "reserve_key" in kwargs:
            other = [d for d in self.done if d[0] is function and d[1] != kwargs]
            if not other:
                return
            name = "pending_key" if "pending_key" in kwargs else "reserve_key"
            changed = {**later, name: other[0][1][name]}
        else:
            changed = {**later, "amount": 1}
        with pytest.raises(Conflict):
            invoke(function, changed)

    # --- after every step ---------------------------------------------------------------
    @invariant()
    def ledger_matches_model(self):
        # One round trip: the audit's checks, the client's balances and live lots.
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                SELECT 'violation', NULL::bigint, NULL::timestamptz, v.* FROM ({AUDIT}) v
                UNION ALL
                SELECT kind, balance, NULL, NULL, NULL FROM loyalty_account WHERE user_id = %s
                UNION ALL
                SELECT 'lot', l.remaining, l.expires_at, NULL, NULL
                FROM loyalty_lot l JOIN loyalty_account a ON a.id = l.wallet_id
                WHERE a.user_id = %s AND l.remaining > 0
                """,  # noqa: S608 - our own constant SQL
                [self.user.pk, self.user.pk],
            )
            rows = cursor.fetchall()
        violations = [f"{r[3]}: {r[4]}" for r in rows if r[0] == "violation"]
        assert violations == []
        balances = {r[0]: r[1] for r in rows if r[0] in ("wallet", "pending", "held")}
        assert balances.get("wallet", 0) == self.model.wallet()
        assert balances.get("held", 0) == self.model.held
        expected_pending = sum(a for a, _l, s in self.model.pending.values() if s == "pending")
        assert balances.get("pending", 0) == expected_pending
        live = sorted((r[2], r[1]) for r in rows if r[0] == "lot")
        assert live == sorted((x.expires_at, x.remaining) for x in self.model.lots if x.remaining)

    def check_summary_and_receivable(self):
        summary = points_summary(user=self.user, now=self.model.now)
        assert summary.balance == self.model.spendable()
        owed = Posting.objects.filter(account__kind="clawback_receivable").aggregate(
            total=Sum("amount")
        )["total"]
        assert -(owed or 0) == self.model.receivable


@pytest.mark.django_db
def test_ledger_behaves_like_its_model_after_every_step():
    with connection.cursor() as cursor:
        # Deferred constraint triggers fire at the end of each statement, not at a commit
        # that this rolled-back test never reaches.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    LedgerMachine.user = UserFactory()
    LedgerMachine.venue = VenueFactory()
    LedgerMachine.room = RoomFactory(venue=LedgerMachine.venue)
    LedgerMachine.staff = UserFactory(is_staff=True)
    run_state_machine_as_test(
        LedgerMachine,
        settings=settings(
            max_examples=int(os.environ.get("LEDGER_MODEL_EXAMPLES", "200")),
            stateful_step_count=50,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
