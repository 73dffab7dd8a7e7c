"""How every change of a booking is made: its row lock, the room-time lock, the one status change
with its history, and the events announced after commit.

Callers hold the booking's row lock (`locked_booking`, `select_for_update`) so two people (or a
person and a job) cannot change the same booking at once. The exclusion constraint
`booking_no_overlap` is what guarantees that two active bookings never overlap; the checks
before it only make friendlier messages.
"""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, connection
from django.db.models.expressions import RawSQL
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from bookings.models import Booking, BookingEvent
from bookings.points import programme as points_programme
from core.after_commit import announce
from core.errors import Conflict, NotFound
from core.services import audit_record

Status = Booking.Status
EXCLUSION_VIOLATION = "23P01"


def is_overlap(error: IntegrityError) -> bool:
    cause = error.__cause__
    return getattr(cause, "sqlstate", None) == EXCLUSION_VIOLATION or (
        "booking_no_overlap" in str(error)
    )


def taken_conflict() -> Conflict:
    return Conflict(_("This time is already taken. Please choose another slot."), code="taken")


def status_change(
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


def lock_room_time(room_id: int) -> None:
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


def room_time_locked(room_id: int) -> RawSQL:
    """`room_id` as an expression that first takes `lock_room_time`'s lock: as the booking
    INSERT's room, the lock is taken before the new row meets the exclusion constraint, in the
    same statement (one round trip less on the booking path)."""
    return RawSQL(
        "(SELECT %s::bigint FROM pg_advisory_xact_lock(%s, %s))",
        (room_id, ROOM_LOCK_SPACE, room_id % 2_000_000_000),
    )


def announce_booking(signal: Signal, booking: Booking, **fields: object) -> None:
    announce(signal, sender=Booking, booking_id=booking.pk, **fields)


def locked_booking(booking_id: int) -> Booking:
    booking = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("room", "room__venue")
        .filter(pk=booking_id)
        .first()
    )
    if booking is None:
        raise NotFound(_("Booking not found."))
    return booking
