"""Write operations on bookings: create, cancel, reschedule, the venue's actions, payments,
the lifecycle jobs and reviews.

Every state change goes through `_move`, which locks nothing itself: callers hold the booking's
row lock (`select_for_update`) so two people (or a person and a job) cannot change the same
booking at once. The exclusion constraint `booking_no_overlap` is what guarantees that two
active bookings never overlap; the checks before it only make friendlier messages.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from bookings import selectors, signals
from bookings.models import Booking, BookingEvent, Payment, Review, RoomCalendarFeed
from bookings.payments import TestProvider, provider
from bookings.points import programme as points_programme
from core.after_commit import announce
from core.errors import ApplicationError, Conflict, NotFound
from core.services import audit_record
from venues.models import Room, Venue

logger = logging.getLogger(__name__)
Status = Booking.Status
EXCLUSION_VIOLATION = "23P01"
CANCELLABLE = (Status.HOLD, Status.REQUESTED, Status.CONFIRMED)


def _is_overlap(error: IntegrityError) -> bool:
    cause = error.__cause__
    return getattr(cause, "sqlstate", None) == EXCLUSION_VIOLATION or (
        "booking_no_overlap" in str(error)
    )


def _taken() -> Conflict:
    return Conflict(_("This time is already taken. Please choose another slot."), code="taken")


def _move(
    booking: Booking,
    to: str,
    *,
    action: str,
    actor: User | None,
    note: str = "",
    fields: tuple[str, ...] = (),
    now: datetime | None = None,
) -> None:
    """Change the (locked) booking's status and record it in its history; its points (if any)
    are captured, released or refunded in the same transaction."""
    before = booking.status
    booking.status = to
    booking.save(update_fields=["status", "updated_at", *fields])
    if booking.points:
        points_programme().settle(booking, before, now or timezone.now())
    BookingEvent.objects.create(
        booking=booking, from_status=before, to_status=to, action=action, actor=actor, note=note
    )
    if actor is not None:
        audit_record(
            actor=actor,
            action=f"booking.{action}",
            obj=booking,
            before={"status": before},
            after={"status": to},
        )


ROOM_LOCK_SPACE = 4242  # the first key of pg_advisory_xact_lock(int, int) for "a room's time"


def _lock_room_time(room_id: int) -> None:
    """Serialise the writes that take a room's time, per room, until the transaction ends.

    The exclusion constraint alone is correct, but two transactions inserting overlapping rows
    at the same moment each wait for the other while checking it, and PostgreSQL aborts one
    with a deadlock error instead of a clean violation. Taking this lock first makes the second
    writer wait for the first to commit and then fail the constraint cleanly (a 409).
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, %s)", [ROOM_LOCK_SPACE, room_id % 2_000_000_000]
        )


def _announce(signal: Signal, booking: Booking, **fields: object) -> None:
    announce(signal, sender=Booking, booking_id=booking.pk, **fields)


def _lock(booking_id: int) -> Booking:
    booking = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("room", "room__venue")
        .filter(pk=booking_id)
        .first()
    )
    if booking is None:
        raise NotFound(_("Booking not found."))
    return booking


# --- Create ----------------------------------------------------------------------------------


