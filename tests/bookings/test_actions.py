"""The booking page offers exactly what the services allow: one set of rules for both."""

from __future__ import annotations

import datetime as dt

import pytest

from bookings import selectors, services
from core.errors import Conflict
from tests.factories import BookingFactory

pytestmark = pytest.mark.django_db


def test_a_booking_paid_online_is_not_offered_a_move_and_the_service_refuses_one(room_a):
    booking = BookingFactory(room=room_a, payment="online", paid_at=dt.datetime.now(dt.UTC))
    now = booking.start - dt.timedelta(days=2)
    actions = selectors.booking_actions(booking, now=now)
    assert actions.cancellable and not actions.movable and not actions.payable
    with pytest.raises(Conflict):
        services.booking_reschedule(
            booking_id=booking.pk, actor=booking.user, start=booking.start, end=booking.end, now=now
        )


def test_nothing_is_offered_once_the_session_has_started_and_the_services_agree(room_a):
    booking = BookingFactory(room=room_a)
    now = booking.start + dt.timedelta(minutes=1)
    actions = selectors.booking_actions(booking, now=now)
    assert not (actions.cancellable or actions.movable or actions.payable or actions.reviewable)
    with pytest.raises(Conflict):
        services.booking_cancel(booking_id=booking.pk, actor=booking.user, now=now)
