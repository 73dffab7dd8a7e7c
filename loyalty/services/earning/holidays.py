"""Holiday grants: points for a whole audience before a holiday, credited in bulk."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import TypedDict

from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_noop

from accounts.models import User
from bookings.models import Booking
from core.after_commit import announce
from core.services import apply_values, audit_record, full_clean, snapshot
from loyalty import selectors, signals
from loyalty.models import ClientTier, HolidayGrant, Tier
from loyalty.services.ledger.credits import credit_content
from loyalty.services.ledger.engine import AccountKind, Kind, Movement, system_account
from venues.models import City

HOLIDAY_REASON = gettext_noop("Holiday gift: %(name)s")

# Clients credited per transaction: a crash loses at most one batch's work, which the next run
# redoes (the keys skip the clients already credited).
BATCH_SIZE = 20_000


def holiday_audience(grant: HolidayGrant, *, now: datetime) -> QuerySet[User]:
    """The clients a holiday grant is for, as a queryset of users (ordered by id)."""
    users = User.objects.filter(is_active=True, is_staff=False)  # clients, not platform staff
    Audience = HolidayGrant.Audience
    if grant.audience == Audience.ACTIVE:
        since = now - timedelta(days=grant.active_days or 90)
        booked = Booking.objects.filter(
            user_id=OuterRef("pk"), kind=Booking.Kind.CLIENT, created_at__gte=since
        )
        users = users.filter(Q(last_login__gte=since) | Q(Exists(booked)))
    elif grant.audience == Audience.TIER and grant.min_tier is not None:
        lowest = selectors.client_tier(user=None)
        if lowest is None or grant.min_tier_id != lowest.pk:
            held = ClientTier.objects.filter(
                user_id=OuterRef("pk"), tier__min_money_365d__gte=grant.min_tier.min_money_365d
            )
            users = users.filter(Exists(held))
    elif grant.audience == Audience.CITY and grant.city_id:
        booked = Booking.objects.filter(
            user_id=OuterRef("pk"), kind=Booking.Kind.CLIENT, room__venue__city_id=grant.city_id
        )
        users = users.filter(Exists(booked))
    return users.order_by("pk")


# The next batch of the audience, read once: it gets its client accounts (a client's first
# movement may be this gift) and its ids come back for the credit.
_BATCH = """
WITH batch (id) AS ({audience}),
accounts AS (
    INSERT INTO loyalty_account (kind, user_id, balance, created_at)
    SELECT kind, batch.id, 0, now()
    FROM batch CROSS JOIN unnest(ARRAY['wallet', 'pending', 'held']) AS kind
    WHERE NOT EXISTS (
        SELECT 1 FROM loyalty_account a WHERE a.user_id = batch.id AND a.kind = 'wallet'
    )
    ON CONFLICT DO NOTHING
)
SELECT COALESCE(array_agg(id ORDER BY id), '{{}}') FROM batch
"""

# The credit of a batch in one statement, the rows `points_credit` writes for each client: a
# transaction keyed `holiday:<grant>:user:<id>` with its fingerprint, a posting from the
# platform's issuance and one to the wallet, a lot living the grant's lifetime and its
# allocation, and the wallet's cached balance raised. Clients already keyed are left out before
# their wallets are locked, so a pass with nothing to do writes nothing. Lock order as
# everywhere: wallets in id order. A second worker waits on those locks and ON CONFLICT then
# skips what the first one posted.
_CREDIT = """
WITH wallets AS (
    SELECT a.id, a.user_id
    FROM unnest(%(users)s::bigint[]) AS batch (id)
    JOIN loyalty_account a ON a.user_id = batch.id AND a.kind = 'wallet'
    WHERE NOT EXISTS (
          SELECT 1 FROM loyalty_transaction t
          WHERE t.idempotency_key = %(key)s || a.user_id
      )
    ORDER BY a.id
    FOR NO KEY UPDATE OF a
),
txs AS (
    INSERT INTO loyalty_transaction (
        kind, reason, reason_params, user_id, venue_id, booking_id, actor_id, parent_id,
        idempotency_key, fingerprint, lifetime, created_at
    )
    SELECT %(kind)s, %(reason)s, %(params)s::jsonb, user_id, NULL, NULL, NULL, NULL,
           %(key)s || user_id,
           encode(sha256(convert_to(%(fp_head)s || user_id || %(fp_tail)s, 'UTF8')), 'hex'),
           NULL, %(now)s
    FROM wallets ORDER BY user_id
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING id, user_id
),
credited AS (
    SELECT txs.id AS tx_id, wallets.id AS wallet_id, wallets.user_id
    FROM txs JOIN wallets ON wallets.user_id = txs.user_id
),
postings AS (
    INSERT INTO loyalty_posting (transaction_id, account_id, amount)
    SELECT tx_id, %(issuance)s, -%(amount)s FROM credited
    UNION ALL
    SELECT tx_id, wallet_id, %(amount)s FROM credited
),
lots AS (
    INSERT INTO loyalty_lot (
        wallet_id, amount, remaining, expires_at, funder_venue_id, transaction_id, origin_id,
        created_at, expired_at
    )
    SELECT wallet_id, %(amount)s, %(amount)s, %(expires_at)s, NULL, tx_id, NULL, %(now)s, NULL
    FROM credited
    RETURNING id, transaction_id
),
allocations AS (
    INSERT INTO loyalty_allocation (transaction_id, lot_id, amount, reverses_id)
    SELECT transaction_id, id, %(amount)s, NULL FROM lots
),
balances AS (
    UPDATE loyalty_account a SET balance = a.balance + %(amount)s
    FROM credited WHERE a.id = credited.wallet_id
)
SELECT COALESCE(array_agg(user_id ORDER BY user_id), '{}') FROM credited
"""

_USER = "\x00user\x00"  # stands for each client's id in the fingerprint's text


Params = dict[str, str | int | datetime | list[int]]


def _credit_params(grant: HolidayGrant, *, now: datetime) -> Params:
    """The parameters of `_CREDIT` for `grant`: everything but the clients is the same."""
    lifetime = timedelta(days=grant.lifetime_days)
    key = f"holiday:{grant.pk}:user:"
    movement = Movement(
        user=User(pk=0),
        amount=grant.amount,
        lifetime=lifetime,
        kind=Kind.HOLIDAY,
        reason=HOLIDAY_REASON,
        idempotency_key=key,
        now=now,
    )
    # The fingerprint `points_credit` would record, serialised as engine.fingerprint does it,
    # split around the client's id (tests hold the two equal).
    content = credit_content(movement, pending=False) | {"user": _USER}
    head, tail = json.dumps(content, sort_keys=True, default=str).split(json.dumps(_USER))
    return {
        "kind": Kind.HOLIDAY,
        "reason": HOLIDAY_REASON,
        "params": json.dumps({"name": grant.name}),
        "key": key,
        "fp_head": head,
        "fp_tail": tail,
        "now": now,
        "issuance": system_account(AccountKind.ISSUANCE).pk,
        "amount": grant.amount,
        "expires_at": now + lifetime,
    }


def _grant_pass(grant: HolidayGrant, *, now: datetime, batch_size: int) -> int:
    """Walk the grant's audience once, in batches by id, each credited in its own transaction."""
    audience = holiday_audience(grant, now=now).values("pk")
    params = _credit_params(grant, now=now)
    after = 0
    granted = 0
    while True:
        batch_sql, batch_params = audience.filter(pk__gt=after)[:batch_size].query.sql_with_params()
        with transaction.atomic(durable=True), connection.cursor() as cursor:
            cursor.execute(_BATCH.format(audience=batch_sql), batch_params)
            users: list[int] = cursor.fetchone()[0]
            if not users:
                break
            cursor.execute(_CREDIT, params | {"users": users})
            made: list[int] = cursor.fetchone()[0]
            if made:
                HolidayGrant.objects.filter(pk=grant.pk).update(
                    granted_at=now, granted_count=F("granted_count") + len(made)
                )
                announce(
                    signals.holiday_gifts_granted,
                    sender=HolidayGrant,
                    grant_id=grant.pk,
                    user_ids=made,
                )
        granted += len(made)
        after = users[-1]
        if len(users) < batch_size:
            break
    return granted


