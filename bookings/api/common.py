"""What the API views of bookings share: a booking as the API shows it, the interval input,
date-times read in the venue's time zone."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request

from bookings.models import Booking
from core import hygiene
from core.errors import ApplicationError
from venues.models import Room


def parse_moment(value: object, room: Room, field: str) -> datetime:
    """An ISO-8601 date-time; one without an offset is read in the venue's time zone."""
    parsed = hygiene.parse_datetime(value) if isinstance(value, str) else None
    if parsed is None:
        try:  # out of core.hygiene's range is a rule's 422 ("date_range"), malformed a 400
            serializers.DateTimeField().run_validation(value)
        except serializers.ValidationError as error:
            if error.get_codes() == ["date_range"]:
                raise serializers.ValidationError({field: error.detail}) from None
        message = _("Enter a date and time in ISO-8601, e.g. 2026-05-01T19:00:00+03:00.")
        raise serializers.ValidationError({field: [message]})
    if timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=ZoneInfo(room.venue.timezone))
    return parsed.astimezone(UTC)


def iso(moment: datetime | None, zone: ZoneInfo) -> str | None:
    return moment.astimezone(zone).isoformat() if moment else None


def booking_data(booking: Booking, *, payment_url: str | None = None) -> dict[str, object]:
    """A booking as the API shows it (see BookingOutput), times in the venue's time zone."""
    zone = ZoneInfo(booking.room.venue.timezone)
    data: dict[str, object] = {
        "id": booking.pk,
        "status": booking.status,
        "kind": booking.kind,
        "room": booking.room_id,
        "venue": booking.room.venue_id,
        "start": iso(booking.start, zone),
        "end": iso(booking.end, zone),
        "price": f"{booking.price:.2f}",
        "money_due": f"{booking.money_due:.2f}",
        "points": booking.points,
        "points_cap": booking.points_cap,
        "payment": booking.payment,
        "paid": booking.paid_at is not None,
        "hold_expires_at": iso(booking.hold_expires_at, zone),
        "cancellation": {
            "free_until": iso(booking.free_cancellation_until, zone),
            "fee_percent": booking.cancellation_fee_percent,
        },
        "cancellation_fee": f"{booking.cancellation_fee:.2f}",
    }
    if payment_url:
        data["payment_url"] = payment_url
    return data


class BookingOutput(serializers.Serializer):
    """Documentation of a booking as the API returns it."""

    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Booking.Status.choices)
    kind = serializers.ChoiceField(choices=Booking.Kind.choices)
    room = serializers.IntegerField()
    venue = serializers.IntegerField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    price = serializers.DecimalField(max_digits=12, decimal_places=2)
    money_due = serializers.DecimalField(max_digits=12, decimal_places=2)
    points = serializers.IntegerField()
    points_cap = serializers.IntegerField()
    payment = serializers.ChoiceField(choices=Booking.Payment.choices)
    paid = serializers.BooleanField()
    hold_expires_at = serializers.DateTimeField(allow_null=True)
    cancellation = inline_serializer(
        "BookingCancellation",
        {"free_until": serializers.DateTimeField(), "fee_percent": serializers.IntegerField()},
    )
    cancellation_fee = serializers.DecimalField(max_digits=12, decimal_places=2)
    payment_url = serializers.CharField(required=False)


@extend_schema_field(
    {
        "type": "string",
        "format": "date-time",
        "description": "ISO-8601; without an offset, read in the venue's time zone",
    }
)
class MomentField(serializers.CharField):
    """A date-time as text; `parse_moment` reads it once the room (its time zone) is known."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=40, **kwargs)


class IntervalInput(serializers.Serializer):
    room = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    start = MomentField()
    end = MomentField()


class PointsInput(IntervalInput):
    points = serializers.IntegerField(
        min_value=0,
        max_value=10**9,
        required=False,
        default=0,
        help_text="Points to pay part of the price with (whole points, at most points_usable).",
        # The checkout form's messages (bookings.forms.PointsField): one wording everywhere.
        error_messages={
            "invalid": gettext_lazy("Enter a whole number of points."),
            "min_value": gettext_lazy("The number of points cannot be negative."),
        },
    )


def interval_input(
    request: Request, serializer: type[IntervalInput] = IntervalInput
) -> tuple[Room, datetime, datetime, dict[str, Any]]:
    """Validate room / start / end (and whatever else `serializer` asks for). The last item is
    the serializer's validated data, as DRF types it (`Any`: each serializer has its fields)."""
    data = serializer(data=request.data)
    data.is_valid(raise_exception=True)
    values = data.validated_data
    room = Room.objects.select_related("venue").filter(pk=values["room"]).first()
    if room is None or not room.venue.is_public:
        message = _("Room not found.")
        raise ApplicationError(message, fields={"room": [message]})
    start = parse_moment(values["start"], room, "start")
    end = parse_moment(values["end"], room, "end")
    return room, start, end, values
