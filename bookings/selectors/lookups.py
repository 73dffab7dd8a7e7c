"""Bookings as lists and single lookups: a client's own, a venue team's (scoped to their
organisations), a venue's for its calendar, a room's secret feed, a client's payment."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts.models import User
from bookings.models import Booking, Payment, RoomCalendarFeed
from core.errors import NotFound
from venues.models import Room, Venue
from venues.selectors import organisations_for_user


def bookings_for_user(user: User) -> QuerySet[Booking]:
    return Booking.objects.filter(user=user).select_related("room", "room__venue")


def bookings_upcoming_and_past(user: User, *, now: datetime) -> tuple[list[Booking], list[Booking]]:
    """The user's bookings still to come (soonest first) and the others (latest first)."""
    rows = list(bookings_for_user(user).order_by("start"))
    upcoming = [b for b in rows if b.end > now and b.status not in _FINISHED]
    past = [b for b in reversed(rows) if not (b.end > now and b.status not in _FINISHED)]
    return upcoming, past


_FINISHED = (
    Booking.Status.CANCELLED,
    Booking.Status.DECLINED,
    Booking.Status.EXPIRED,
    Booking.Status.NO_SHOW,
    Booking.Status.COMPLETED,
)


def booking_for_user(*, user: User, booking_id: int | str) -> Booking:
    """The user's own booking; anyone else's does not exist for them (404)."""
    try:
        booking_id = int(booking_id)
    except (TypeError, ValueError):
        raise NotFound(_("Booking not found.")) from None
    booking = (
        bookings_for_user(user).select_related("room__venue__city").filter(pk=booking_id).first()
    )
    if booking is None:
        raise NotFound(_("Booking not found."))
    return booking


def bookings_for_member(user: User) -> QuerySet[Booking]:
    """Every booking of the rooms of the organisations the user belongs to."""
    return Booking.objects.filter(
        room__venue__organisation__in=organisations_for_user(user)
    ).select_related("room", "room__venue", "user")


def booking_for_member(*, user: User, booking_id: int | str) -> Booking:
    """A booking of the user's organisations; any other does not exist for them (404)."""
    try:
        booking_id = int(booking_id)
    except (TypeError, ValueError):
        raise NotFound(_("Not found.")) from None
    booking = bookings_for_member(user).filter(pk=booking_id).first()
    if booking is None:
        raise NotFound(_("Not found."))
    return booking


def venue_bookings(
    venue: Venue, *, first: datetime, last: datetime, room_id: int | None = None
) -> QuerySet[Booking]:
    """Bookings of a venue's rooms that touch [first, last), for the partner calendar."""
    rows = Booking.objects.filter(room__venue=venue, start__lt=last, end__gt=first)
    if room_id:
        rows = rows.filter(room_id=room_id)
    return rows.select_related("room", "room__venue", "user").order_by("start", "room__name")


def venue_requests(venue: Venue) -> QuerySet[Booking]:
    return (
        Booking.objects.filter(room__venue=venue, status=Booking.Status.REQUESTED)
        .select_related("room", "room__venue", "user")
        .order_by("start")
    )


def room_feed_tokens(rooms: Iterable[Room]) -> dict[int, str]:
    """The secret feed token of each of the rooms that has a feed, by room id."""
    rows = RoomCalendarFeed.objects.filter(room__in=list(rooms)).values_list("room_id", "token")
    return dict(rows)


def room_feed_bookings(*, token: str, now: datetime) -> tuple[Room, list[Booking]]:
    """The room whose secret feed token this is and its active bookings from 30 days before
    `now` on (at most 2,000); an unknown token is NotFound."""
    feed = (
        RoomCalendarFeed.objects.select_related("room", "room__venue").filter(token=token).first()
    )
    if feed is None:
        raise NotFound(_("Not found."))
    rows = (
        Booking.objects.filter(
            room=feed.room,
            status__in=Booking.ACTIVE,
            end__gte=now - timedelta(days=30),
        )
        .select_related("room", "room__venue", "user")
        .order_by("start")[:2000]
    )
    return feed.room, list(rows)


def payment_for_user(*, user: User, payment_id: int) -> Payment:
    """A payment of the user's own booking; anyone else's does not exist for them."""
    payment = (
        Payment.objects.select_related("booking", "booking__room", "booking__room__venue")
        .filter(pk=payment_id, booking__user=user)
        .first()
    )
    if payment is None:
        raise NotFound(_("Payment not found."))
    return payment