def booking_create(
    *,
    user: User,
    room: Room,
    start: datetime,
    end: datetime,
    payment: str,
    now: datetime | None = None,
    points: Any = 0,
) -> Booking:
    """Book `room` for [start, end) for `user`; instant venues confirm (or hold for online
    payment), request-to-book venues record a request the venue has to answer. `points` pay
    part of the price (checked against the cap and the balance; taken in the same transaction).
    """
    now = now or timezone.now()
    venue: Venue = room.venue
    if payment == Booking.Payment.VENUE and not venue.pay_at_venue:
        raise ApplicationError(
            _("This venue does not take payment on site."), fields={"payment": [_("Not offered.")]}
        )
    if payment == Booking.Payment.ONLINE and not venue.pay_online:
        raise ApplicationError(
            _("This venue does not take online payment."), fields={"payment": [_("Not offered.")]}
        )
    # The busy check is left to the exclusion constraint: one query less on the hot path, and
    # the same message either way.
    quote = selectors.booking_quote(
        room=room, start=start, end=end, now=now, check_busy=False, user=user, points=points
    )
    if venue.booking_mode == Venue.BookingMode.REQUEST:
        status = Status.REQUESTED
    elif payment == Booking.Payment.ONLINE and quote.money_due > 0:
        status = Status.HOLD
    else:  # at the venue, or online with nothing left to pay (points cover it all)
        status = Status.CONFIRMED
    booking = Booking(
        room=room,
        user=user,
        kind=Booking.Kind.CLIENT,
        status=status,
        start=quote.start,
        end=quote.end,
        occupied_until=quote.end + timedelta(minutes=room.buffer_minutes),
        price=quote.price,
        money_due=quote.money_due,
        points=quote.points,
        points_cap=quote.points_cap,
        slots=quote.slots_json(),
        payment=payment,
        free_cancellation_until=quote.free_until,
        cancellation_fee_percent=quote.fee_percent,
        created_by=user,
    )
    if status == Status.HOLD:
        booking.hold_expires_at = now + timedelta(minutes=settings.BOOKINGS_HOLD_MINUTES)
    if status == Status.CONFIRMED and payment == Booking.Payment.ONLINE:
        booking.paid_at = now  # nothing to pay: the points paid it all
    if status == Status.REQUESTED:
        booking.respond_by = min(
            now + timedelta(hours=settings.BOOKINGS_REQUEST_TIMEOUT_HOURS), quote.start
        )

    def write() -> None:
        with transaction.atomic(durable=True):
            _lock_room_time(room.pk)
            booking.save()
            BookingEvent.objects.create(
                booking=booking, to_status=status, action="create", actor=user
            )
            if booking.points:
                points_programme().take(booking, now)
            if status == Status.HOLD:
                Payment.objects.create(
                    booking=booking, provider=provider().name, amount=booking.money_due
                )
            if status == Status.CONFIRMED:
                _announce(signals.booking_confirmed, booking)
            elif status == Status.REQUESTED:
                _announce(signals.booking_requested, booking)

    _insert(booking, write, now=now)
    return booking


def _insert(booking: Booking, write, *, now: datetime) -> None:
    """Run `write` (which inserts `booking`); a clash with another booking is a 409, unless the
    only thing in the way is a hold whose payment time is over: that one is expired (as the
    job would) and the insert tried once more."""
    for attempt in range(2):
        try:
            write()
            return
        except IntegrityError as error:
            booking.pk = None
            if not _is_overlap(error):
                raise
            if attempt or not _expire_stale_holds(
                room_id=booking.room_id, start=booking.start, until=booking.occupied_until, now=now
            ):
                raise _taken() from None


def _expire_stale_holds(*, room_id: int, start: datetime, until: datetime, now: datetime) -> int:
    with transaction.atomic(durable=True):
        rows = list(
            Booking.objects.select_for_update(skip_locked=True)
            .filter(
                room_id=room_id,
                status=Status.HOLD,
                hold_expires_at__lte=now,
                start__lt=until,
                occupied_until__gt=start,
            )
            .order_by("pk")
        )
        for stale in rows:
            _move(stale, Status.EXPIRED, action="expire", actor=None, now=now)
    return len(rows)


