"""loyalty's implementation of bookings' `PointsProgramme`: points paying part of a booking.

Registered in `LoyaltyConfig.ready()`. Every movement goes through the ledger services with a
key derived from the booking, so a retried status change never moves points twice:
`spend:booking:<id>` (confirmed at once), `reserve:booking:<id>[:<n>]` (hold or request; a
new reservation after a reschedule of a request), `capture:…` / `release:…` of a reservation,
`refund:booking:<id>:cancel` and `refund:booking:<id>:reschedule:<n>`.
"""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from bookings.models import Booking
from core.errors import ApplicationError, Conflict
from loyalty import selectors, services
from loyalty.models import LedgerTransaction, Lot

Status = Booking.Status
Kind = LedgerTransaction.Kind
HELD = (Status.HOLD, Status.REQUESTED)
ENDED_UNPAID = (Status.EXPIRED, Status.DECLINED, Status.CANCELLED)


def _reason_params(booking: Booking) -> dict:
    return {"booking": booking.pk, "venue": booking.room.venue.name}


def _payment(booking: Booking) -> LedgerTransaction | None:
    """The booking's payment with points still in force: its spend, or its latest reservation
    that was not released."""
    return (
        LedgerTransaction.objects.filter(booking_id=booking.pk, kind__in=(Kind.SPEND, Kind.RESERVE))
        .exclude(children__kind=Kind.RESERVE_RELEASE)
        .order_by("-pk")
        .first()
    )


def _kept(booking: Booking, fee: Decimal | None) -> int:
    """Points a cancellation fee keeps: the fee's share of the price, of the points paid."""
    if not booking.price or not fee:
        return 0
    return int(
        (Decimal(booking.points) * fee / booking.price).to_integral_value(rounding=ROUND_FLOOR)
    )


def _not_enough(error: Conflict) -> ApplicationError:
    message = _("You do not have that many points any more.")
    return ApplicationError(message, fields={"points": [message]}, code="not_enough_points")


class LedgerProgramme:
    """Points of the platform-wide ledger."""

    def balance(self, user: Any, now: datetime) -> int:
        return selectors.points_summary(user=user, now=now).balance

    def lots_preview(self, user: Any, points: int, now: datetime) -> list[dict]:
        lots = Lot.objects.filter(
            wallet__user=user,
            wallet__kind="wallet",
            remaining__gt=0,
            expires_at__gt=now,
            expired_at__isnull=True,
        ).order_by("expires_at", "id")
        used: list[dict] = []
        left = points
        for lot in lots.only("remaining", "expires_at"):
            if left <= 0:
                break
            take = min(lot.remaining, left)
            if used and used[-1]["expires_at"] == lot.expires_at:
                used[-1]["points"] += take
            else:
                used.append({"expires_at": lot.expires_at, "points": take})
            left -= take
        return used

    def cashback_preview(self, user, room, start, end, money, now):
        plan = selectors.cashback_plan(
            user=user, room=room, start=start, end=end, money=money, now=now
        )
        return plan.points, plan.available_at

    def _reserve(self, booking: Booking, now: datetime, key: str) -> None:
        try:
            services.points_reserve(
                user=booking.user,
                amount=booking.points,
                venue=booking.room.venue,
                reason=gettext_noop("Points held for booking #%(booking)s"),
                reason_params=_reason_params(booking),
                idempotency_key=key,
                now=now,
                booking_id=booking.pk,
            )
        except Conflict as error:
            if error.code == "not_enough_points":
                raise _not_enough(error) from error
            raise

    def take(self, booking: Booking, now: datetime) -> None:
        if not booking.points:
            return
        if booking.status in HELD:
            self._reserve(booking, now, f"reserve:booking:{booking.pk}")
            return
        try:
            services.points_spend(
                user=booking.user,
                amount=booking.points,
                venue=booking.room.venue,
                reason=gettext_noop("Points paid for booking #%(booking)s"),
                reason_params=_reason_params(booking),
                idempotency_key=f"spend:booking:{booking.pk}",
                now=now,
                booking_id=booking.pk,
            )
        except Conflict as error:
            if error.code == "not_enough_points":
                raise _not_enough(error) from error
            raise

    def settle(self, booking: Booking, before_status: str, now: datetime) -> None:
        if not booking.points:
            return
        after = booking.status
        payment = _payment(booking)
        if payment is None:
            return
        if before_status in HELD and payment.kind == Kind.RESERVE:
            if after == Status.CONFIRMED:
                services.points_reserve_capture(
                    reserve_key=payment.idempotency_key,
                    idempotency_key=f"capture:{payment.idempotency_key}",
                    now=now,
                )
            elif after in ENDED_UNPAID:
                services.points_reserve_release(
                    reserve_key=payment.idempotency_key,
                    idempotency_key=f"release:{payment.idempotency_key}",
                    now=now,
                )
            return
        if before_status == Status.CONFIRMED and after == Status.CANCELLED:
            refundable = services.points_refundable(spend_key=payment.idempotency_key)
            amount = min(refundable, booking.points - _kept(booking, booking.cancellation_fee))
            if amount > 0:
                services.points_refund(
                    spend_key=payment.idempotency_key,
                    idempotency_key=f"refund:booking:{booking.pk}:cancel",
                    amount=amount,
                    reason=gettext_noop("Points returned: booking #%(booking)s cancelled"),
                    reason_params=_reason_params(booking),
                    now=now,
                )
        # NO_SHOW, COMPLETED: the points stay spent.

    def refund_preview(self, booking: Booking, fee: Decimal) -> int:
        if not booking.points:
            return 0
        if booking.status in HELD:
            return booking.points  # a reservation is released whole
        return booking.points - _kept(booking, fee)

    def booking_points(self, booking_ids: list[int]) -> dict[int, Any]:
        return selectors.booking_points(booking_ids=booking_ids)

    def reschedule(self, booking: Booking, old_points: int, now: datetime) -> None:
        excess = old_points - booking.points
        if excess <= 0:
            return
        payment = _payment(booking)
        if payment is None:
            return
        count = LedgerTransaction.objects.filter(
            booking_id=booking.pk, idempotency_key__contains=":reschedule:"
        ).count()
        if payment.kind == Kind.RESERVE and booking.status in HELD:
            # A reservation is released whole; what the new cap allows is held anew.
            services.points_reserve_release(
                reserve_key=payment.idempotency_key,
                idempotency_key=f"release:{payment.idempotency_key}",
                now=now,
            )
            if booking.points:
                self._reserve(booking, now, f"reserve:booking:{booking.pk}:reschedule:{count + 1}")
            return
        services.points_refund(
            spend_key=payment.idempotency_key,
            idempotency_key=f"refund:booking:{booking.pk}:reschedule:{count + 1}",
            amount=excess,
            reason=gettext_noop("Points returned: booking #%(booking)s moved"),
            reason_params=_reason_params(booking),
            now=now,
        )
