"""Cashback follows its booking through changes: a move re-plans the pending cashback, a no-show
marked after the dispute window claws back the released cashback, and a completion run ahead of
the clock (`runjob bookings_complete --now`) still raises the tier at once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from bookings import services
from loyalty import services as ledger
from loyalty.models import Account, ClientTier, LedgerTransaction, Posting, Tier
from loyalty.selectors import booking_points, points_summary
from tests.bookings.conftest import NOW, at
from tests.spending.conftest import audit_clean

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

DAY = "2026-12-02"  # Wednesday
START, END = at(DAY, "19:00"), at(DAY, "21:00")  # 2,000 ₽: Bronze 1 % = 20 points


def pending(user) -> int:
    return points_summary(user=user, now=NOW).pending


def wallet(user) -> int:
    account = Account.objects.filter(user=user, kind="wallet").first()
    return account.balance if account else 0


@pytest.fixture
def booked(client_user, points_room, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        booking = services.booking_create(
            user=client_user, room=points_room, start=START, end=END, payment="venue", now=NOW
        )
    assert pending(client_user) == 20
    return booking


def move(booking, start, end, capture):
    with capture(execute=True):
        return services.booking_reschedule(
            booking_id=booking.pk, actor=booking.user, start=start, end=end, now=NOW
        )


def test_a_moved_booking_earns_the_cashback_of_its_new_price(
    booked, client_user, points_room, django_capture_on_commit_callbacks
):
    points_room.venue.cashback_boost_percent = 3
    points_room.venue.save()
    # One hour instead of two: 1,000 ₽ at 1 % + the venue's 3 % boost = 40 points.
    move(booked, START, START + dt.timedelta(hours=1), django_capture_on_commit_callbacks)
    assert pending(client_user) == 40
    assert booking_points(booking_ids=[booked.pk])[booked.pk].cashback == 40  # the booking page
    # The task delivered twice changes nothing.
    assert ledger.cashback_replan(booking_id=booked.pk, now=NOW) == []
    assert pending(client_user) == 40
    # Back to two hours: 2,000 ₽ × 4 % = 80; after the session and the job, 80 become available.
    move(booked, START, END, django_capture_on_commit_callbacks)
    assert pending(client_user) == 80
    with django_capture_on_commit_callbacks(execute=True):
        services.bookings_complete(now=END)
    call_command("runjob", "loyalty_accrue", now=(END + dt.timedelta(hours=24)).isoformat())
    assert (wallet(client_user), pending(client_user)) == (80, 0)
    audit_clean()


def test_a_moved_then_cancelled_booking_earns_nothing(
    booked, client_user, django_capture_on_commit_callbacks
):
    move(booked, START, START + dt.timedelta(hours=1), django_capture_on_commit_callbacks)
    assert pending(client_user) == 10
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_cancel(booking_id=booked.pk, actor=client_user, now=NOW)
    assert pending(client_user) == 0
    call_command("runjob", "loyalty_accrue", now=(END + dt.timedelta(days=2)).isoformat())
    assert wallet(client_user) == 0
    audit_clean()


def test_a_no_show_after_the_dispute_window_claws_the_cashback_back(
    booked, client_user, owner_a, points_room, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.bookings_complete(now=END)
    call_command("runjob", "loyalty_accrue", now=(END + dt.timedelta(hours=24)).isoformat())
    assert wallet(client_user) == 20
    # The client spends 15 of the 20 before the venue marks the no-show.
    ledger.points_spend(
        ledger.Movement(
            user=client_user,
            amount=15,
            venue=points_room.venue,
            reason="Test",
            idempotency_key="spend-before-no-show",
            now=END + dt.timedelta(hours=25),
        )
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_mark_no_show(
            booking_id=booked.pk, actor=owner_a, now=END + dt.timedelta(days=2)
        )
    # 5 points taken back; the 15 already spent are the platform's loss, never a negative balance.
    assert wallet(client_user) == 0
    clawback = LedgerTransaction.objects.get(booking=booked, kind="clawback")
    loss = Posting.objects.get(transaction=clawback, account__kind="clawback_receivable")
    assert loss.amount == -15
    assert booking_points(booking_ids=[booked.pk])[booked.pk].cashback == 0
    # A second delivery of the event changes nothing.
    ledger.cashback_cancel(booking_id=booked.pk, now=END + dt.timedelta(days=2))
    assert LedgerTransaction.objects.filter(booking=booked, kind="clawback").count() == 1
    audit_clean()


def test_the_completion_job_run_ahead_of_the_clock_upgrades_the_tier(
    booked, client_user, django_capture_on_commit_callbacks
):
    Tier.objects.filter(name="Серебро").update(min_sessions_365d=1)
    # The clock is frozen on 1 December; the job is run as of the evening of the 2nd.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("runjob", "bookings_complete", now=(END + dt.timedelta(minutes=5)).isoformat())
    assert ClientTier.objects.get(user=client_user).tier.name == "Серебро"
