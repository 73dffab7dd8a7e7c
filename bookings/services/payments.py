"""Online payments of bookings: a payment attempt, the provider's signed webhook, the test
provider's "pay" / "fail" button."""

from __future__ import annotations

import json
import logging
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from bookings import selectors, signals
from bookings.models import Booking, BookingEvent, Payment
from bookings.payments import TestProvider, provider
from bookings.services.state import Status, announce_booking, locked_booking, status_change
from core.errors import ApplicationError, Conflict, NotFound
from core.services import audit_record, snapshot

logger = logging.getLogger(__name__)


def payment_start(*, booking_id: int, user: User) -> Payment:
    """A new payment attempt for the user's booking awaiting online payment."""
    with transaction.atomic(durable=True):
        booking = locked_booking(booking_id)
        if booking.user_id != user.pk:
            raise NotFound(_("Booking not found."))
        if not selectors.can_pay(booking):
            raise Conflict(_("Nothing to pay for this booking."), code="nothing_to_pay")
        payment = booking.payments.filter(status=Payment.Status.PENDING).first()
        if payment is None:
            payment = Payment.objects.create(
                booking=booking, provider=provider().name, amount=booking.money_due
            )
    return payment


def payment_webhook_receive(
    *, body: bytes, signature: str | None, now: datetime | None = None
) -> tuple[Payment, bool]:
    """Apply a provider's signed payment outcome once. Returns (payment, changed).

    A bad signature raises ApplicationError (400) and is logged; a replayed or late event for a
    payment that is no longer pending changes nothing. Money that is not exactly the payment's
    amount in its currency, or that arrives for a booking no longer active, confirms nothing:
    the payment becomes "refund due" (answered with 200, so the provider stops retrying).
    """
    now = now or timezone.now()
    if not provider().verify(body, signature):
        logger.warning("payment webhook rejected: bad signature", extra={"size": len(body)})
        raise ApplicationError(_("Bad signature."), code="bad_signature")
    try:
        event = json.loads(body)
        payment_id = int(event["payment_id"])
        outcome = event["status"]
        amount = Decimal(str(event["amount"]))
        currency = str(event["currency"])
    except (ValueError, KeyError, TypeError, InvalidOperation):
        logger.warning("payment webhook rejected: malformed body")
        raise ApplicationError(_("Malformed payment event."), code="bad_event") from None
    if outcome not in (Payment.Status.SUCCEEDED, Payment.Status.FAILED) or not amount.is_finite():
        raise ApplicationError(_("Malformed payment event."), code="bad_event")
    with transaction.atomic(durable=True):
        # Lock order: booking, then payment (the same order as every other booking change).
        booking_id = (
            Payment.objects.filter(pk=payment_id).values_list("booking_id", flat=True).first()
        )
        if booking_id is None:
            raise NotFound(_("Payment not found."))
        booking = locked_booking(booking_id)
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        if payment.status != Payment.Status.PENDING:
            logger.info("payment webhook replayed", extra={"payment": payment.pk})
            return payment, False
        payment.external_id = str(event.get("event_id", ""))[:100]
        if outcome == Payment.Status.FAILED:
            _payment_settle(payment, booking, Payment.Status.FAILED, action="payment_failed")
            return payment, True
        if amount != payment.amount or currency != payment.currency:
            # Not a payment of this booking: it confirms nothing and earns nothing.
            _payment_settle(
                payment,
                booking,
                Payment.Status.REFUND_DUE,
                action="payment_mismatch",
                note=_("The amount or currency paid is not the booking's: refund due."),
                received={"amount": str(amount), "currency": currency},
            )
            return payment, True
        if booking.status not in (Status.HOLD, Status.CONFIRMED, Status.REQUESTED):
            # The hold expired (or was cancelled) before the money arrived: it must go back.
            _payment_settle(
                payment,
                booking,
                Payment.Status.REFUND_DUE,
                action="payment_after_expiry",
                note=_("Paid after the hold ended: refund due."),
            )
            return payment, True
        _payment_settle(payment, booking, Payment.Status.SUCCEEDED)
        booking.paid_at = now
        if booking.status == Status.HOLD:
            booking.hold_expires_at = None
            status_change(
                booking,
                Status.CONFIRMED,
                action="paid",
                actor=None,
                fields=("paid_at", "hold_expires_at"),
                now=now,
            )
            announce_booking(signals.booking_confirmed, booking)
        else:
            booking.save(update_fields=["paid_at", "updated_at"])
    return payment, True


def _payment_settle(
    payment: Payment,
    booking: Booking,
    status: str,
    *,
    action: str = "",
    note: str = "",
    received: dict[str, str] | None = None,
) -> None:
    """Record a pending payment's outcome; an outcome that is not the booking's payment is
    noted in its history and, when money must go back, in the audit log staff review."""
    before = snapshot(payment, ("status", "amount", "currency"))
    payment.status = status
    payment.save(update_fields=["status", "external_id", "updated_at"])
    if action:
        BookingEvent.objects.create(
            booking=booking,
            from_status=booking.status,
            to_status=booking.status,
            action=action,
            note=note,
        )
    if status == Payment.Status.REFUND_DUE:
        logger.warning(
            "payment is not the booking's: refund due",
            extra={"payment": payment.pk, "booking": booking.pk, "reason": action},
        )
        audit_record(
            actor=None,
            action=f"payment.{action}",
            obj=payment,
            before=before,
            after={**snapshot(payment, ("status",)), "received": received},
        )


def payment_simulate(*, payment_id: int, user: User, outcome: str) -> tuple[Payment, bool]:
    """Simulate the provider's answer for the built-in test provider's checkout page ("pay" /
    "fail"): sign the event a real provider would send and hand it to the same webhook code."""
    payment = Payment.objects.select_related("booking").filter(pk=payment_id).first()
    if payment is None or payment.booking.user_id != user.pk:
        raise NotFound(_("Payment not found."))
    test = TestProvider()
    body = test.event_body(payment, outcome)
    return payment_webhook_receive(body=body, signature=test.sign(body))
