"""The extension point through which bookings use loyalty points without importing loyalty.

bookings sits below loyalty (STYLE.md: apps import downward only), yet a booking's points have
to move inside the booking's own transaction. So bookings calls a `PointsProgramme` found here;
the default does nothing (no points anywhere), and loyalty registers the real one in
`LoyaltyConfig.ready()`.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from bookings.models import Booking


class PointsProgramme(Protocol):
    def balance(self, user: Any, now: datetime) -> int:
        """Points the user can spend now."""

    def lots_preview(self, user: Any, points: int, now: datetime) -> list[dict]:
        """Which points `points` would use: [{"expires_at", "points"}], soonest first."""

    def cashback_preview(
        self, user: Any, room: Any, start: datetime, end: datetime, money: Decimal, now: datetime
    ) -> tuple[int, datetime | None]:
        """Cashback a booking paying `money` would earn, and when it becomes available."""

    def take(self, booking: Booking, now: datetime) -> None:
        """Inside the create transaction: reserve (hold/request) or spend (confirmed)."""

    def settle(self, booking: Booking, before_status: str, now: datetime) -> None:
        """Inside every status-change transaction: capture, release or refund the points."""

    def reschedule(self, booking: Booking, old_points: int, now: datetime) -> None:
        """Inside the reschedule transaction: give back points above the new cap."""

    def refund_preview(self, booking: Booking, fee: Decimal) -> int:
        """Points cancelling now would give back, given the fee cancelling now costs."""

    def booking_points(self, booking_ids: list[int]) -> dict[int, Any]:
        """Per booking id, what happened to its points: `.returned` on cancellation and
        `.cashback` earned (bookings with nothing to say may be missing)."""


class NoPoints:
    """The programme when loyalty is not installed: nobody has points."""

    def balance(self, user: Any, now: datetime) -> int:
        return 0

    def lots_preview(self, user: Any, points: int, now: datetime) -> list[dict]:
        return []

    def cashback_preview(self, user, room, start, end, money, now):
        return 0, None

    def take(self, booking: Booking, now: datetime) -> None:
        return None

    def settle(self, booking: Booking, before_status: str, now: datetime) -> None:
        return None

    def reschedule(self, booking: Booking, old_points: int, now: datetime) -> None:
        return None

    def refund_preview(self, booking: Booking, fee: Decimal) -> int:
        return 0

    def booking_points(self, booking_ids: list[int]) -> dict[int, Any]:
        return {}


_programme: PointsProgramme = NoPoints()


def register(programme: PointsProgramme) -> None:
    global _programme
    _programme = programme


def programme() -> PointsProgramme:
    return _programme
