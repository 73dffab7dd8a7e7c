"""Reviews of rooms by clients after their session."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from bookings.models import Review
from bookings.services.state import Status, locked_booking
from core.errors import ApplicationError, Conflict, NotFound
from core.services import audit_record


def review_create(
    *, user: User, booking_id: int, rating: int | str | None, comment: str = ""
) -> Review:
    """The client rates the room of a completed booking (1–5, a number or its digits), once."""
    try:
        stars = int(rating or 0)
    except ValueError:
        stars = 0
    if not 1 <= stars <= 5:
        raise ApplicationError(_("Rate from 1 to 5."), fields={"rating": [_("Rate from 1 to 5.")]})
    with transaction.atomic(durable=True):
        booking = locked_booking(booking_id)
        if booking.user_id != user.pk:
            raise NotFound(_("Booking not found."))
        if booking.status != Status.COMPLETED:
            raise ApplicationError(
                _("You can review a room after your session there."), code="not_completed"
            )
        if Review.objects.filter(booking=booking).exists():
            raise Conflict(_("You have already reviewed this booking."), code="already_reviewed")
        try:
            with transaction.atomic():
                review = Review.objects.create(
                    booking=booking,
                    room=booking.room,
                    user=user,
                    rating=stars,
                    comment=(comment or "").strip()[:2000],
                )
        except IntegrityError:
            raise Conflict(
                _("You have already reviewed this booking."), code="already_reviewed"
            ) from None
    return review


def review_remove(*, actor: User, review: Review) -> None:
    """Staff take down a review (abuse, spam); the audit log keeps what it said."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="review.remove",
            obj=review,
            before={"rating": review.rating, "comment": review.comment, "user": review.user_id},
        )
        review.delete()
