"""What people read about points: My points history lines (releases, the venue's bonus, dates,
plurals) and the staff admin (reasons filled in, translated headers and lots, system account
balances, holiday-grant form errors)."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command

from accounts.models import User
from demo.accounts import DEMO_USERS
from loyalty.models import Account, HolidayGrant, Lot
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return UserFactory(email="root@example.com", is_staff=True, is_superuser=True)


@pytest.fixture
def demo():
    call_command("seed_demo", verbosity=0)
    return User.objects.get(email=DEMO_USERS["client"][0])


def test_my_points_history_reads_as_what_happened(client, demo):
    client.force_login(demo)
    html = client.get("/me/points/").content.decode()
    assert '<div class="table-scroll"><table class="history stack">' in html
    # A release is one movement into the balance, not "+27 −27 pending".
    assert "(из ожидающих)" in html
    assert not re.search(r"\+\d+\s*<span class=\"badge\">−?-\d+ ожидают", html)
    # The venue-funded part of a booking's cashback is told apart from the platform's.
    assert "(бонус объекта)" in html
    assert re.search(r'<td class="history-date">\d{1,2} [а-я]+ \d{4}, \d\d:\d\d</td>', html)
    client.post("/i18n/setlang/", {"language": "en", "next": "/me/points/"})
    english = client.get("/me/points/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    if 'lang="en"' in english:
        assert "p.m." not in english and "a.m." not in english
        assert re.search(
            r'<td class="history-date">\d{1,2} [A-Z][a-z]+ \d{4}, \d\d:\d\d</td>', english
        )


def test_admin_ledger_shows_the_reason_as_the_client_reads_it(client, demo, superuser):
    client.force_login(superuser)
    listing = client.get("/admin/loyalty/ledgertransaction/").content.decode()
    assert "Кешбэк за бронирование в «" in listing
    assert "%(venue)s" not in listing and "%(booking)s" not in listing
    assert "Booking id" not in listing and "BOOKING ID" not in listing.upper().replace("БРОНЬ", "")
    tx = demo.points_transactions.filter(reason__contains="%(venue)s").first()
    detail = client.get(f"/admin/loyalty/ledgertransaction/{tx.pk}/change/").content.decode()
    assert "Кешбэк за бронирование в «" in detail
    lot = Lot.objects.filter(transaction__user=demo).first()
    lot_page = client.get(f"/admin/loyalty/lot/{lot.pk}/change/").content.decode()
    assert "lot #" not in lot_page and lot_page.count("партия №") >= 0
    assert str(lot) == f"партия №{lot.pk}: осталось {lot.remaining} из {lot.amount}"


def test_admin_accounts_show_the_postings_sum_of_system_accounts(
    client, demo, superuser, django_assert_max_num_queries
):
    issuance = Account.objects.get(kind="issuance")
    total = sum(issuance.postings.values_list("amount", flat=True))
    assert total < 0 and issuance.balance == 0
    client.force_login(superuser)
    with django_assert_max_num_queries(12):  # no query per row
        html = client.get("/admin/loyalty/account/?kind__exact=issuance").content.decode()
    assert f'<td class="field-balance_display">{total}</td>' in html.replace("\u2212", "-")


def test_holiday_grant_admin_errors_read_as_sentences(client, staff_user):
    client.force_login(staff_user)
    form = {
        "name": "Новый год",
        "holiday_date": "2026-12-31",
        "grant_date": "2027-01-02",
        "amount": "100",
        "lifetime_days": "14",
        "audience": "everyone",
        "is_active": "on",
    }
    html = client.post("/admin/loyalty/holidaygrant/add/", form).content.decode()
    assert "Дата начисления не может быть позже праздника." in html
    assert "loyalty_holiday_grant_before_holiday" not in html
    html = client.post(
        "/admin/loyalty/holidaygrant/add/",
        {**form, "grant_date": "2026-12-28", "lifetime_days": "0"},
    ).content.decode()
    assert "Укажите положительное число баллов и дней." in html
    assert "loyalty_holiday_grant_positive" not in html
    assert not HolidayGrant.objects.exists()
