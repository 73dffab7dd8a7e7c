"""Holiday grants: points for a whole audience before a holiday, credited in bulk."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TypedDict

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_noop

from accounts.models import User
from bookings.models import Booking
from core.after_commit import announce
from core.services import apply_values, audit_record, full_clean, snapshot
from loyalty import selectors, signals
from loyalty.models import (
    Account,
    Allocation,
    ClientTier,
    HolidayGrant,
    LedgerTransaction,
    Lot,
    Posting,
    Tier,
)
from loyalty.services.ledger.credits import credit_fingerprint
from loyalty.services.ledger.engine import AccountKind, Kind, Movement, system_account
from venues.models import City

HOLIDAY_REASON = gettext_noop("Holiday gift: %(name)s")


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


def _holiday_batch(grant: HolidayGrant, user_ids: list[int], *, now: datetime) -> list[int]:
    """Credit one batch in bulk (a few statements whatever its size); returns who got points."""
    lifetime = timedelta(days=grant.lifetime_days)
    keys = {uid: f"holiday:{grant.pk}:user:{uid}" for uid in user_ids}
    Account.objects.bulk_create(
        [Account(kind=kind, user_id=uid) for uid in user_ids for kind in Account.CLIENT_KINDS],
        ignore_conflicts=True,
    )
    # Lock order as everywhere: each client's wallet (ids ascending), then their lots.
    wallets = {
        account.user_id: account
        for account in Account.objects.select_for_update(no_key=True)
        .filter(user_id__in=user_ids, kind=AccountKind.WALLET)
        .order_by("id")
    }
    done = set(
        LedgerTransaction.objects.filter(idempotency_key__in=keys.values()).values_list(
            "user_id", flat=True
        )
    )
    todo = [uid for uid in user_ids if uid not in done and uid in wallets]
    if not todo:
        return []
    issuance = system_account(AccountKind.ISSUANCE)
    params = {"name": grant.name}
    txs = LedgerTransaction.objects.bulk_create(
        [
            LedgerTransaction(
                kind=Kind.HOLIDAY,
                reason=HOLIDAY_REASON,
                reason_params=params,
                user_id=uid,
                idempotency_key=keys[uid],
                # What points_credit of the same grant would record: a replay agrees.
                fingerprint=credit_fingerprint(
                    Movement(
                        user=User(pk=uid),
                        amount=grant.amount,
                        lifetime=lifetime,
                        kind=Kind.HOLIDAY,
                        reason=HOLIDAY_REASON,
                        idempotency_key=keys[uid],
                        now=now,
                    ),
                    pending=False,
                ),
                created_at=now,
            )
            for uid in todo
        ]
    )
    Posting.objects.bulk_create(
        [Posting(transaction=tx, account=issuance, amount=-grant.amount) for tx in txs]
        + [Posting(transaction=tx, account=wallets[tx.user_id], amount=grant.amount) for tx in txs]
    )
    lots = Lot.objects.bulk_create(
        [
            Lot(
                wallet=wallets[tx.user_id],
                amount=grant.amount,
                remaining=grant.amount,
                expires_at=now + lifetime,
                transaction=tx,
                created_at=now,
            )
            for tx in txs
        ]
    )
    Allocation.objects.bulk_create(
        [Allocation(transaction=lot.transaction, lot=lot, amount=grant.amount) for lot in lots]
    )
    Account.objects.filter(pk__in=[wallets[uid].pk for uid in todo]).update(
        balance=F("balance") + grant.amount
    )
    return todo


def holiday_grants_run(*, now: datetime, batch_size: int = 2000) -> int:
    """Grant every holiday grant due today (grant date ≤ today ≤ holiday) to its audience.

    Set-based: each batch of clients is credited in a handful of bulk statements in one
    transaction (the ledger invariants hold: each transaction balances, lots equal wallets),
    and the clients of the batch are e-mailed after it commits. Keys `holiday:<grant>:user:<id>`
    make a second run (or a second worker, which waits on the wallet locks) post nothing.
    """
    today = timezone.localtime(now).date()
    granted = 0
    due = HolidayGrant.objects.filter(
        is_active=True, grant_date__lte=today, holiday_date__gte=today
    ).select_related("min_tier")
    for grant in due:
        audience = holiday_audience(grant, now=now)
        last = 0
        count = 0
        while True:
            ids = list(audience.filter(pk__gt=last).values_list("pk", flat=True)[:batch_size])
            if not ids:
                break
            with transaction.atomic():
                made = _holiday_batch(grant, ids, now=now)
                if made:
                    announce(
                        signals.holiday_gifts_granted,
                        sender=HolidayGrant,
                        grant_id=grant.pk,
                        user_ids=made,
                    )
            count += len(made)
            last = ids[-1]
            if len(ids) < batch_size:
                break
        if count:  # a day that granted no one leaves the last grant's time as it was
            HolidayGrant.objects.filter(pk=grant.pk).update(
                granted_at=now, granted_count=F("granted_count") + count
            )
        granted += count
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


def holiday_grant_create(*, actor: User, values: HolidayGrantValues) -> HolidayGrant:
    """A holiday grant (staff): checked like the database checks it, audited. The daily job
    grants it from its grant date to the holiday."""
    grant = HolidayGrant()
    apply_values(grant, values, GRANT_FIELDS)
    full_clean(grant, exclude=("granted_at", "granted_count"), constraints=True)
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
    """Change a holiday grant (staff); clients already granted keep what they got."""
    with transaction.atomic():
        grant = HolidayGrant.objects.select_for_update().get(pk=grant.pk)
        before = snapshot(grant, GRANT_FIELDS)
        apply_values(grant, values, GRANT_FIELDS)
        full_clean(grant, exclude=("granted_at", "granted_count"), constraints=True)
        grant.save()
        audit_record(
            actor=actor,
            action="holiday_grant.update",
            obj=grant,
            before=before,
            after=snapshot(grant, GRANT_FIELDS),
        )
    return grant
