"""REST API of bookings: availability, quotes, bookings, payments webhook, reviews, partner side."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bookings import selectors, services
from bookings.models import Booking
from bookings.payments import SIGNATURE_HEADER, provider
from core.errors import ApplicationError
from core.idempotency import idempotent
from venues.models import Room
from venues.selectors import room_for_member, venue_for_member

IDEMPOTENCY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="Retry safely: the same key returns the same answer; another body gets 422.",
)


def _moment(value: Any, room: Room, field: str) -> datetime:
    """An ISO-8601 date-time; one without an offset is read in the venue's time zone."""
    parsed = None
    if isinstance(value, str):
        try:
            parsed = parse_datetime(value.strip())
        except ValueError:
            parsed = None
    if parsed is None:
        message = _("Enter a date and time in ISO-8601, e.g. 2026-05-01T19:00:00+03:00.")
        raise ApplicationError(message, fields={field: [message]})
    if timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=ZoneInfo(room.venue.timezone))
    return parsed.astimezone(UTC)


def _iso(moment: datetime | None, zone: ZoneInfo) -> str | None:
    return moment.astimezone(zone).isoformat() if moment else None


def booking_data(booking: Booking, *, payment_url: str | None = None) -> dict:
    zone = ZoneInfo(booking.room.venue.timezone)
    data = {
        "id": booking.pk,
        "status": booking.status,
        "kind": booking.kind,
        "room": booking.room_id,
        "venue": booking.room.venue_id,
        "start": _iso(booking.start, zone),
        "end": _iso(booking.end, zone),
        "price": f"{booking.price:.2f}",
        "money_due": f"{booking.money_due:.2f}",
        "points": booking.points,
        "points_cap": booking.points_cap,
        "payment": booking.payment,
        "paid": booking.paid_at is not None,
        "hold_expires_at": _iso(booking.hold_expires_at, zone),
        "cancellation": {
            "free_until": _iso(booking.free_cancellation_until, zone),
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


# --- Public ----------------------------------------------------------------------------------


class AvailabilityView(APIView):
    """Slots of a room on a business day (venue time) with status free / busy / closed and price."""

    permission_classes = [AllowAny]

    class AvailabilityOutputSerializer(serializers.Serializer):
        date = serializers.DateField()
        timezone = serializers.CharField()
        slots = inline_serializer(
            "AvailabilitySlot",
            {
                "start": serializers.DateTimeField(),
                "end": serializers.DateTimeField(),
                "status": serializers.ChoiceField(choices=["free", "busy", "closed"]),
                "price": serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True),
            },
            many=True,
        )

    @extend_schema(
        parameters=[OpenApiParameter("date", OpenApiTypes.DATE, required=True)],
        responses=AvailabilityOutputSerializer,
        auth=[],
    )
    def get(self, request: Request, room_id: int) -> Response:
        room = selectors.room_bookable(room_id)
        raw = request.query_params.get("date", "")
        try:
            day = parse_date(raw)
        except ValueError:
            day = None
        if day is None:
            message = _("Enter a date as YYYY-MM-DD.")
            raise ApplicationError(message, fields={"date": [message]})
        data = selectors.room_availability(room, day)
        zone = ZoneInfo(room.venue.timezone)
        return Response(
            {
                "date": day.isoformat(),
                "timezone": data["timezone"],
                "slots": [
                    {
                        "start": _iso(s["start"], zone),
                        "end": _iso(s["end"], zone),
                        "status": s["status"],
                        "price": f"{s['price']:.2f}" if s["price"] is not None else None,
                    }
                    for s in data["slots"]
                ],
            }
        )


class IntervalInput(serializers.Serializer):
    room = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    start = serializers.CharField(max_length=40)
    end = serializers.CharField(max_length=40)


class PointsInput(IntervalInput):
    points = serializers.IntegerField(
        min_value=0,
        max_value=10**9,
        required=False,
        default=0,
        help_text="Points to pay part of the price with (whole points, at most points_usable).",
    )


def _interval(request: Request, serializer=IntervalInput) -> tuple[Room, datetime, datetime, dict]:
    """Validate room / start / end (and whatever else `serializer` asks for)."""
    data = serializer(data=request.data)
    data.is_valid(raise_exception=True)
    values = data.validated_data
    room = Room.objects.select_related("venue").filter(pk=values["room"]).first()
    if room is None or not room.venue.is_published:
        message = _("Room not found.")
        raise ApplicationError(message, fields={"room": [message]})
    start = _moment(values["start"], room, "start")
    end = _moment(values["end"], room, "end")
    return room, start, end, values


class QuoteView(APIView):
    """What a booking of [start, end) would cost and what cancelling it would cost."""

    permission_classes = [AllowAny]

    class QuoteOutputSerializer(serializers.Serializer):
        price = serializers.DecimalField(max_digits=12, decimal_places=2)
        money_due = serializers.DecimalField(max_digits=12, decimal_places=2)
        points_cap = serializers.IntegerField()
        points_usable = serializers.IntegerField()
        points = serializers.IntegerField()
        cashback_points = serializers.IntegerField()
        cashback_available_at = serializers.DateTimeField(allow_null=True)
        points_from = inline_serializer(
            "QuotePointsFrom",
            {"expires_at": serializers.DateTimeField(), "points": serializers.IntegerField()},
            many=True,
        )
        slots = inline_serializer(
            "QuoteSlot",
            {
                "start": serializers.DateTimeField(),
                "end": serializers.DateTimeField(),
                "price": serializers.DecimalField(max_digits=12, decimal_places=2),
            },
            many=True,
        )
        cancellation = inline_serializer(
            "QuoteCancellation",
            {"free_until": serializers.DateTimeField(), "fee_percent": serializers.IntegerField()},
        )

    @extend_schema(request=PointsInput, responses=QuoteOutputSerializer, auth=[])
    def post(self, request: Request) -> Response:
        room, start, end, values = _interval(request, PointsInput)
        quote = selectors.booking_quote(
            room=room, start=start, end=end, user=request.user, points=values["points"]
        )
        return Response(quote_data(quote))


def quote_data(quote: selectors.Quote) -> dict:
    zone = ZoneInfo(quote.room.venue.timezone)
    return {
        "room": quote.room.pk,
        "start": _iso(quote.start, zone),
        "end": _iso(quote.end, zone),
        "price": f"{quote.price:.2f}",
        "money_due": f"{quote.money_due:.2f}",
        "points_cap": quote.points_cap,
        "points_usable": quote.points_usable,
        "points": quote.points,
        "cashback_points": quote.cashback_points,
        "cashback_available_at": _iso(quote.cashback_available_at, zone),
        "points_from": [
            {"expires_at": _iso(p.expires_at, zone), "points": p.points} for p in quote.points_from
        ],
        "slots": [
            {"start": _iso(s.start, zone), "end": _iso(s.end, zone), "price": f"{s.price:.2f}"}
            for s in quote.slots
        ],
        "cancellation": {
            "free_until": _iso(quote.free_until, zone),
            "fee_percent": quote.fee_percent,
        },
        **quote.extra,
    }


# --- Client ----------------------------------------------------------------------------------


class BookingCreateView(APIView):
    """Book a room. Instant venues: pay at the venue → confirmed; online → hold (pay at
    `payment_url` within 15 minutes). Request-to-book venues: requested. A taken time is 409."""

    permission_classes = [IsAuthenticated]

    class BookingCreateInputSerializer(PointsInput):
        payment = serializers.ChoiceField(choices=Booking.Payment.choices)

    @extend_schema(
        request=BookingCreateInputSerializer,
        responses={201: BookingOutput},
        parameters=[IDEMPOTENCY],
    )
    @idempotent
    def post(self, request: Request) -> Response:
        room, start, end, values = _interval(request, self.BookingCreateInputSerializer)
        booking = services.booking_create(
            user=request.user,
            room=room,
            start=start,
            end=end,
            payment=values["payment"],
            points=values["points"],
        )
        payment_url = None
        if booking.status == Booking.Status.HOLD:
            payment = booking.payments.first()
            payment_url = request.build_absolute_uri(provider().checkout_url(payment))
        return Response(booking_data(booking, payment_url=payment_url), status=201)


class BookingDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=BookingOutput)
    def get(self, request: Request, booking_id: int) -> Response:
        booking = selectors.booking_for_user(user=request.user, booking_id=booking_id)
        return Response(booking_data(booking))


