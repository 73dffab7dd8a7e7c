"""Holiday grants: bulk credit to an audience, once per client, e-mail after commit, audit clean."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connections

from loyalty import services, signals
from loyalty.models import Account, ClientTier, HolidayGrant, LedgerTransaction, Lot, Tier
from loyalty.selectors import ledger_audit
from tests.factories import BookingFactory, CityFactory, RoomFactory, UserFactory

NOW = datetime(2030, 3, 5, 7, 0, tzinfo=UTC)  # 10:00 in Moscow, 5 March


def wallet(user) -> int:
    account = Account.objects.filter(user=user, kind="wallet").first()
    return account.balance if account else 0


def grant(**kwargs) -> HolidayGrant:
    values = {
        "name": "8 Марта",
        "holiday_date": date(2030, 3, 8),
        "grant_date": date(2030, 3, 5),
        "amount": 200,
        "lifetime_days": 10,
        "message": "С праздником!",
    }
    values.update(kwargs)
    return HolidayGrant.objects.create(**values)


@pytest.mark.django_db
def test_everyone_gets_the_gift_once_in_bulk_with_an_email_and_the_ledger_stays_sound(
    django_capture_on_commit_callbacks,
):
    users = [UserFactory() for _ in range(25)]
    staff = UserFactory(is_staff=True)  # platform staff are not the audience
    services.points_credit(
        services.Movement(
            user=users[0],
            amount=50,
            lifetime=timedelta(days=5),
            kind="bonus",
            reason="x",
            idempotency_key="pre",
            now=NOW,
        )
    )
    gift = grant()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.holiday_grants_run(now=NOW, batch_size=7) == 25
    with django_capture_on_commit_callbacks(execute=True):
        call_command("runjob", "loyalty_holiday_grants", now=NOW.isoformat())
    assert [wallet(u) for u in users] == [250] + [200] * 24
    assert wallet(staff) == 0
    assert LedgerTransaction.objects.filter(kind="holiday").count() == 25
    lot = Lot.objects.filter(transaction__kind="holiday").first()
    assert lot.expires_at == NOW + timedelta(days=10)
    assert len(mail.outbox) == 25 and "С праздником!" in mail.outbox[0].body
    gift.refresh_from_db()
    assert gift.granted_count == 25 and gift.granted_at == NOW
    # The next day's run grants no one and leaves the time of the grant as it was.
    assert services.holiday_grants_run(now=NOW + timedelta(days=1)) == 0
    gift.refresh_from_db()
    assert gift.granted_count == 25 and gift.granted_at == NOW
    assert not ledger_audit().violations


@pytest.mark.django_db
@pytest.mark.parametrize("audience", ["active", "tier", "city"])
def test_an_audience_without_its_parameter_is_refused_never_everyone(audience, client):
    from django.db import IntegrityError, transaction

    from tests.factories import UserFactory as Users

    with pytest.raises(IntegrityError), transaction.atomic():
        grant(audience=audience)
    # The admin form says what is missing.
    staff = Users(is_staff=True, is_superuser=True)
    client.force_login(staff)
    response = client.post(
        "/admin/loyalty/holidaygrant/add/",
        {
            "name": "8 Марта",
            "holiday_date": "2030-03-08",
            "grant_date": "2030-03-05",
            "amount": "200",
            "lifetime_days": "10",
            "audience": audience,
            "is_active": "on",
            "granted_count": "0",
        },
    )
    assert response.status_code == 200
    assert "Уточните аудиторию" in response.content.decode()
    assert not HolidayGrant.objects.exists()


@pytest.mark.django_db
def test_not_before_the_grant_date_nor_after_the_holiday():
    UserFactory()
    grant()
    assert services.holiday_grants_run(now=NOW - timedelta(days=1)) == 0
    assert services.holiday_grants_run(now=NOW + timedelta(days=4)) == 0


@pytest.mark.django_db
def test_audiences_active_tier_at_least_and_city():
    gold = Tier.objects.get(name="Золото")
    active = UserFactory(last_login=NOW - timedelta(days=3))
    UserFactory(last_login=NOW - timedelta(days=60))
    golden = UserFactory()
    ClientTier.objects.create(user=golden, tier=gold, since=NOW, updated_at=NOW)
    platinum = UserFactory()
    ClientTier.objects.create(
        user=platinum, tier=Tier.objects.get(name="Платина"), since=NOW, updated_at=NOW
    )
    kazan = CityFactory(name="Казань", slug="kazan")
    local = UserFactory()
    BookingFactory(user=local, room=RoomFactory(venue__city=kazan), status="completed")
    by_active = grant(name="a", audience="active", active_days=30)
    by_tier = grant(name="t", audience="tier", min_tier=gold)
    by_city = grant(name="c", audience="city", city=kazan)
    # `local` booked long before the last 30 days (created_at is the real clock).
    assert set(services.holiday_audience(by_active, now=NOW)) == {active}
    assert set(services.holiday_audience(by_tier, now=NOW)) == {golden, platinum}
    assert set(services.holiday_audience(by_city, now=NOW)) == {local}


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_grant_each_client_once():
    users = [UserFactory() for _ in range(30)]
    grant()
    barrier = threading.Barrier(2)

    def worker():
        try:
            barrier.wait(timeout=30)
            services.holiday_grants_run(now=NOW, batch_size=8)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [wallet(u) for u in users] == [200] * 30
    assert LedgerTransaction.objects.filter(kind="holiday").count() == 30
    assert not ledger_audit().violations


def _rows(user) -> dict[str, object]:
    """Everything the ledger holds for a client's credits, without ids (ids differ)."""
    txs = LedgerTransaction.objects.filter(user=user).order_by("idempotency_key")
    return {
        "balance": wallet(user),
        "accounts": sorted(Account.objects.filter(user=user).values_list("kind", "balance")),
        "transactions": [
            (
                tx.kind,
                tx.reason,
                tx.reason_params,
                tx.venue_id,
                tx.booking_id,
                tx.actor_id,
                tx.parent_id,
                tx.lifetime,
                tx.created_at,
                sorted(tx.postings.values_list("account__kind", "amount")),
                sorted(
                    tx.lots.values_list(
                        "amount",
                        "remaining",
                        "expires_at",
                        "funder_venue_id",
                        "origin_id",
                        "created_at",
                        "expired_at",
                    )
                ),
                sorted(tx.allocations.values_list("amount", "reverses_id")),
            )
            for tx in txs
        ],
    }


