"""Bonuses: welcome on e-mail confirmation, profile completed, birthday — each once per key."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed
from django.core.management import call_command
from django.db import connections

from accounts.services import profile_update
from loyalty import services
from loyalty.models import Account, LedgerTransaction, Lot
from loyalty.selectors import ledger_audit
from tests.factories import UserFactory

NOW = datetime(2030, 5, 10, 9, 0, tzinfo=UTC)  # 12:00 in Moscow (TIME_ZONE)


def wallet(user) -> int:
    account = Account.objects.filter(user=user, kind="wallet").first()
    return account.balance if account else 0


@pytest.mark.django_db
def test_confirming_the_email_gives_500_points_for_90_days_once(
    client_user, django_capture_on_commit_callbacks
):
    address = EmailAddress.objects.get(user=client_user)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            email_confirmed.send(sender=EmailAddress, request=None, email_address=address)
    assert wallet(client_user) == 500
    lot = Lot.objects.get(wallet__user=client_user)
    assert lot.expires_at - lot.created_at == timedelta(days=90)
    assert LedgerTransaction.objects.filter(user=client_user, kind="welcome").count() == 1


@pytest.mark.django_db
def test_profile_bonus_once_when_name_phone_and_birthday_are_all_set(
    django_capture_on_commit_callbacks,
):
    user = UserFactory(name="", phone="", birthday=None)
    with django_capture_on_commit_callbacks(execute=True):
        profile_update(user=user, name="Иван", phone="", birthday=date(1990, 1, 1))
    assert wallet(user) == 0
    with django_capture_on_commit_callbacks(execute=True):
        profile_update(user=user, name="Иван", phone="+79161234567", birthday=date(1990, 1, 1))
    assert wallet(user) == 100
    with django_capture_on_commit_callbacks(execute=True):
        profile_update(user=user, name="Иван И.", phone="+79161234567", birthday=date(1990, 1, 2))
    assert wallet(user) == 100
    assert not ledger_audit().violations


@pytest.mark.django_db
def test_birthday_bonus_3_days_ahead_only_when_set_30_days_before_and_once_a_year():
    old = UserFactory(birthday=date(1990, 5, 13), birthday_set_at=NOW - timedelta(days=30))
    recent = UserFactory(birthday=date(1990, 5, 13), birthday_set_at=NOW - timedelta(days=29))
    other_day = UserFactory(birthday=date(1990, 5, 14), birthday_set_at=NOW - timedelta(days=90))
    call_command("runjob", "loyalty_birthdays", now=NOW.isoformat())
    call_command("runjob", "loyalty_birthdays", now=(NOW + timedelta(hours=5)).isoformat())
    assert (wallet(old), wallet(recent), wallet(other_day)) == (300, 0, 0)
    lot = Lot.objects.get(wallet__user=old)
    assert lot.expires_at - lot.created_at == timedelta(days=14)
    # Next year again.
    services.birthday_bonuses_grant(now=NOW.replace(year=2031))
    assert wallet(old) == 600


@pytest.mark.django_db
def test_leap_day_birthdays_are_celebrated_on_28_february_in_other_years():
    leap = UserFactory(birthday=date(2000, 2, 29), birthday_set_at=NOW - timedelta(days=400))
    assert services.birthday_bonuses_grant(now=datetime(2031, 2, 25, 9, tzinfo=UTC)) == 1
    assert wallet(leap) == 300


@pytest.mark.django_db(transaction=True)
def test_two_birthday_jobs_at_once_grant_each_client_once():
    users = [
        UserFactory(birthday=date(1990, 5, 13), birthday_set_at=NOW - timedelta(days=60))
        for _ in range(8)
    ]
    barrier = threading.Barrier(2)

    def worker():
        try:
            barrier.wait(timeout=30)
            services.birthday_bonuses_grant(now=NOW, batch_size=3)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [wallet(user) for user in users] == [300] * 8
    assert not ledger_audit().violations
