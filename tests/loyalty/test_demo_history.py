"""seed_demo gives the demo client a believable points history and the venues campaigns."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from demo.accounts import DEMO_USERS
from loyalty.models import Campaign, LedgerTransaction
from loyalty.selectors import ledger_audit


@pytest.mark.django_db
def test_seed_demo_history_welcome_cashback_campaigns_once():
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    email = DEMO_USERS["client"][0]
    kinds = list(LedgerTransaction.objects.filter(user__email=email).values_list("kind", flat=True))
    assert kinds.count("welcome") == 1
    assert kinds.count("pending_release") >= 4
    assert Campaign.objects.filter(venue__isnull=True).count() == 1
    assert Campaign.objects.filter(venue__isnull=False).exists()
    assert not ledger_audit().violations
    # The pending cashback belongs to an upcoming confirmed booking, so the job can release it.
    pending = LedgerTransaction.objects.filter(
        user__email=email, kind="cashback", lifetime__isnull=False
    ).exclude(children__kind__in=("pending_release", "pending_cancel"))
    assert pending.exists()
    assert {tx.booking.status for tx in pending} == {"confirmed"}
