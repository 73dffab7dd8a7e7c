"""What PostgreSQL itself refuses, whatever the application does (migration 0002 and CHECKs)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction

from loyalty import services
from loyalty.models import Account, Allocation, LedgerTransaction, Lot, Posting
from tests.loyalty.conftest import T0

pytestmark = pytest.mark.django_db


@pytest.fixture
def credited(client_user):
    return services.points_credit(
        services.Movement(
            user=client_user,
            amount=100,
            lifetime=timedelta(days=30),
            kind="bonus",
            reason="Bonus",
            idempotency_key="bonus:1",
            now=T0,
        )
    )


def check_now():
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_an_unbalanced_transaction_is_refused_at_commit(client_user, credited):
    wallet = Account.objects.get(user=client_user, kind="wallet")
    with pytest.raises(IntegrityError, match="sum to 5"), transaction.atomic():
        tx = LedgerTransaction.objects.create(
            kind="bonus", reason="x", idempotency_key="bad", fingerprint="x", created_at=T0
        )
        Posting.objects.create(transaction=tx, account=wallet, amount=5)
        check_now()


def test_a_balanced_transaction_passes_the_commit_check(credited):
    check_now()  # fires the deferred trigger for the postings of `credited`


@pytest.mark.parametrize("model", [Posting, LedgerTransaction, Allocation])
def test_history_cannot_be_updated_or_deleted(credited, model):
    row = model.objects.first()
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        model.objects.filter(pk=row.pk).update(**{"id": row.pk})
    # Raw SQL: Django's own PROTECT checks would refuse before the database is asked.
    sql = f"DELETE FROM {model._meta.db_table} WHERE id = %s"  # noqa: S608
    with (
        pytest.raises(IntegrityError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [row.pk])


def test_a_wallet_cannot_go_below_zero(client_user, credited):
    with pytest.raises(IntegrityError, match="balance_not_negative"), transaction.atomic():
        Account.objects.filter(user=client_user, kind="wallet").update(balance=-1)


def test_a_lot_remaining_stays_between_zero_and_its_amount(credited):
    lot = Lot.objects.get()
    for bad in (-1, 101):
        with pytest.raises(IntegrityError, match="remaining_within_amount"), transaction.atomic():
            Lot.objects.filter(pk=lot.pk).update(remaining=bad)


def test_a_pending_credit_cannot_be_settled_twice_even_bypassing_the_service(client_user):
    pending = services.points_pending_credit(
        services.Movement(
            user=client_user,
            amount=10,
            lifetime=timedelta(days=30),
            kind="cashback",
            reason="Cashback",
            idempotency_key="cashback:booking:1",
            now=T0,
        )
    )
    LedgerTransaction.objects.create(
        kind="pending_release",
        reason="x",
        idempotency_key="r1",
        fingerprint="x",
        parent=pending,
        created_at=T0,
    )
    with pytest.raises(IntegrityError, match="settled_once"), transaction.atomic():
        LedgerTransaction.objects.create(
            kind="pending_cancel",
            reason="x",
            idempotency_key="r2",
            fingerprint="x",
            parent=pending,
            created_at=T0,
        )
