"""Receivers of loyalty: they only queue tasks (connected in LoyaltyConfig.ready)."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed
from django.http import HttpRequest

from accounts.signals import profile_updated
from bookings import signals as bookings
from core.after_commit import enqueue
from core.emails import Item, email_send_on_commit
from loyalty import signals, tasks


def on_booking_confirmed(sender: type, booking_id: int, **kwargs: object) -> None:
    enqueue(tasks.cashback_pend, booking_id)


def on_booking_cancelled(sender: type, booking_id: int, **kwargs: object) -> None:
    enqueue(tasks.cashback_cancel, booking_id)


def on_booking_rescheduled(sender: type, booking_id: int, **kwargs: object) -> None:
    enqueue(tasks.cashback_replan, booking_id)


def on_booking_completed(sender: type, booking_id: int, **kwargs: object) -> None:
    enqueue(tasks.tier_upgrade, booking_id)


def on_email_confirmed(request: HttpRequest, email_address: EmailAddress, **kwargs: object) -> None:
    enqueue(tasks.welcome_bonus, email_address.user_id)


def on_profile_updated(sender: type, user_id: int, **kwargs: object) -> None:
    enqueue(tasks.profile_bonus, user_id)


def on_points_expiring(sender: type, reminders: list[Item], **kwargs: object) -> None:
    email_send_on_commit("loyalty.expiry_reminder", reminders)


def on_holiday_gifts_granted(
    sender: type, grant_id: int, user_ids: list[int], **kwargs: object
) -> None:
    # One batch of one grant's pass: its clients were credited together, so this key names it.
    key = f"holiday:{grant_id}:{user_ids[0]}-{user_ids[-1]}:{len(user_ids)}"
    email_send_on_commit(
        "loyalty.holiday_gift",
        [{"grant_id": grant_id, "user_id": uid} for uid in user_ids],
        key=key,
    )


def connect() -> None:
    email_confirmed.connect(on_email_confirmed, dispatch_uid="loyalty.email_confirmed")
    profile_updated.connect(on_profile_updated, dispatch_uid="loyalty.profile_updated")

    bookings.booking_confirmed.connect(on_booking_confirmed, dispatch_uid="loyalty.confirmed")
    bookings.booking_cancelled.connect(on_booking_cancelled, dispatch_uid="loyalty.cancelled")
    bookings.booking_no_show.connect(on_booking_cancelled, dispatch_uid="loyalty.no_show")
    bookings.booking_completed.connect(on_booking_completed, dispatch_uid="loyalty.completed")
    bookings.booking_rescheduled.connect(on_booking_rescheduled, dispatch_uid="loyalty.moved")

    signals.points_expiring.connect(on_points_expiring, dispatch_uid="loyalty.points_expiring")
    signals.holiday_gifts_granted.connect(
        on_holiday_gifts_granted, dispatch_uid="loyalty.holiday_gifts_granted"
    )