def _one_by_one(gift: HolidayGrant, user) -> LedgerTransaction:
    return services.points_credit(
        services.Movement(
            user=user,
            amount=gift.amount,
            lifetime=timedelta(days=gift.lifetime_days),
            kind="holiday",
            reason=services.HOLIDAY_REASON,
            reason_params={"name": gift.name},
            idempotency_key=f"holiday:{gift.pk}:user:{user.pk}",
            now=NOW,
        )
    )


@pytest.mark.django_db
def test_the_bulk_grant_writes_for_each_client_what_points_credit_writes():
    """The audit, the history and every page see the same rows as credits made one by one:
    accounts, key, fingerprint, postings, lot, allocation, balance."""
    # A client with points already, and a client whose first movement this is (no accounts).
    bulk = [UserFactory(), UserFactory(), UserFactory()]
    single = [UserFactory(is_active=False) for _ in range(3)]  # outside the audience: twins
    for user in (bulk[0], single[0]):
        services.points_credit(
            services.Movement(
                user=user,
                amount=50,
                lifetime=timedelta(days=5),
                kind="bonus",
                reason="x",
                idempotency_key=f"pre:{user.pk}",
                now=NOW,
            )
        )
    gift = grant()
    assert services.holiday_grants_run(now=NOW, batch_size=2) == 3
    for user in single:
        _one_by_one(gift, user)

    for made, twin in zip(bulk, single, strict=True):
        assert _rows(made) == _rows(twin)
    # The same key and fingerprint: replaying the credit one by one answers the bulk one.
    for user in bulk:
        tx = LedgerTransaction.objects.get(idempotency_key=f"holiday:{gift.pk}:user:{user.pk}")
        assert _one_by_one(gift, user).pk == tx.pk
    assert not ledger_audit().violations


@pytest.mark.django_db
def test_a_second_run_the_same_day_is_one_query_and_the_next_day_finds_newcomers(
    django_assert_num_queries, django_capture_on_commit_callbacks
):
    users = [UserFactory() for _ in range(5)]
    gift = grant()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.holiday_grants_run(now=NOW, batch_size=2) == 5
    gift.refresh_from_db()
    assert gift.completed_on == date(2030, 3, 5)
    # The done-marker: no audience walked, nothing posted, nothing e-mailed.
    with django_assert_num_queries(1), django_capture_on_commit_callbacks(execute=True):
        assert services.holiday_grants_run(now=NOW + timedelta(hours=3), batch_size=2) == 0
    assert len(mail.outbox) == 5
    # A client who joins before the holiday gets the gift on the next day's run, once.
    late = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.holiday_grants_run(now=NOW + timedelta(days=1), batch_size=2) == 1
    assert [wallet(u) for u in [*users, late]] == [200] * 6
    assert [m.to for m in mail.outbox[5:]] == [[late.email]]
    gift.refresh_from_db()
    assert gift.granted_count == 6 and gift.completed_on == date(2030, 3, 6)


@pytest.mark.django_db
def test_a_changed_grant_is_looked_at_again_the_same_day(admin_user):
    gift = grant(audience="active", active_days=30)
    UserFactory(last_login=NOW - timedelta(days=3))
    dormant = UserFactory(last_login=NOW - timedelta(days=60))
    assert services.holiday_grants_run(now=NOW) == 1
    services.holiday_grant_update(actor=admin_user, grant=gift, values={"active_days": 90})
    assert services.holiday_grants_run(now=NOW + timedelta(hours=1)) == 1
    assert wallet(dormant) == 200


@pytest.mark.django_db
def test_a_crash_in_the_second_batch_resumes_where_it_stopped_and_e_mails_each_client_once(
    django_capture_on_commit_callbacks,
):
    users = [UserFactory() for _ in range(7)]
    gift = grant()
    batches = []

    def crash_on_the_second_batch(sender, user_ids, **kwargs):
        batches.append(user_ids)
        if len(batches) == 2:
            raise RuntimeError("worker killed")

    signals.holiday_gifts_granted.connect(crash_on_the_second_batch)
    try:
        with pytest.raises(RuntimeError), django_capture_on_commit_callbacks(execute=True):
            services.holiday_grants_run(now=NOW, batch_size=3)
    finally:
        signals.holiday_gifts_granted.disconnect(crash_on_the_second_batch)
    # The first batch is in, the second rolled back whole, and the grant is not done.
    assert [wallet(u) for u in users] == [200] * 3 + [0] * 4
    gift.refresh_from_db()
    assert gift.granted_count == 3 and gift.completed_on is None
    with django_capture_on_commit_callbacks(execute=True):
        assert services.holiday_grants_run(now=NOW, batch_size=3) == 4
    assert [wallet(u) for u in users] == [200] * 7
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in users)
    gift.refresh_from_db()
    assert gift.granted_count == 7 and gift.completed_on == date(2030, 3, 5)
    assert LedgerTransaction.objects.filter(kind="holiday").count() == 7
    assert not ledger_audit().violations
