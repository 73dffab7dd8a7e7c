"""Staff in admin: tiers, campaigns and holiday grants are written through loyalty's services
(validated, audited); the ledger stays read-only."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from loyalty import services
from loyalty.models import Account, Campaign, HolidayGrant, LedgerTransaction, Tier
from tests.admin_pages import audited, open_form, refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, staff_user):
    client.force_login(staff_user)
    client.cookies["django_language"] = "en"
    return client


def url(model: str, view: str, *args) -> str:
    return reverse(f"admin:loyalty_{model}_{view}", args=args)


def test_a_tier_changed_in_admin_is_audited_and_a_bad_percent_is_refused(staff, staff_user):
    gold = Tier.objects.get(name="Золото")
    data = open_form(staff, url("tier", "change", gold.pk))
    data["cashback_percent"] = "4.00"
    assert staff.post(url("tier", "change", gold.pk), data).status_code == 302
    gold.refresh_from_db()
    assert gold.cashback_percent == Decimal("4.00")
    entry = audited("tier.update", staff_user)
    assert (entry.before["cashback_percent"], entry.after["cashback_percent"]) == ("3.00", "4.00")

    data["cashback_percent"] = "16"
    refused(staff.post(url("tier", "change", gold.pk), data), "from 0 to 15 %")
    gold.refresh_from_db()
    assert gold.cashback_percent == Decimal("4.00")


def test_tiers_campaigns_and_holiday_grants_are_not_deleted_in_admin(staff):
    for model in ("tier", "campaign", "holidaygrant"):
        page = staff.get(url(model, "changelist")).content.decode()
        assert "delete_selected" not in page


def test_a_platform_campaign_started_in_admin_goes_through_the_service(staff, staff_user):
    data = open_form(staff, url("campaign", "add"))
    page = staff.get(url("campaign", "add")).content.decode()
    assert '<option value="rehearsal">' in page  # room types are chosen by name
    data.update(
        {"name": "Зимняя акция", "kind": "extra_percent", "value": "2", "room_kind": "rehearsal"}
    )
    assert staff.post(url("campaign", "add"), data).status_code == 302
    campaign = Campaign.objects.get(name="Зимняя акция")
    assert campaign.venue is None and campaign.created_by == staff_user
    assert campaign.room_kind == "rehearsal"
    audited("campaign.create", staff_user)

    # Paused by staff, then a value the service refuses: the page says why, nothing changes.
    change = url("campaign", "change", campaign.pk)
    data = open_form(staff, change)
    data.pop("is_active")
    assert staff.post(change, data).status_code == 302
    campaign.refresh_from_db()
    assert not campaign.is_active
    data.update({"kind": "multiplier", "value": "1"})
    refused(staff.post(change, data), "A multiplier must be greater than 1.")
    campaign.refresh_from_db()
    assert (campaign.kind, campaign.value) == ("extra_percent", Decimal("2.00"))
    assert audited("campaign.update", staff_user).after["is_active"] == "False"


def test_a_holiday_grant_saved_in_admin_is_audited(staff, staff_user):
    data = open_form(staff, url("holidaygrant", "add"))
    data.update(
        {
            "name": "8 Марта",
            "holiday_date": "2030-03-08",
            "grant_date": "2030-03-05",
            "amount": "200",
            "lifetime_days": "10",
            "audience": "everyone",
        }
    )
    assert staff.post(url("holidaygrant", "add"), data).status_code == 302
    grant = HolidayGrant.objects.get(name="8 Марта")
    audited("holiday_grant.create", staff_user)
    change = url("holidaygrant", "change", grant.pk)
    data = open_form(staff, change)
    data["amount"] = "300"
    assert staff.post(change, data).status_code == 302
    assert audited("holiday_grant.update", staff_user).after["amount"] == 300


def test_staff_reach_a_clients_balance_lots_and_history_from_the_clients_page(staff, client_user):
    tx = services.points_credit(
        services.Movement(
            user=client_user,
            amount=500,
            lifetime=timedelta(days=90),
            kind="welcome",
            reason="Welcome bonus",
            idempotency_key="welcome:admin-links",
            now=timezone.now(),
        )
    )
    page = staff.get(reverse("admin:accounts_user_change", args=[client_user.pk]))
    text = page.content.decode()
    assert "Points: 500" in text
    links = {label: href for href, label in re.findall(r'<a href="([^"]+)">([^<]+)</a>', text)}
    history = staff.get(links["History"].replace("&amp;", "&"))
    assert list(history.context["cl"].result_list) == [tx]
    lots = staff.get(links["Lots"].replace("&amp;", "&"))
    assert [lot.remaining for lot in lots.context["cl"].result_list] == [500]

    # The wallet's own page links to its entries: the transactions with a posting on it.
    wallet = Account.objects.get(user=client_user, kind=Account.Kind.WALLET)
    text = staff.get(url("account", "change", wallet.pk)).content.decode()
    entries = re.search(r'<a href="([^"]+)">Entries</a>', text).group(1)
    listed = staff.get(entries.replace("&amp;", "&")).context["cl"].result_list
    assert list(listed) == list(LedgerTransaction.objects.filter(postings__account=wallet))
    assert tx in listed


def test_a_ledger_search_by_booking_number_or_words_finds_rows(staff, client_user):
    page = staff.get(url("ledgertransaction", "changelist"), {"q": "anything 12"})
    assert page.status_code == 200