class BookingCancelView(APIView):
    """Cancel one's booking: free before the policy's deadline, otherwise with the fee."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=BookingOutput, parameters=[IDEMPOTENCY])
    @idempotent
    def post(self, request: Request, booking_id: int) -> Response:
        booking = selectors.booking_for_user(user=request.user, booking_id=booking_id)
        booking = services.booking_cancel(booking_id=booking.pk, actor=request.user)
        return Response(booking_data(booking))


class BookingRescheduleView(APIView):
    """Move one's booking to another free time of the same room; the price is recomputed."""

    permission_classes = [IsAuthenticated]

    class RescheduleInputSerializer(serializers.Serializer):
        start = serializers.CharField(max_length=40)
        end = serializers.CharField(max_length=40)

    @extend_schema(request=RescheduleInputSerializer, responses=BookingOutput)
    def post(self, request: Request, booking_id: int) -> Response:
        booking = selectors.booking_for_user(user=request.user, booking_id=booking_id)
        data = self.RescheduleInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        start = _moment(data.validated_data["start"], booking.room, "start")
        end = _moment(data.validated_data["end"], booking.room, "end")
        booking = services.booking_reschedule(
            booking_id=booking.pk, actor=request.user, start=start, end=end
        )
        return Response(booking_data(booking))


