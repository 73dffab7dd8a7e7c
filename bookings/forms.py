"""Forms of bookings' pages: the checkout's input (a re-quote or a booking) and the venue
calendar's query."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import ROUND_FLOOR, Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bookings import selectors
from bookings.models import Booking
from bookings.selectors.calendar import CalendarView
from core import hygiene
from venues.models import Room


def venue_moment(value: str, room: Room) -> datetime | None:
    """An ISO date-time typed into a page, in UTC; one without an offset is the venue's time."""
    # A "+" of an offset typed into a URL by hand arrives as a space.
    parsed = hygiene.parse_datetime((value or "").strip().replace(" ", "+"))
    if parsed is None:
        return None
    if timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=ZoneInfo(room.venue.timezone))
    return parsed.astimezone(UTC)


class PointsField(forms.Field):
    """Whole points, not negative; an empty field is 0. The API's `points` says the same."""

    default_error_messages = {
        "invalid": _("Enter a whole number of points."),
        "negative": _("The number of points cannot be negative."),
    }

    def to_python(self, value: object) -> int:
        text = str(value if value is not None else "").strip()
        if not text:
            return 0
        try:
            points = int(text)
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if points < 0:
            raise ValidationError(self.error_messages["negative"], code="negative")
        return points


def whole_part(value: object) -> int | None:
    """The whole part of any number typed (12.7, "12,7", "−5"), or None if it is not a number."""
    try:
        number = Decimal(str(value).strip().replace(",", ".").replace("\u2212", "-"))
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite():
        return None
    return int(number.to_integral_value(rounding=ROUND_FLOOR))


class CheckoutForm(forms.Form):
    """The checkout's input. A GET re-quotes as the client types; a POST (`booking=True`) books
    and then needs a payment choice too.

    An unknown room is an error on `room` (the page is a 404), a start that is not a date-time
    an error on `start` (back to the slot picker); a length that is not a number is the room's
    minimum.
    """

    room = forms.ModelChoiceField(queryset=selectors.rooms_bookable())
    start = forms.CharField(required=False)
    minutes = forms.CharField(required=False)
    points = PointsField(required=False)
    payment = forms.CharField(required=False)

    def __init__(self, data: Mapping[str, object], *, booking: bool) -> None:
        super().__init__(data)
        self.booking = booking

    def _room(self) -> Room | None:
        room = self.cleaned_data.get("room")
        return room if isinstance(room, Room) else None

    def clean_start(self) -> datetime | None:
        room = self._room()
        start = venue_moment(self.cleaned_data["start"], room) if room else None
        if start is None:
            raise ValidationError(_("Choose a free slot first."), code="no_slot")
        return start

    def clean_minutes(self) -> int | None:
        room = self._room()
        minutes = hygiene.parse_int(self.cleaned_data["minutes"])
        if minutes is None:
            return room.min_booking_minutes if room else None
        return minutes

    def clean_payment(self) -> str:
        payment: str = self.cleaned_data["payment"]
        if self.booking and payment not in Booking.Payment.values:
            raise ValidationError(_("Choose how to pay."), code="no_payment")
        return payment

    def error(self, name: str) -> str | None:
        """The first error of field `name`, if any."""
        errors = self.errors.get(name)
        return str(errors[0]) if errors else None

    @property
    def points_typed(self) -> int | None:
        """The whole part of what was typed as points, even if refused (a re-quote moves it into
        the allowed range); None if it is not a number at all."""
        return whole_part(str(self.data.get("points", "")).strip() or 0)


CalendarQuery = tuple[date | None, CalendarView, int]  # (date or None, "day" or "week", room or 0)


class CalendarForm(forms.Form):
    """The venue calendar's query. A date that is not one is today; a view other than "week"
    is a day; a room that is not a number is every room."""

    date = forms.DateField(required=False, input_formats=["%Y-%m-%d"])
    view = forms.CharField(required=False)
    room = forms.IntegerField(required=False)

    def query(self) -> CalendarQuery:
        self.is_valid()
        view: CalendarView = "week" if self.cleaned_data.get("view") == "week" else "day"
        return self.cleaned_data.get("date"), view, self.cleaned_data.get("room") or 0
