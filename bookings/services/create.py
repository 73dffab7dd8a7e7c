"""Making bookings: a client's booking, a manual booking by the venue, a block; a clash with
another booking is a 409 (the exclusion constraint decides)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from bookings import selectors, signals
from bookings.models import Booking, BookingEvent, Payment
from bookings.payments import provider
from bookings.points import programme as points_programme
from bookings.services.state import (
    Status,
    announce_booking,
    is_overlap,
    lock_room_time,
    room_time_locked,
    status_change,
    taken_conflict,
)
from core.after_commit import batched
from core.errors import ApplicationError
from core.services import audit_record
from core.sql import insert_sql, saved
from venues.models import Room, Venue


def booking_create(
    *,
    user: User,
    room: Room,
    start: datetime,
    end: datetime,
    payment: str,
    now: datetime | None = None,
    points: int = 0,
    within: Callable[[Booking], None] | None = None,
) -> Booking:
    """Book `room` for [start, end) for `user`; instant venues confirm (or hold for online
    payment), request-to-book venues record a request the venue has to answer. `points` pay
    part of the price (checked against the cap and the balance; taken in the same transaction).
    `within(booking)` runs last inside the transaction (the API stores its Idempotency-Key
    there, so that the key and the booking commit together).
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
        room=room,
        start=start,
        end=end,
        now=now,
        check_busy=False,
        user=user,
        points=points,
        preview=False,
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
            _insert_with_event(booking, BookingEvent(to_status=status, action="create", actor=user))
            if booking.points:
                points_programme().take(booking, now)
            if status == Status.HOLD:
                Payment.objects.create(
                    booking=booking, provider=provider().name, amount=booking.money_due
                )
            with batched():  # the tasks the receivers owe: one outbox INSERT
                if status == Status.CONFIRMED:
                    announce_booking(signals.booking_confirmed, booking)
                elif status == Status.REQUESTED:
                    announce_booking(signals.booking_requested, booking)
            if within is not None:
                within(booking)

    _insert(booking, write, now=now)
    return booking


def _insert_with_event(booking: Booking, event: BookingEvent) -> None:
    """Insert `booking` and its first `event` in one statement (the event takes the new id),
    which first takes the room's lock (`room_time_locked`, see `lock_room_time`)."""
    room = booking.room
    booking.room_id = room_time_locked(room.pk)
    booking_sql, booking_params = insert_sql(booking)
    booking.room = room
    event.booking_id = RawSQL("(SELECT id FROM new_booking)", ())
    event_sql, event_params = insert_sql(event, returning=False)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH new_booking AS ({booking_sql}), event AS ({event_sql})"  # noqa: S608 - Django's own INSERTs
            " SELECT id FROM new_booking",
            [*booking_params, *event_params],
        )
        (pk,) = cursor.fetchone()
    saved(booking, pk)
    event.booking_id = pk


def _insert(booking: Booking, write: Callable[[], None], *, now: datetime) -> None:
    """Run `write` (which inserts `booking`); a clash with another booking is a 409, unless the
    only thing in the way is a hold whose payment time is over: that one is expired (as the
    job would) and the insert tried once more."""
    for attempt in range(2):
        try:
            write()
            return
        except IntegrityError as error:
            booking.pk = None
            if not is_overlap(error):
                raise
            if attempt or not _expire_stale_holds(
                room_id=booking.room_id, start=booking.start, until=booking.occupied_until, now=now
            ):
                raise taken_conflict() from None


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
            status_change(stale, Status.EXPIRED, action="expire", actor=None, now=now)
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
        note=note.strip()[:300],
        created_by=actor,
    )
    return _insert_by_venue(booking, actor)


def _insert_by_venue(booking: Booking, actor: User) -> Booking:
    def write() -> None:
        with transaction.atomic(durable=True):
            lock_room_time(booking.room_id)
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
