"""What the venue team does with a booking: answer a request, mark it paid or a no-show, cancel
it. The pages and the API call them after scoping the booking to the member's organisations."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from bookings import signals
from bookings.models import Booking, BookingEvent
from bookings.services.client import booking_cancel
from bookings.services.state import Status, announce_booking, locked_booking, status_change
from core.errors import ApplicationError, Conflict
from core.services import audit_record


class TeamAction(Protocol):
    """The shape of the team's one-click actions on a booking (confirm, decline, mark paid, mark
    a no-show, cancel): the pages and the partner API call them all the same way."""

    def __call__(self, *, booking_id: int, actor: User) -> Booking: ...


def booking_confirm(*, booking_id: int, actor: User, now: datetime | None = None) -> Booking:
    """The venue accepts a request."""
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        booking = locked_booking(booking_id)
        if booking.status != Status.REQUESTED:
            raise Conflict(_("Only a request can be confirmed."), code="not_requested")
        status_change(booking, Status.CONFIRMED, action="confirm", actor=actor, now=now)
        announce_booking(signals.booking_confirmed, booking)
    return booking


def booking_decline(
    *, booking_id: int, actor: User | None, now: datetime | None = None, note: str = ""
) -> Booking:
    """The venue (or the timeout job, with no actor) declines a request."""
    with transaction.atomic(durable=True):
        booking = locked_booking(booking_id)
        if booking.status != Status.REQUESTED:
            raise Conflict(_("Only a request can be declined."), code="not_requested")
        status_change(
            booking,
            Status.DECLINED,
            action="decline" if actor else "decline_timeout",
            actor=actor,
            note=note,
            now=now,
        )
        announce_booking(signals.booking_declined, booking)
    return booking


def booking_mark_paid(*, booking_id: int, actor: User, now: datetime | None = None) -> Booking:
    """The venue records that a pay-at-the-venue booking was paid."""
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        booking = locked_booking(booking_id)
        if booking.status not in (Status.CONFIRMED, Status.COMPLETED):
            raise Conflict(_("Only a confirmed booking can be marked paid."), code="not_payable")
        if booking.paid_at is not None:
            raise Conflict(_("This booking is already paid."), code="already_paid")
        booking.paid_at = now
        booking.save(update_fields=["paid_at", "updated_at"])
        BookingEvent.objects.create(
            booking=booking,
            from_status=booking.status,
            to_status=booking.status,
            action="mark_paid",
            actor=actor,
        )
        audit_record(
            actor=actor, action="booking.mark_paid", obj=booking, after={"paid_at": now.isoformat()}
        )
    return booking


def booking_mark_no_show(*, booking_id: int, actor: User, now: datetime | None = None) -> Booking:
    """The venue records that the client did not come; only once the session has started."""
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        booking = locked_booking(booking_id)
        if booking.kind == Booking.Kind.BLOCK or booking.status not in (
            Status.CONFIRMED,
            Status.COMPLETED,
        ):
            raise Conflict(
                _("Only a confirmed booking can be marked as a no-show."), code="not_no_show"
            )
        if now < booking.start:
            raise ApplicationError(
                _("A no-show can be marked only after the booking has started."),
                code="too_early",
            )
        status_change(booking, Status.NO_SHOW, action="no_show", actor=actor, now=now)
        announce_booking(signals.booking_no_show, booking)
    return booking


def booking_cancel_by_venue(*, booking_id: int, actor: User) -> Booking:
    """The venue cancels a booking (the client pays no fee)."""
    return booking_cancel(booking_id=booking_id, actor=actor, by_venue=True)
