"""The extension point through which bookings uses loyalty points without importing loyalty.

bookings sits below loyalty (apps import downward only), yet a booking's points have to move
inside the booking's own transaction. So bookings calls the `PointsProgramme` registered in
`PROGRAMME`: with nothing registered nobody has points (`NoPoints`); loyalty registers the
ledger's programme in `LoyaltyConfig.ready()`.

The programme has one read for a booking about to be made (`quote`), one for bookings made
(`booking_points`), and the three writes a booking's life needs, each run inside the booking's
transaction with its row locked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol

from core.registry import Registry

if TYPE_CHECKING:
    from accounts.models import User
    from bookings.models import Booking
    from venues.models import Room


@dataclass(frozen=True)
class LotUse:
    """Points of one expiry date a payment would use."""

    expires_at: datetime
    points: int


@dataclass(frozen=True)
class PointsQuote:
    """What points mean for a booking about to be made."""

    balance: int = 0  # points the client can spend now
    usable: int = 0  # the most points this booking can take: cap, balance and price allowing
    cashback: int = 0  # what the money part (price − the points asked) would earn
    cashback_available_at: datetime | None = None
    points_from: tuple[LotUse, ...] = ()  # which points the points asked would use, soonest first


@dataclass(frozen=True)
class BookingPoints:
    """What happened to a booking's points, for the client's pages."""

    returned: int = 0  # given back when the booking was cancelled (or its hold ended)
    cashback: int = 0  # credited for the booking (pending or available), unless cancelled


class PointsProgramme(Protocol):
    def quote(
        self,
        *,
        user: User | None,
        room: Room,
        start: datetime,
        end: datetime,
        price: Decimal,
        cap: int,
        points: int,
        now: datetime,
    ) -> PointsQuote:
        """Points for booking `room` for [start, end) at `price` under `cap`, paying `points`."""
        ...

    def booking_points(self, booking_ids: list[int]) -> dict[int, BookingPoints]:
        """Per booking id, what happened to its points (bookings with nothing may be missing)."""
        ...

    def take(self, booking: Booking, now: datetime) -> None:
        """Inside the create transaction: reserve (hold/request) or spend (confirmed)."""
        ...

    def settle(self, booking: Booking, before_status: str, now: datetime) -> None:
        """Inside every status-change transaction: capture, release or refund the points."""
        ...

    def reschedule(self, booking: Booking, old_points: int, now: datetime) -> None:
        """Inside the reschedule transaction: give back the points above the new cap and
        promise the cashback of the new money part."""
        ...


class NoPoints:
    """The programme when loyalty is not installed: nobody has points."""

    def quote(
        self,
        *,
        user: User | None,
        room: Room,
        start: datetime,
        end: datetime,
        price: Decimal,
        cap: int,
        points: int,
        now: datetime,
    ) -> PointsQuote:
        return PointsQuote()

    def booking_points(self, booking_ids: list[int]) -> dict[int, BookingPoints]:
        return {}

    def take(self, booking: Booking, now: datetime) -> None:
        return None

    def settle(self, booking: Booking, before_status: str, now: datetime) -> None:
        return None

    def reschedule(self, booking: Booking, old_points: int, now: datetime) -> None:
        return None


PROGRAMME: Registry[PointsProgramme] = Registry("points programme", key=lambda _p: "points")
NO_POINTS = NoPoints()


def programme() -> PointsProgramme:
    return PROGRAMME.first(default=NO_POINTS)