def manual_booking_create(
    *,
    actor: User,
    room: Room,
    start: datetime,
    end: datetime,
    client_name: str,
    client_phone: str = "",
    note: str = "",
    now: datetime | None = None,
) -> Booking:
    """A booking the venue takes by phone: confirmed at once, paid at the venue."""
    now = now or timezone.now()
    if not client_name.strip():
        raise ApplicationError(
            _("Enter the client's name."), fields={"client_name": [_("Required.")]}
        )
    quote = selectors.booking_quote(room=room, start=start, end=end, now=now)
    booking = Booking(
        room=room,
        kind=Booking.Kind.MANUAL,
        status=Status.CONFIRMED,
        start=quote.start,
        end=quote.end,
        occupied_until=quote.end + timedelta(minutes=room.buffer_minutes),
        price=quote.price,
        money_due=quote.money_due,
        slots=quote.slots_json(),
        payment=Booking.Payment.VENUE,
        free_cancellation_until=quote.free_until,
        cancellation_fee_percent=quote.fee_percent,
        client_name=client_name.strip()[:150],
        client_phone=client_phone.strip()[:32],
        note=note.strip()[:300],
        created_by=actor,
    )
    return _insert_by_venue(booking, actor)


def block_create(
    *, actor: User, room: Room, start: datetime, end: datetime, note: str = ""
) -> Booking:
    """Take a room out of use (maintenance): any interval, no price, no buffer."""
    if timezone.is_naive(start) or timezone.is_naive(end):
        raise ApplicationError(_("Give the time with its UTC offset."), fields={"start": ["!"]})
    if end <= start:
        raise ApplicationError(
            _("The end must be after the start."), fields={"end": [_("Must be after the start.")]}
        )
    if end - start > timedelta(days=31):
        raise ApplicationError(
            _("A block can be at most 31 days long."), fields={"end": [_("Too long.")]}
        )
    booking = Booking(
        room=room,
        kind=Booking.Kind.BLOCK,
        status=Status.CONFIRMED,
        start=start,
        end=end,
        occupied_until=end,
        free_cancellation_until=start,
        cancellation_fee_percent=0,
        note=note.strip()[:300] or _("Blocked"),
        created_by=actor,
    )
    return _insert_by_venue(booking, actor)


def _insert_by_venue(booking: Booking, actor: User) -> Booking:
    def write() -> None:
        with transaction.atomic(durable=True):
            _lock_room_time(booking.room_id)
            booking.save()
            BookingEvent.objects.create(
                booking=booking, to_status=booking.status, action=booking.kind, actor=actor
            )
            audit_record(
                actor=actor,
                action=f"booking.{booking.kind}_create",
                obj=booking,
                after={"start": booking.start.isoformat(), "end": booking.end.isoformat()},
            )

    _insert(booking, write, now=timezone.now())
    return booking


# --- Client actions --------------------------------------------------------------------------


def booking_cancel(
    *, booking_id: int, actor: User, by_venue: bool = False, now: datetime | None = None
) -> Booking:
    """Cancel a booking: free before the policy's deadline, later with the fee (a venue
    cancelling never charges the client). The caller has already checked who may do it."""
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        booking = _lock(booking_id)
        # A block (maintenance) can be lifted until it ends; a booking only before it starts.
        deadline = booking.end if booking.kind == Booking.Kind.BLOCK else booking.start
        if booking.status not in CANCELLABLE or deadline <= now:
            raise Conflict(_("This booking can no longer be cancelled."), code="not_cancellable")
        booking.cancellation_fee = (
            Decimal("0.00") if by_venue else selectors.cancellation_fee(booking, now=now)
        )
        booking.cancelled_at = now
        _move(
            booking,
            Status.CANCELLED,
            action="cancel_by_venue" if by_venue else "cancel",
            actor=actor,
            fields=("cancellation_fee", "cancelled_at"),
            now=now,
        )
        _announce(signals.booking_cancelled, booking)
    return booking