def holiday_grants_run(*, now: datetime, batch_size: int = BATCH_SIZE) -> int:
    """Grant every holiday grant due today (grant date ≤ today ≤ holiday) to its audience.

    Set-based: each batch of `batch_size` clients is read from the audience once and credited
    in two statements and one transaction (the ledger's invariants hold, each client's rows
    are those `points_credit` writes), and its clients are e-mailed by one task after it
    commits. Keys `holiday:<grant>:user:<id>` make a rerun after a crash skip the clients
    already credited, and a second worker post nothing. When a pass is complete the grant is
    marked done for the day (`completed_on`): another run that day returns at once. The next
    days of the window, until the holiday, each look once more for clients who joined the
    audience meanwhile (signed up, became active, reached the tier): they get the gift too.
    """
    today = timezone.localtime(now).date()
    due = (
        HolidayGrant.objects.filter(is_active=True, grant_date__lte=today, holiday_date__gte=today)
        .exclude(completed_on__gte=today)
        .select_related("min_tier")
    )
    granted = 0
    for grant in due:
        granted += _grant_pass(grant, now=now, batch_size=batch_size)
        HolidayGrant.objects.filter(pk=grant.pk).update(completed_on=today)
    return granted


# --- staff: the grants themselves ---------------------------------------------------------------


class HolidayGrantValues(TypedDict, total=False):
    name: str
    holiday_date: date
    grant_date: date
    amount: int
    lifetime_days: int
    audience: str
    active_days: int | None
    min_tier: Tier | None
    city: City | None
    message: str
    is_active: bool


GRANT_FIELDS = tuple(HolidayGrantValues.__annotations__)
RUN_FIELDS = ("granted_at", "granted_count", "completed_on")  # written by the job only


def holiday_grant_create(*, actor: User, values: HolidayGrantValues) -> HolidayGrant:
    """A holiday grant (staff): checked like the database checks it, audited. The daily job
    grants it from its grant date to the holiday."""
    grant = HolidayGrant()
    apply_values(grant, values, GRANT_FIELDS)
    full_clean(grant, exclude=RUN_FIELDS, constraints=True)
    with transaction.atomic():
        grant.save()
        audit_record(
            actor=actor,
            action="holiday_grant.create",
            obj=grant,
            after=snapshot(grant, GRANT_FIELDS),
        )
    return grant


def holiday_grant_update(
    *, actor: User, grant: HolidayGrant, values: HolidayGrantValues
) -> HolidayGrant:
    """Change a holiday grant (staff); clients already granted keep what they got, and the
    next run looks at the audience again."""
    with transaction.atomic():
        grant = HolidayGrant.objects.select_for_update().get(pk=grant.pk)
        before = snapshot(grant, GRANT_FIELDS)
        apply_values(grant, values, GRANT_FIELDS)
        full_clean(grant, exclude=RUN_FIELDS, constraints=True)
        # A changed grant (a wider audience, say) is looked at again by today's run.
        grant.completed_on = None
        grant.save()
        audit_record(
            actor=actor,
            action="holiday_grant.update",
            obj=grant,
            before=before,
            after=snapshot(grant, GRANT_FIELDS),
        )
    return grant