class BookingPayView(APIView):
    """Start (or resume) the online payment of one's booking: where to send the client."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None,
        responses=inline_serializer("PaymentStart", {"payment_url": serializers.CharField()}),
    )
    def post(self, request: Request, booking_id: int) -> Response:
        booking = selectors.booking_for_user(user=request.user, booking_id=booking_id)
        payment = services.payment_start(booking_id=booking.pk, user=request.user)
        url = request.build_absolute_uri(provider().checkout_url(payment))
        return Response({"payment_url": url})


class MyBookingsView(APIView):
    """The signed-in client's bookings, newest first."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=BookingOutput(many=True))
    def get(self, request: Request) -> Response:
        rows = selectors.bookings_for_user(request.user).order_by("-start")[:200]
        return Response([booking_data(b) for b in rows])


class PaymentWebhookView(APIView):
    """The payment provider's signed callback (HMAC-SHA256 of the body in X-Bronka-Signature)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        request=inline_serializer(
            "PaymentEvent",
            {
                "event_id": serializers.CharField(),
                "payment_id": serializers.IntegerField(),
                "status": serializers.ChoiceField(choices=["succeeded", "failed"]),
                "amount": serializers.DecimalField(max_digits=12, decimal_places=2),
            },
        ),
        responses=inline_serializer("PaymentEventResult", {"changed": serializers.BooleanField()}),
        auth=[],
    )
    def post(self, request: Request) -> Response:
        payment, changed = services.payment_webhook_receive(
            body=request.body, signature=request.headers.get(SIGNATURE_HEADER)
        )
        return Response({"payment": payment.pk, "status": payment.status, "changed": changed})


class ReviewCreateView(APIView):
    """Rate the room of one's completed booking (1–5) with an optional comment."""

    permission_classes = [IsAuthenticated]

    class ReviewInputSerializer(serializers.Serializer):
        rating = serializers.IntegerField(min_value=1, max_value=5)
        comment = serializers.CharField(max_length=2000, allow_blank=True, required=False)

    class ReviewOutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        room = serializers.IntegerField(source="room_id")
        rating = serializers.IntegerField()
        comment = serializers.CharField()
        created_at = serializers.DateTimeField()

    @extend_schema(request=ReviewInputSerializer, responses={201: ReviewOutputSerializer})
    def post(self, request: Request, booking_id: int) -> Response:
        booking = selectors.booking_for_user(user=request.user, booking_id=booking_id)
        data = self.ReviewInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        review = services.review_create(
            user=request.user, booking_id=booking.pk, **data.validated_data
        )
        return Response(self.ReviewOutputSerializer(review).data, status=201)


class RoomReviewsView(APIView):
    """Average rating and the latest reviews of a room."""

    permission_classes = [AllowAny]

    @extend_schema(
        responses=inline_serializer(
            "RoomReviews",
            {
                "average": serializers.DecimalField(
                    max_digits=3, decimal_places=1, allow_null=True
                ),
                "count": serializers.IntegerField(),
                "latest": inline_serializer(
                    "RoomReview",
                    {
                        "rating": serializers.IntegerField(),
                        "comment": serializers.CharField(),
                        "author": serializers.CharField(),
                        "created_at": serializers.DateTimeField(),
                    },
                    many=True,
                ),
            },
        ),
        auth=[],
    )
    def get(self, request: Request, room_id: int) -> Response:
        room = selectors.room_bookable(room_id)
        summary = selectors.reviews_summary(room=room)
        return Response(
            {
                "average": str(summary["average"]) if summary["average"] is not None else None,
                "count": summary["count"],
                "latest": [
                    {
                        "rating": r.rating,
                        "comment": r.comment,
                        "author": r.user.get_short_name(),
                        "created_at": r.created_at.isoformat(),
                    }
                    for r in summary["latest"]
                ],
            }
        )


# --- Partner ---------------------------------------------------------------------------------


