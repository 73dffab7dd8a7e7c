"""The schedule freshness job: a reminder at 25 days (once per confirmation), points off at 30."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from core.models import AuditLog
from venues import services
from venues.models import Venue

pytestmark = pytest.mark.django_db(transaction=True)

CONFIRMED = dt.datetime(2026, 11, 1, 12, 0, tzinfo=dt.UTC)


def run(now: dt.datetime) -> None:
    call_command("runjob", "venues_schedule_freshness", "--now", now.isoformat())


@pytest.fixture
def accepting(venue_a, owner_a):
    Venue.objects.filter(pk=venue_a.pk).update(accepts_points=True, schedule_confirmed_at=CONFIRMED)
    return venue_a


def test_reminder_once_per_confirmation_then_points_off_at_30_days(accepting, owner_a, mailoutbox):
    run(CONFIRMED + dt.timedelta(days=24))
    assert mailoutbox == []
    run(CONFIRMED + dt.timedelta(days=25, hours=1))
    run(CONFIRMED + dt.timedelta(days=26))  # twice: one e-mail
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [owner_a.email]
    accepting.refresh_from_db()
    assert accepting.accepts_points
    run(CONFIRMED + dt.timedelta(days=30, hours=1))
    run(CONFIRMED + dt.timedelta(days=31))
    accepting.refresh_from_db()
    assert not accepting.accepts_points
    assert AuditLog.objects.filter(action="venue.points_off_stale_schedule").count() == 1
    # The reminder said how old the schedule was; the owner is told when points stop, once.
    assert "25 дн. назад" in mailoutbox[0].body
    assert len(mailoutbox) == 2 and "30" in mailoutbox[1].body
    assert mailoutbox[1].subject != mailoutbox[0].subject


def test_confirming_the_schedule_switches_paused_points_back_on(accepting, owner_a, client):
    run(CONFIRMED + dt.timedelta(days=31))
    accepting.refresh_from_db()
    assert not accepting.accepts_points and accepting.points_off_stale_schedule
    client.force_login(owner_a)
    page = client.get(f"/dashboard/venues/{accepting.pk}/points/").content.decode()
    assert "не подтверждали 30 дней" in page
    services.schedule_confirm(actor=owner_a, venue=accepting, now=CONFIRMED + dt.timedelta(days=32))
    accepting.refresh_from_db()
    assert accepting.accepts_points and not accepting.points_off_stale_schedule
    assert AuditLog.objects.filter(action="venue.points_on_schedule_confirmed").count() == 1


def test_points_the_owner_switched_off_stay_off_after_a_confirmation(accepting, owner_a):
    run(CONFIRMED + dt.timedelta(days=31))
    services.venue_loyalty_update(actor=owner_a, venue=accepting, accepts_points=False)
    services.schedule_confirm(actor=owner_a, venue=accepting, now=CONFIRMED + dt.timedelta(days=32))
    accepting.refresh_from_db()
    assert not accepting.accepts_points


def test_a_new_confirmation_gets_a_new_reminder(accepting, owner_a, mailoutbox):
    run(CONFIRMED + dt.timedelta(days=25, hours=1))
    services.schedule_confirm(actor=owner_a, venue=accepting, now=CONFIRMED + dt.timedelta(days=27))
    run(CONFIRMED + dt.timedelta(days=28))
    assert len(mailoutbox) == 1
    run(CONFIRMED + dt.timedelta(days=27 + 25, hours=1))
    assert len(mailoutbox) == 2
    accepting.refresh_from_db()
    assert accepting.accepts_points


def test_venues_not_accepting_points_are_left_alone(venue_a, mailoutbox):
    Venue.objects.filter(pk=venue_a.pk).update(schedule_confirmed_at=CONFIRMED)
    run(CONFIRMED + dt.timedelta(days=40))
    assert mailoutbox == []
    assert not AuditLog.objects.filter(action="venue.points_off_stale_schedule").exists()


def test_the_reminder_says_how_old_the_schedule_is(accepting, mailoutbox):
    run(CONFIRMED + dt.timedelta(days=28, hours=3))  # the job was not run for a few days
    assert len(mailoutbox) == 1 and "28 дн. назад" in mailoutbox[0].body
    assert "в течение 2 дн." in mailoutbox[0].body  # left until points stop


def test_saving_other_settings_while_paused_keeps_the_pause(accepting, owner_a):
    run(CONFIRMED + dt.timedelta(days=31))
    accepting.refresh_from_db()
    # The settings form sends accepts_points (still unticked) with a new boost.
    services.venue_loyalty_update(
        actor=owner_a, venue=accepting, accepts_points=False, cashback_boost_percent=3
    )
    services.schedule_confirm(actor=owner_a, venue=accepting, now=CONFIRMED + dt.timedelta(days=32))
    accepting.refresh_from_db()
    assert accepting.accepts_points and accepting.cashback_boost_percent == 3
