"""Holiday grants: bulk credit to an audience, once per client, e-mail after commit, audit clean."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connections

from loyalty import services
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