def booking_reschedule(
    *, booking_id: int, actor: User, start: datetime, end: datetime, now: datetime | None = None
) -> Booking:
    """Move a booking to another free time of the same room, repriced."""
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        booking = _lock(booking_id)
        if booking.status not in (Status.CONFIRMED, Status.REQUESTED) or booking.start <= now:
            raise Conflict(_("This booking can no longer be moved."), code="not_movable")
        if (
            booking.paid_at is not None
            and booking.payment == Booking.Payment.ONLINE
            and booking.money_due > 0
        ):
            raise Conflict(
                _("A booking paid online cannot be moved; cancel it and book again."),
                code="not_movable",
            )
        quote = selectors.booking_quote(
            room=booking.room, start=start, end=end, now=now, exclude_booking=booking.pk
        )
        before = {"start": booking.start.isoformat(), "end": booking.end.isoformat()}
        old_points = booking.points
        booking.start, booking.end = quote.start, quote.end
        booking.occupied_until = quote.end + timedelta(minutes=booking.room.buffer_minutes)
        # The points stay, up to the new cap; the excess goes back to the client.
        booking.points_cap = quote.points_cap if old_points else 0
        booking.points = min(old_points, booking.points_cap)
        booking.price = quote.price
        booking.money_due = max(quote.price - booking.points, Decimal("0.00"))
        booking.slots = quote.slots_json()
        booking.free_cancellation_until = quote.free_until
        booking.reminder_sent_at = None
        try:
            with transaction.atomic():
                _lock_room_time(booking.room_id)
                booking.save()
        except IntegrityError as error:
            if _is_overlap(error):
                raise _taken() from None
            raise
        if old_points:
            points_programme().reschedule(booking, old_points, now)
        BookingEvent.objects.create(
            booking=booking,
            from_status=booking.status,
            to_status=booking.status,
            action="reschedule",
            actor=actor,
            note=f"{before['start']} → {booking.start.isoformat()}",
        )
        audit_record(
            actor=actor,
            action="booking.reschedule",
            obj=booking,
            before=before,
            after={"start": booking.start.isoformat(), "end": booking.end.isoformat()},
        )
        _announce(signals.booking_rescheduled, booking, status=booking.status)
    return booking


# --- The venue's actions ---------------------------------------------------------------------


def booking_confirm(*, booking_id: int, actor: User, now: datetime | None = None) -> Booking:
    """The venue accepts a request."""
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        booking = _lock(booking_id)
        if booking.status != Status.REQUESTED:
            raise Conflict(_("Only a request can be confirmed."), code="not_requested")
        _move(booking, Status.CONFIRMED, action="confirm", actor=actor, now=now)
        _announce(signals.booking_confirmed, booking)
    return booking


def booking_decline(
    *, booking_id: int, actor: User | None, now: datetime | None = None, note: str = ""
) -> Booking:
    """The venue (or the timeout job, with no actor) declines a request."""
    with transaction.atomic(durable=True):
        booking = _lock(booking_id)
        if booking.status != Status.REQUESTED:
            raise Conflict(_("Only a request can be declined."), code="not_requested")
        _move(
            booking,
            Status.DECLINED,
            action="decline" if actor else "decline_timeout",
            actor=actor,
            note=note,
            now=now,
        )
        _announce(signals.booking_declined, booking)
    return booking


def booking_mark_paid(*, booking_id: int, actor: User, now: datetime | None = None) -> Booking:
    """The venue records that a pay-at-the-venue booking was paid."""
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        booking = _lock(booking_id)
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
        booking = _lock(booking_id)
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
        _move(booking, Status.NO_SHOW, action="no_show", actor=actor, now=now)
        _announce(signals.booking_no_show, booking)
    return booking


# --- Payments --------------------------------------------------------------------------------


def payment_start(*, booking_id: int, user: User) -> Payment:
    """A new payment attempt for the user's booking awaiting online payment."""
    with transaction.atomic(durable=True):
        booking = _lock(booking_id)
        if booking.user_id != user.pk:
            raise NotFound(_("Booking not found."))
        if booking.paid_at is not None or booking.payment != Booking.Payment.ONLINE:
            raise Conflict(_("Nothing to pay for this booking."), code="nothing_to_pay")
        if booking.status not in (Status.HOLD, Status.CONFIRMED):
            raise Conflict(_("Nothing to pay for this booking."), code="nothing_to_pay")
        payment = booking.payments.filter(status=Payment.Status.PENDING).first()
        if payment is None:
            payment = Payment.objects.create(
                booking=booking, provider=provider().name, amount=booking.money_due
            )
    return payment


