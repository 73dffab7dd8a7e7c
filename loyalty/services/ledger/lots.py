"""Lots of a wallet: created by credits, consumed soonest-expiry first, given back to the very
lots they came from (DESIGN.md, Lots). Called by the engine under the client's lock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import F, Sum
from django.utils.translation import gettext_lazy as _

from core.errors import Conflict
from loyalty.models import Account, Allocation, LedgerTransaction, Lot

# A refunded point whose lot expired meanwhile comes back for this long (DESIGN.md, Lots).
GRACE_LIFETIME = timedelta(days=30)

Plan = list[tuple[int, int]]  # lots (ids, locked) and how much to take from each


@dataclass(frozen=True)
class NewLot:
    """A lot to create: its points, when they expire, who funds them (None: the platform)."""

    amount: int
    expires_at: datetime
    funder_venue_id: int | None


@dataclass(frozen=True)
class Restore:
    """Give back `amount` points of the consumptions in `restorable` (last consumed first)."""

    restorable: list[tuple[Allocation, int]]
    amount: int


def live(wallet: Account, now: datetime) -> list[Lot]:
    """Lock the wallet's spendable lots in consumption order: soonest expiry, then oldest.

    A lot past `expires_at` is not spendable even before the expiry job burns it.
    """
    return list(
        Lot.objects.select_for_update(no_key=True)
        .filter(wallet=wallet, remaining__gt=0, expires_at__gt=now, expired_at__isnull=True)
        .order_by("expires_at", "id")
    )


# The live lots needed to cover an amount, soonest expiry first: a walk along the index
# loyalty_lot_live_by_wallet that stops once the amount is covered, then those rows locked. The
# walk reads no more lots than it takes, so a wallet of 2 000 lots costs what one of 1 costs.
_LOCK_NEEDED = """
WITH RECURSIVE walk AS (
    (SELECT id, expires_at, remaining AS covered FROM loyalty_lot
      WHERE wallet_id = %(wallet)s AND remaining > 0 AND expires_at > %(now)s
        AND expired_at IS NULL
      ORDER BY expires_at, id LIMIT 1)
    UNION ALL
    SELECT next.id, next.expires_at, walk.covered + next.remaining
      FROM walk CROSS JOIN LATERAL (
          SELECT id, expires_at, remaining FROM loyalty_lot
           WHERE wallet_id = %(wallet)s AND remaining > 0 AND expires_at > %(now)s
             AND expired_at IS NULL AND (expires_at, id) > (walk.expires_at, walk.id)
           ORDER BY expires_at, id LIMIT 1) AS next
     WHERE walk.covered < %(amount)s
)
SELECT id, remaining FROM loyalty_lot WHERE id IN (SELECT id FROM walk)
 ORDER BY expires_at, id FOR NO KEY UPDATE
"""


def lock_needed(wallet_id: int, amount: int, now: datetime) -> Plan:
    """Lock the lots `amount` points come from and say how much each gives (lot id, points);
    a Conflict when the live lots cannot pay them. The caller holds the wallet's lock, so the
    lots the walk chose cannot change before they are locked."""
    with connection.cursor() as cursor:
        cursor.execute(_LOCK_NEEDED, {"wallet": wallet_id, "now": now, "amount": amount})
        rows = cursor.fetchall()
    taken: Plan = []
    left = amount
    for lot_id, remaining in rows:
        take = min(remaining, left)
        taken.append((lot_id, take))
        left -= take
    if left > 0:
        raise Conflict(
            _("Not enough points: %(available)s available, %(amount)s asked.")
            % {"available": amount - left, "amount": amount},
            code="not_enough_points",
            fields={"amount": _("Not enough points.")},
        )
    return taken


def consume(tx: LedgerTransaction, taken: Plan) -> None:
    """Take the planned points from their lots in one UPDATE and record where they came from."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE loyalty_lot SET remaining = loyalty_lot.remaining - use.take"
            " FROM unnest(%s::bigint[], %s::bigint[]) AS use(lot, take)"
            " WHERE loyalty_lot.id = use.lot",
            [[lot_id for lot_id, _take in taken], [take for _lot_id, take in taken]],
        )
    Allocation.objects.bulk_create(
        [Allocation(transaction=tx, lot_id=lot_id, amount=-take) for lot_id, take in taken]
    )


def create(
    *,
    tx: LedgerTransaction,
    wallet: Account,
    new: NewLot,
    now: datetime,
    origin: Lot | None = None,
    reverses: Allocation | None = None,
) -> Lot:
    lot = Lot.objects.create(
        wallet=wallet,
        amount=new.amount,
        remaining=new.amount,
        expires_at=new.expires_at,
        funder_venue_id=new.funder_venue_id,
        transaction=tx,
        origin=origin,
        created_at=now,
    )
    Allocation.objects.create(transaction=tx, lot=lot, amount=new.amount, reverses=reverses)
    return lot


def restorable(original: LedgerTransaction) -> list[tuple[Allocation, int]]:
    """The consumptions of `original` with what is left to give back, last-consumed first."""
    consumptions = list(
        original.allocations.filter(amount__lt=0)
        .select_related("lot")
        .order_by("-lot__expires_at", "-lot_id")
    )
    given_back = dict(
        Allocation.objects.filter(reverses__in=consumptions)
        .values_list("reverses")
        .annotate(total=Sum("amount"))
    )
    return [(c, -c.amount - given_back.get(c.pk, 0)) for c in consumptions]


def restore(*, tx: LedgerTransaction, wallet: Account, restore: Restore, now: datetime) -> None:
    """Give the points back to the lots they came from (a grace lot for an expired one)."""
    wanted: list[tuple[Allocation, int]] = []
    left = restore.amount
    for consumption, open_amount in restore.restorable:
        if left == 0:
            break
        give = min(open_amount, left)
        if give > 0:
            wanted.append((consumption, give))
            left -= give
    assert left == 0, restore
    # Lock order: lots in consumption order, like every other path.
    locked = {
        lot.pk: lot
        for lot in Lot.objects.select_for_update(no_key=True)
        .filter(pk__in=[c.lot_id for c, _give in wanted])
        .order_by("expires_at", "id")
    }
    allocations = []
    for consumption, give in wanted:
        lot = locked[consumption.lot_id]
        if lot.expired_at is None and lot.expires_at > now:
            Lot.objects.filter(pk=lot.pk).update(remaining=F("remaining") + give)
            allocations.append(
                Allocation(transaction=tx, lot=lot, amount=give, reverses=consumption)
            )
        else:
            grace = NewLot(give, now + GRACE_LIFETIME, lot.funder_venue_id)
            create(tx=tx, wallet=wallet, new=grace, now=now, origin=lot, reverses=consumption)
    Allocation.objects.bulk_create(allocations)
