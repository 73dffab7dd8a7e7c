"""The checkout page's read (the quote of the chosen time with what the page says about it) and
the move page's (the re-quote of a booking at another time)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from bookings.models import Booking
from bookings.points import programme as points_programme
from bookings.selectors.cancellation import late_cancellation_fee
from bookings.selectors.quotes import Quote, booking_quote
from core.errors import ApplicationError
from core.money import money
from venues.models import Room


@dataclass(frozen=True)
class CheckoutQuote:
    """Everything the checkout page shows about booking [start, end) of a room."""

    quote: Quote | None  # None: this time cannot be booked at all (`error` says why)
    error: str | None = None  # what stands in the way, shown above the quote
    points_refused: bool = False  # the points asked cannot be used (the quote shows none)
    points_note: str | None = None  # "Using 12: the allowed range is 0 to 500."
    balance: int = 0  # the client's points
    free_now: bool = False  # cancelling right after booking would still be free
    late_fee: Decimal | None = None  # what cancelling after the free period costs


def checkout_quote(
    *,
    room: Room,
    start: datetime,
    end: datetime,
    user: User,
    points: int = 0,
    points_error: str | None = None,
    nearest_points: int | None = None,
    error: str | None = None,
    now: datetime | None = None,
) -> CheckoutQuote:
    """The checkout of [start, end) paying `points`.

    `points_error` says the form already refused the points typed; `error` is why booking was
    refused (it is shown before any other message). Points this booking cannot take are left
    out of the quote and said why, except on a re-quote as the client types
    (`nearest_points`, the number typed): then the quote uses the nearest allowed number and
    says so, instead of falling back to 0.
    """
    now = now or timezone.now()

    def quote_with(chosen: int) -> Quote:
        return booking_quote(room=room, start=start, end=end, user=user, points=chosen, now=now)

    if points_error is None:
        try:
            return _page(quote_with(points), error=error, now=now)
        except ApplicationError as exc:
            if "points" not in exc.fields:
                return CheckoutQuote(quote=None, error=error or str(exc.message))
            points_error = str(exc.fields["points"][0])
    try:
        quote = quote_with(0)
    except ApplicationError as exc:
        return CheckoutQuote(quote=None, error=error or str(exc.message), points_refused=True)
    if nearest_points is None or not quote.points_usable:
        return _page(quote, error=error or points_error, points_refused=True, now=now)
    nearest = max(0, min(nearest_points, quote.points_usable))
    quote = quote_with(nearest)
    note = _("Using %(points)s: the allowed range is 0 to %(usable)s.") % {
        "points": nearest,
        "usable": quote.points_usable,
    }
    return _page(quote, error=error, points_note=note, now=now)


def _page(
    quote: Quote,
    *,
    error: str | None,
    now: datetime,
    points_refused: bool = False,
    points_note: str | None = None,
) -> CheckoutQuote:
    return CheckoutQuote(
        quote=quote,
        error=error,
        points_refused=points_refused,
        points_note=points_note,
        balance=quote.points_balance,
        free_now=quote.free_until > now,
        late_fee=late_cancellation_fee(quote.price, quote.fee_percent),
    )


@dataclass(frozen=True)
class MoveQuote:
    """What moving a booking to [start, end) gives, before the client confirms: the same figures
    the move then writes (bookings.services.booking_reschedule reads them from here)."""

    quote: Quote  # the new time: slots, price, cap, cancellation policy
    points: int  # the booking's points kept: up to the new cap
    points_back: int  # the points above the new cap, given back to their lots
    money_due: Decimal
    cashback: int  # what the new money part earns
    cashback_available_at: datetime | None


def move_quote(
    *, booking: Booking, start: datetime, end: datetime, now: datetime | None = None
) -> MoveQuote:
    """The re-quote of moving `booking` to [start, end) of its room (ApplicationError: that
    time cannot be booked). The points stay, up to the new cap; the rest go back."""
    now = now or timezone.now()
    quote = booking_quote(
        room=booking.room, start=start, end=end, now=now, exclude_booking=booking.pk
    )
    kept = min(booking.points, quote.points_cap)
    due = money(max(quote.price - kept, Decimal(0)))
    # Cashback is earned on the money part: ask the programme about a price of just that.
    earning = points_programme().quote(
        user=booking.user,
        room=booking.room,
        start=quote.start,
        end=quote.end,
        price=due,
        cap=0,
        points=0,
        now=now,
    )
    return MoveQuote(
        quote=quote,
        points=kept,
        points_back=booking.points - kept,
        money_due=due,
        cashback=earning.cashback if booking.user else 0,
        cashback_available_at=earning.cashback_available_at,
    )