def payment_webhook_receive(*, body: bytes, signature: str | None, now: datetime | None = None):
    """Apply a provider's signed payment outcome once. Returns (payment, changed).

    A bad signature raises ApplicationError (400) and is logged; a replayed or late event for a
    payment that is no longer pending changes nothing.
    """
    now = now or timezone.now()
    if not provider().verify(body, signature):
        logger.warning("payment webhook rejected: bad signature", extra={"size": len(body)})
        raise ApplicationError(_("Bad signature."), code="bad_signature")
    try:
        event = json.loads(body)
        payment_id = int(event["payment_id"])
        outcome = event["status"]
        amount = Decimal(str(event.get("amount", "0")))
    except (ValueError, KeyError, TypeError, InvalidOperation):
        logger.warning("payment webhook rejected: malformed body")
        raise ApplicationError(_("Malformed payment event."), code="bad_event") from None
    if outcome not in (Payment.Status.SUCCEEDED, Payment.Status.FAILED):
        raise ApplicationError(_("Malformed payment event."), code="bad_event")
    with transaction.atomic(durable=True):
        # Lock order: booking, then payment (the same order as every other booking change).
        booking_id = Payment.objects.filter(pk=payment_id).values_list("booking_id", flat=True)
        booking_id = booking_id.first()
        if booking_id is None:
            raise NotFound(_("Payment not found."))
        booking = _lock(booking_id)
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        if payment.status != Payment.Status.PENDING:
            logger.info("payment webhook replayed", extra={"payment": payment.pk})
            return payment, False
        payment.status = outcome
        payment.external_id = str(event.get("event_id", ""))[:100]
        payment.save(update_fields=["status", "external_id", "updated_at"])
        if outcome == Payment.Status.FAILED:
            BookingEvent.objects.create(
                booking=booking,
                from_status=booking.status,
                to_status=booking.status,
                action="payment_failed",
            )
            return payment, True
        if amount != payment.amount:
            logger.warning("payment amount differs", extra={"payment": payment.pk})
        booking.paid_at = now
        if booking.status == Status.HOLD:
            booking.hold_expires_at = None
            _move(
                booking,
                Status.CONFIRMED,
                action="paid",
                actor=None,
                fields=("paid_at", "hold_expires_at"),
                now=now,
            )
            _announce(signals.booking_confirmed, booking)
        elif booking.status in (Status.CONFIRMED, Status.REQUESTED):
            booking.save(update_fields=["paid_at", "updated_at"])
        else:
            # The hold expired (or was cancelled) before the money arrived: it must go back.
            logger.warning(
                "payment for an inactive booking: refund it",
                extra={"payment": payment.pk, "booking": booking.pk},
            )
            BookingEvent.objects.create(
                booking=booking,
                from_status=booking.status,
                to_status=booking.status,
                action="payment_after_expiry",
                note=_("Paid after the hold ended: refund due."),
            )
    return payment, True


def test_payment_complete(*, payment_id: int, user: User, outcome: str):
    """The test provider's "pay" / "fail" button: sign an event and deliver it to the webhook."""
    payment = Payment.objects.select_related("booking").filter(pk=payment_id).first()
    if payment is None or payment.booking.user_id != user.pk:
        raise NotFound(_("Payment not found."))
    test = TestProvider()
    body = test.event_body(payment, outcome)
    return payment_webhook_receive(body=body, signature=test.sign(body))


# --- Lifecycle jobs --------------------------------------------------------------------------
# Each claims its rows with FOR UPDATE SKIP LOCKED and a status condition, so a second run (or
# a run in another worker at the same moment) finds nothing left to do: the effect happens once.

BATCH = 500


def _claim(queryset) -> list[Booking]:
    return list(queryset.select_for_update(skip_locked=True, of=("self",)).order_by("pk")[:BATCH])


