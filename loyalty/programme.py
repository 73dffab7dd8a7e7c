"""loyalty's implementation of bookings' `PointsProgramme`: points paying part of a booking.

Registered in `LoyaltyConfig.ready()`. Every movement goes through the ledger services with a
key derived from the booking, so a retried status change never moves points twice:
`spend:booking:<id>` (confirmed at once), `reserve:booking:<id>[:<n>]` (hold or request; a
new reservation after a reschedule of a request), `capture:…` / `release:…` of a reservation,
`refund:booking:<id>:cancel` and `refund:booking:<id>:reschedule:<n>`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from bookings.models import Booking
from bookings.points import BookingPoints, PointsQuote
from bookings.selectors import points_kept
from core.errors import ApplicationError, Conflict
from loyalty import selectors, services
from loyalty.models import LedgerTransaction
from venues.models import Room

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


def _not_enough(error: Conflict) -> ApplicationError:
    message = _("You do not have that many points any more.")
    return ApplicationError(message, fields={"points": [message]}, code="not_enough_points")


@dataclass(frozen=True)
class LedgerProgramme:
    """Points of the platform-wide ledger."""

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
        preview = (
            selectors.spending_preview(user=user, points=points, cap=cap, price=int(price), now=now)
            if user
            else selectors.SpendingPreview(balance=0, usable=0, used=0, points_from=[])
        )
        plan = selectors.cashback_plan(
            user=user, room=room, start=start, end=end, money=price - preview.used, now=now
        )
        return PointsQuote(
            balance=preview.balance,
            usable=preview.usable,
            cashback=plan.points,
            cashback_available_at=plan.available_at,
            points_from=tuple(preview.points_from),
        )

    def _take(
        self, booking: Booking, now: datetime, *, key: str, held: bool, new_key: bool = False
    ) -> None:
        """Spend the booking's points, or hold them while it waits for payment or the venue."""
        assert booking.user is not None
        reason = (
            gettext_noop("Points held for booking #%(booking)s")
            if held
            else gettext_noop("Points paid for booking #%(booking)s")
        )
        movement = services.Movement(
            user=booking.user,
            amount=booking.points,
            venue=booking.room.venue,
            reason=reason,
            reason_params=_reason_params(booking),
            idempotency_key=key,
            now=now,
            booking_id=booking.pk,
        )
        try:
            (services.points_reserve if held else services.points_spend)(movement, new_key=new_key)
        except Conflict as error:
            if error.code == "not_enough_points":
                raise _not_enough(error) from error
            raise

    def take(self, booking: Booking, now: datetime) -> None:
        if not booking.points:
            return
        # The booking was inserted in this transaction: no payment of it can be recorded yet.
        key = f"{'reserve' if booking.status in HELD else 'spend'}:booking:{booking.pk}"
        self._take(booking, now, key=key, held=booking.status in HELD, new_key=True)

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
                    payment.idempotency_key,
                    services.Settlement(
                        idempotency_key=f"capture:{payment.idempotency_key}", now=now
                    ),
                )
            elif after in ENDED_UNPAID:
                services.points_reserve_release(
                    payment.idempotency_key,
                    services.Settlement(
                        idempotency_key=f"release:{payment.idempotency_key}", now=now
                    ),
                )
            return
        if before_status == Status.CONFIRMED and after == Status.CANCELLED:
            refundable = services.points_refundable(spend_key=payment.idempotency_key)
            amount = min(
                refundable, booking.points - points_kept(booking, booking.cancellation_fee)
            )
            if amount > 0:
                services.points_refund(
                    payment.idempotency_key,
                    services.Settlement(
                        idempotency_key=f"refund:booking:{booking.pk}:cancel",
                        now=now,
                        reason=gettext_noop("Points returned: booking #%(booking)s cancelled"),
                        reason_params=_reason_params(booking),
                    ),
                    amount=amount,
                )
        # NO_SHOW, COMPLETED: the points stay spent.

    def booking_points(self, booking_ids: list[int]) -> dict[int, BookingPoints]:
        return selectors.booking_points(booking_ids=booking_ids)

    def reschedule(self, booking: Booking, old_points: int, now: datetime) -> None:
        self._return_excess(booking, old_points, now)
        # In the move's transaction, not later by a task: the booking's pages, e-mail and API
        # show the new cashback as soon as the new price.
        services.cashback_replan(booking_id=booking.pk, now=now)

    def _return_excess(self, booking: Booking, old_points: int, now: datetime) -> None:
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
                payment.idempotency_key,
                services.Settlement(idempotency_key=f"release:{payment.idempotency_key}", now=now),
            )
            if booking.points:
                key = f"reserve:booking:{booking.pk}:reschedule:{count + 1}"
                self._take(booking, now, key=key, held=True)
            return
        services.points_refund(
            payment.idempotency_key,
            services.Settlement(
                idempotency_key=f"refund:booking:{booking.pk}:reschedule:{count + 1}",
                now=now,
                reason=gettext_noop("Points returned: booking #%(booking)s moved"),
                reason_params=_reason_params(booking),
            ),
            amount=excess,
        )
