"""Lifecycle jobs: expire holds, decline unanswered requests, complete bookings, remind.
Each run twice, and run in two threads at once, has the effect of running once."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connections

from bookings import services, signals
from bookings.models import Booking, BookingEvent
from core import jobs
from core.models import OutboxMessage
from tests.bookings.conftest import NOW, at
from tests.factories import UserFactory

DAY = "2026-12-02"


def _book(room, user, start, end, payment="venue", now=NOW):
    return services.booking_create(
        user=user, room=room, start=start, end=end, payment=payment, now=now
    )


@pytest.fixture
def received():
    """Collect the booking signals that were sent."""
    got = []

    def receiver(signal, sender, booking_id, **kwargs):
        got.append((signal, booking_id))

    for signal in (
        signals.booking_confirmed,
        signals.booking_cancelled,
        signals.booking_completed,
        signals.booking_no_show,
    ):
        signal.connect(receiver, weak=False)
    yield got
    for signal in (
        signals.booking_confirmed,
        signals.booking_cancelled,
        signals.booking_completed,
        signals.booking_no_show,
    ):
        signal.disconnect(receiver)


def _online(room):
    room.venue.pay_online = True
    room.venue.save()


@pytest.mark.django_db
def test_an_unpaid_hold_expires_after_15_minutes_and_frees_the_slot(room_a, client_user):
    _online(room_a)
    hold = _book(room_a, client_user, at(DAY, "19:00"), at(DAY, "20:00"), "online")
    assert jobs.run("bookings_expire_holds", now=NOW + timedelta(minutes=14)) == "expired 0 holds"
    assert jobs.run("bookings_expire_holds", now=NOW + timedelta(minutes=15)) == "expired 1 holds"
    assert jobs.run("bookings_expire_holds", now=NOW + timedelta(minutes=16)) == "expired 0 holds"
    hold.refresh_from_db()
    assert hold.status == "expired"
    assert _book(room_a, UserFactory(), at(DAY, "19:00"), at(DAY, "20:00")).status == "confirmed"


@pytest.mark.django_db
def test_an_unanswered_request_is_declined_with_an_email(
    room_a, client_user, django_capture_on_commit_callbacks
):
    room_a.venue.booking_mode = "request"
    room_a.venue.save()
    request = _book(room_a, client_user, at("2026-12-05", "19:00"), at("2026-12-05", "20:00"))
    mail.outbox.clear()
    assert jobs.run("bookings_decline_unanswered", now=NOW + timedelta(hours=23)).startswith(
        "declined 0"
    )
    with django_capture_on_commit_callbacks(execute=True):
        jobs.run("bookings_decline_unanswered", now=NOW + timedelta(hours=24))
        jobs.run("bookings_decline_unanswered", now=NOW + timedelta(hours=25))
    request.refresh_from_db()
    assert request.status == "declined"
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_bookings_complete_after_their_end_once_with_a_signal(
    room_a, client_user, received, django_capture_on_commit_callbacks
):
    booking = _book(room_a, client_user, at(DAY, "19:00"), at(DAY, "21:00"))
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.run("bookings_complete", now=at(DAY, "20:59")) == "completed 0 bookings"
        assert jobs.run("bookings_complete", now=at(DAY, "21:00")) == "completed 1 bookings"
        assert jobs.run("bookings_complete", now=at(DAY, "22:00")) == "completed 0 bookings"
    booking.refresh_from_db()
    assert booking.status == "completed"
    assert received.count((signals.booking_completed, booking.pk)) == 1


@pytest.mark.django_db
def test_reminders_go_once_24_hours_before(room_a, client_user, django_capture_on_commit_callbacks):
    _book(room_a, client_user, at(DAY, "19:00"), at(DAY, "21:00"))
    _book(room_a, client_user, at("2026-12-04", "19:00"), at("2026-12-04", "21:00"))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            jobs.run("bookings_send_reminders", now=at("2026-12-01", "18:59")) == "sent 0 reminders"
        )
        assert (
            jobs.run("bookings_send_reminders", now=at("2026-12-01", "19:00")) == "sent 1 reminders"
        )
        assert (
            jobs.run("bookings_send_reminders", now=at("2026-12-01", "20:00")) == "sent 0 reminders"
        )
    assert len(mail.outbox) == 1
    assert mail.outbox[0].attachments[0][0].endswith(".ics")


@pytest.mark.django_db
def test_runjob_runs_a_booking_job_by_hand(room_a, client_user, capsys):
    _book(room_a, client_user, at(DAY, "19:00"), at(DAY, "21:00"))
    call_command("runjob", "bookings_complete", "--now", "2026-12-02T22:00:00+03:00")
    assert "completed 1 bookings" in capsys.readouterr().out


def _concurrently(name, now, threads=4):
    results = []
    barrier = threading.Barrier(threads)

    def worker():
        try:
            barrier.wait(timeout=30)
            results.append(jobs.run(name, now=now))
        finally:
            connections.close_all()

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_each_job_run_concurrently_has_one_effect(venue_a, room_a, received):
    users = [UserFactory() for _ in range(3)]
    venue_a.pay_online = True
    venue_a.save()
    holds = [
        _book(
            room_a, users[0], at("2026-12-03", f"{h}:00"), at("2026-12-03", f"{h + 1}:00"), "online"
        )
        for h in (10, 12, 14)
    ]
    done = [
        _book(room_a, users[1], at(DAY, f"{h}:00"), at(DAY, f"{h + 1}:00")) for h in (10, 12, 14)
    ]
    soon = [
        _book(room_a, users[2], at("2026-12-03", f"{h}:00"), at("2026-12-03", f"{h + 1}:00"))
        for h in (18, 20)
    ]
    venue_a.booking_mode = "request"
    venue_a.save()
    requests = [
        _book(room_a, users[2], at("2026-12-04", f"{h}:00"), at("2026-12-04", f"{h + 1}:00"))
        for h in (18, 20)
    ]
    later = NOW + timedelta(hours=30)
    expired = _concurrently("bookings_expire_holds", later)
    completed = _concurrently("bookings_complete", later)
    reminded = _concurrently("bookings_send_reminders", at("2026-12-02", "21:00"))
    declined = _concurrently("bookings_decline_unanswered", later)
    assert sum(int(r.split()[1]) for r in expired) == len(holds)
    assert sum(int(r.split()[1]) for r in completed) == len(done)
    assert sum(int(r.split()[1]) for r in reminded) == len(soon)
    assert sum(int(r.split()[1]) for r in declined) == len(requests)
    # One history line per change, one completion signal per booking.
    for booking in done:
        assert BookingEvent.objects.filter(booking=booking, action="complete").count() == 1
        assert received.count((signals.booking_completed, booking.pk)) == 1
    assert Booking.objects.filter(status="expired").count() == 3
    assert Booking.objects.filter(reminder_sent_at__isnull=False).count() == 2


@pytest.mark.django_db
def test_old_idempotency_keys_are_forgotten(client_user):
    from django.utils import timezone

    from core.models import IdempotencyKey

    old = IdempotencyKey.objects.create(
        user=client_user, key="old", fingerprint="x", response_status=201
    )
    IdempotencyKey.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=3))
    IdempotencyKey.objects.create(user=client_user, key="new", fingerprint="x", response_status=201)
    assert jobs.run("idempotency_keys_clear", now=timezone.now()) == "deleted 1 idempotency keys"
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]


@pytest.mark.django_db
def test_a_block_can_be_lifted_while_it_runs(owner_a, room_a):
    block = services.block_create(
        actor=owner_a, room=room_a, start=at(DAY, "10:00"), end=at(DAY, "14:00"), note="ремонт"
    )
    services.booking_cancel(booking_id=block.pk, actor=owner_a, by_venue=True, now=at(DAY, "11:00"))
    block.refresh_from_db()
    assert block.status == "cancelled"


@pytest.mark.django_db
def test_signals_queue_their_work_in_the_outbox_and_it_leaves_after_commit(
    room_a, client_user, owner_a, received, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        booking = _book(room_a, client_user, at(DAY, "19:00"), at(DAY, "21:00"))
    # The receivers ran in the transaction: their tasks are owed, none has left yet.
    assert (signals.booking_confirmed, booking.pk) in received
    owed = OutboxMessage.objects.filter(sent_at__isnull=True)
    assert {"core.email_send", "loyalty.cashback_pend"} <= set(owed.values_list("task", flat=True))
    for callback in callbacks:
        callback()
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_mark_no_show(booking_id=booking.pk, actor=owner_a, now=at(DAY, "19:30"))
        other = _book(room_a, client_user, at(DAY, "12:00"), at(DAY, "13:00"))
        services.booking_cancel(booking_id=other.pk, actor=client_user, now=NOW)
    assert (signals.booking_no_show, booking.pk) in received
    assert (signals.booking_cancelled, other.pk) in received