def holds_expire(*, now: datetime) -> int:
    """Holds whose payment did not arrive in time free their slot."""
    done = 0
    while True:
        with transaction.atomic(durable=True):
            rows = _claim(Booking.objects.filter(status=Status.HOLD, hold_expires_at__lte=now))
            for booking in rows:
                _move(booking, Status.EXPIRED, action="expire", actor=None, now=now)
        done += len(rows)
        if len(rows) < BATCH:
            return done


def requests_decline_unanswered(*, now: datetime) -> int:
    done = 0
    while True:
        with transaction.atomic(durable=True):
            rows = _claim(Booking.objects.filter(status=Status.REQUESTED, respond_by__lte=now))
            for booking in rows:
                _move(booking, Status.DECLINED, action="decline_timeout", actor=None, now=now)
                _announce(signals.booking_declined, booking)
        done += len(rows)
        if len(rows) < BATCH:
            return done


def bookings_complete(*, now: datetime) -> int:
    done = 0
    while True:
        with transaction.atomic(durable=True):
            rows = _claim(Booking.objects.filter(status=Status.CONFIRMED, end__lte=now))
            for booking in rows:
                _move(booking, Status.COMPLETED, action="complete", actor=None, now=now)
                if booking.kind != Booking.Kind.BLOCK:
                    _announce(signals.booking_completed, booking)
        done += len(rows)
        if len(rows) < BATCH:
            return done


def reminders_send(*, now: datetime) -> int:
    """Remind clients of bookings starting within the next 24 hours, once each."""
    horizon = now + timedelta(hours=settings.BOOKINGS_REMINDER_HOURS)
    done = 0
    while True:
        with transaction.atomic(durable=True):
            rows = _claim(
                Booking.objects.filter(
                    status=Status.CONFIRMED,
                    reminder_sent_at__isnull=True,
                    user__isnull=False,
                    start__gt=now,
                    start__lte=horizon,
                )
            )
            for booking in rows:
                booking.reminder_sent_at = now
                booking.save(update_fields=["reminder_sent_at", "updated_at"])
                _announce(signals.booking_reminder_due, booking)
        done += len(rows)
        if len(rows) < BATCH:
            return done


# --- Reviews and feeds -----------------------------------------------------------------------


def review_create(*, user: User, booking_id: int, rating: Any, comment: str = "") -> Review:
    """The client rates the room of a completed booking, once."""
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        raise ApplicationError(_("Rate from 1 to 5."), fields={"rating": [_("Rate from 1 to 5.")]})
    with transaction.atomic(durable=True):
        booking = _lock(booking_id)
        if booking.user_id != user.pk:
            raise NotFound(_("Booking not found."))
        if booking.status != Status.COMPLETED:
            raise ApplicationError(
                _("You can review a room after your session there."), code="not_completed"
            )
        if Review.objects.filter(booking=booking).exists():
            raise Conflict(_("You have already reviewed this booking."), code="already_reviewed")
        try:
            with transaction.atomic():
                review = Review.objects.create(
                    booking=booking,
                    room=booking.room,
                    user=user,
                    rating=rating,
                    comment=(comment or "").strip()[:2000],
                )
        except IntegrityError:
            raise Conflict(
                _("You have already reviewed this booking."), code="already_reviewed"
            ) from None
    return review


def room_feed(*, room: Room) -> RoomCalendarFeed:
    feed, _created = RoomCalendarFeed.objects.get_or_create(room=room)
    return feed


def room_feed_regenerate(*, room: Room, actor: User) -> RoomCalendarFeed:
    """A new secret feed URL; the old one stops working."""
    from bookings.models import _new_token

    with transaction.atomic(durable=True):
        feed, _created = RoomCalendarFeed.objects.select_for_update().get_or_create(room=room)
        feed.token = _new_token()
        feed.save(update_fields=["token"])
        audit_record(actor=actor, action="room.calendar_feed_regenerate", obj=room)
    return feed