class PartnerBookingsView(APIView):
    """A venue's bookings between two dates (default: today and the next 7 days), and manual
    bookings (a phone client) created by the venue team."""

    permission_classes = [IsAuthenticated]

    class ManualInput(IntervalInput):
        client_name = serializers.CharField(max_length=150)
        client_phone = serializers.CharField(max_length=32, allow_blank=True, required=False)
        note = serializers.CharField(max_length=300, allow_blank=True, required=False)

    @extend_schema(
        parameters=[
            OpenApiParameter("venue", OpenApiTypes.INT, required=True),
            OpenApiParameter("from", OpenApiTypes.DATE),
            OpenApiParameter("to", OpenApiTypes.DATE),
        ],
        responses=BookingOutput(many=True),
    )
    def get(self, request: Request) -> Response:
        try:
            venue_id = int(request.query_params.get("venue", ""))
        except ValueError:
            message = _("Choose a venue.")
            raise ApplicationError(message, fields={"venue": [message]}) from None
        venue = venue_for_member(user=request.user, venue_id=venue_id)
        zone = ZoneInfo(venue.timezone)
        today = timezone.now().astimezone(zone).date()
        try:
            first = parse_date(request.query_params.get("from", "")) or today
            last = parse_date(request.query_params.get("to", "")) or first + timedelta(days=7)
        except ValueError:
            raise ApplicationError(_("Enter dates as YYYY-MM-DD.")) from None
        if last < first or (last - first).days > 62:
            raise ApplicationError(_("Choose at most two months."))
        rows = selectors.venue_bookings(
            venue,
            first=datetime.combine(first, datetime.min.time(), tzinfo=zone),
            last=datetime.combine(last + timedelta(days=1), datetime.min.time(), tzinfo=zone),
        )
        result = []
        for booking in rows:
            item = booking_data(booking)
            item.update(
                client_name=booking.client_name
                or (booking.user.get_full_name() if booking.user else ""),
                client_phone=booking.client_phone
                or (str(booking.user.phone) if booking.user else ""),
                note=booking.note,
            )
            result.append(item)
        return Response(result)

    @extend_schema(request=ManualInput, responses={201: BookingOutput})
    def post(self, request: Request) -> Response:
        data = self.ManualInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        room = room_for_member(user=request.user, room_id=values["room"])
        booking = services.manual_booking_create(
            actor=request.user,
            room=room,
            start=_moment(values["start"], room, "start"),
            end=_moment(values["end"], room, "end"),
            client_name=values["client_name"],
            client_phone=values.get("client_phone", ""),
            note=values.get("note", ""),
        )
        return Response(booking_data(booking), status=201)


class PartnerBlockCreateView(APIView):
    """Block a room (maintenance): the time is taken like a booking."""

    permission_classes = [IsAuthenticated]

    class BlockInputSerializer(IntervalInput):
        note = serializers.CharField(max_length=300, allow_blank=True, required=False)

    @extend_schema(request=BlockInputSerializer, responses={201: BookingOutput})
    def post(self, request: Request) -> Response:
        data = self.BlockInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        room = room_for_member(user=request.user, room_id=values["room"])
        booking = services.block_create(
            actor=request.user,
            room=room,
            start=_moment(values["start"], room, "start"),
            end=_moment(values["end"], room, "end"),
            note=values.get("note", ""),
        )
        return Response(booking_data(booking), status=201)


def _partner_action(service):
    class PartnerActionView(APIView):
        permission_classes = [IsAuthenticated]

        @extend_schema(request=None, responses=BookingOutput)
        def post(self, request: Request, booking_id: int) -> Response:
            booking = selectors.booking_for_member(user=request.user, booking_id=booking_id)
            booking = service(booking_id=booking.pk, actor=request.user)
            return Response(booking_data(booking))

    PartnerActionView.__doc__ = service.__doc__
    PartnerActionView.__name__ = f"Partner{service.__name__.title().replace('_', '')}View"
    return PartnerActionView


def _venue_cancel(*, booking_id: int, actor) -> Booking:
    """The venue cancels a booking (the client pays no fee)."""
    return services.booking_cancel(booking_id=booking_id, actor=actor, by_venue=True)


PartnerConfirmView = _partner_action(services.booking_confirm)
PartnerDeclineView = _partner_action(services.booking_decline)
PartnerMarkPaidView = _partner_action(services.booking_mark_paid)
PartnerNoShowView = _partner_action(services.booking_mark_no_show)
PartnerCancelView = _partner_action(_venue_cancel)

__all__ = ["status"]
