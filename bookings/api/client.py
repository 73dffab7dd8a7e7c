"""The API of clients and visitors: free slots, quotes, reviews, and one's own bookings (book,
cancel, move, pay, review)."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    PolymorphicProxySerializer,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.http import SignedInApiRequest
from accounts.models import User
from bookings import schedule, selectors, services
from bookings.api.common import (
    BookingOutput,
    MomentField,
    PointsInput,
    booking_data,
    interval_input,
    iso,
    parse_moment,
)
from bookings.models import Booking
from bookings.payments import provider
from core.errors import RULE
from core.idempotency import idempotent, idempotent_in_transaction, store_within

AVAILABLE_SLOT = inline_serializer(
    "AvailabilitySlot",
    {
        "start": serializers.DateTimeField(),
        "end": serializers.DateTimeField(),
        "status": serializers.ChoiceField(choices=["free", "busy", "closed"]),
        "price": serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True),
    },
    many=True,
)


class AvailabilityView(APIView):
    """Slots of a room (venue time) with status free / busy / closed and price: of one business
    day (`?date=`), or of every day from `?from=` to `?to=` (inclusive, at most 31 days) in one
    request. A `to` past the booking horizon is answered up to the last bookable day (the
    answer's `to` says which); a `from` past it is refused like a `date` past it."""

    permission_classes = [AllowAny]

    class AvailabilityOutputSerializer(serializers.Serializer):
        date = serializers.DateField()
        timezone = serializers.CharField()
        slots = AVAILABLE_SLOT

    @extend_schema(
        parameters=[
            OpenApiParameter("date", OpenApiTypes.DATE, description="One business day."),
            OpenApiParameter("from", OpenApiTypes.DATE, description="The first day of a range."),
            OpenApiParameter(
                "to", OpenApiTypes.DATE, description="The last day of a range (inclusive)."
            ),
        ],
        responses=PolymorphicProxySerializer(
            "Availability",
            serializers=[
                AvailabilityOutputSerializer,
                inline_serializer(
                    "AvailabilityRange",
                    {
                        "from": serializers.DateField(help_text="The first day answered."),
                        "to": serializers.DateField(
                            help_text="The last day answered: `to` as asked, or the last "
                            "bookable day if that comes sooner."
                        ),
                        "timezone": serializers.CharField(),
                        "days": inline_serializer(
                            "AvailabilityDay",
                            {"date": serializers.DateField(), "slots": AVAILABLE_SLOT},
                            many=True,
                        ),
                    },
                ),
            ],
            resource_type_field_name=None,
        ),
        auth=[],
    )
    def get(self, request: Request, room_id: int) -> Response:
        room = selectors.room_bookable(room_id)
        params = request.query_params
        if "from" in params or "to" in params:
            first, last = _date_range(params)
            days = selectors.room_availability_between(room, first, last)
            return Response(
                {
                    "from": days["first"].isoformat(),
                    "to": days["last"].isoformat(),
                    "timezone": days["timezone"],
                    "days": [
                        {"date": day["date"].isoformat(), "slots": _slots_data(day["slots"])}
                        for day in days["days"]
                    ],
                }
            )
        day = _query_date(params, "date")
        schedule.check_horizon(room, day, timezone.now())
        data = selectors.room_availability(room, day)
        return Response(
            {
                "date": day.isoformat(),
                "timezone": data["timezone"],
                "slots": _slots_data(data["slots"]),
            }
        )


def _query_date(params: QueryDict, name: str) -> date:
    if name not in params:  # each is optional in the schema: which ones go together is a rule
        message = _("Give a date, or the first and the last day of a range.")
        raise serializers.ValidationError({name: [message]}, code=RULE)
    try:  # malformed is a 400; out of core.hygiene's range, a rule's 422
        value: date = serializers.DateField().run_validation(params[name])
    except serializers.ValidationError as error:
        raise serializers.ValidationError({name: error.detail}) from None
    return value


def _date_range(params: QueryDict) -> tuple[date, date]:
    """`from` and `to` of the query. Malformed dates are a 400; a range the rules refuse (a
    `to` before `from`, more than a month, given with `date`) is a 422: the schema cannot say
    how the inputs go together, so a schema-valid request is refused as a rule (core.api)."""
    if "date" in params:
        message = _("Ask for one date, or for a range from one date to another, not both.")
        raise serializers.ValidationError({"date": [message]}, code=RULE)
    first, last = _query_date(params, "from"), _query_date(params, "to")
    if last < first:
        message = _("The last day comes before the first.")
        raise serializers.ValidationError({"to": [message]}, code=RULE)
    if (last - first).days >= selectors.MAX_AVAILABILITY_DAYS:
        message = _("Ask for at most %(days)s days at a time.") % {
            "days": selectors.MAX_AVAILABILITY_DAYS
        }
        raise serializers.ValidationError({"to": [message]}, code=RULE)
    return first, last


def _slots_data(slots: list[selectors.AvailableSlot]) -> list[dict[str, object]]:
    """Slots as the API shows them; plain dicts (a month is ~700 slots: a nested serializer
    per slot would cost more than computing them)."""
    return [
        {
            "start": s["start"].isoformat(),  # already in the venue's time zone
            "end": s["end"].isoformat(),
            "status": s["status"],
            "price": f"{s['price']:.2f}" if s["price"] is not None else None,
        }
        for s in slots
    ]


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
        room, start, end, values = interval_input(request, PointsInput)
        # Anyone may ask; a signed-in client also sees what their own points can do.
        user = request.user if isinstance(request.user, User) else None
        quote = selectors.booking_quote(
            room=room, start=start, end=end, user=user, points=values["points"]
        )
        return Response(quote_data(quote))


def quote_data(quote: selectors.Quote) -> dict[str, object]:
    zone = ZoneInfo(quote.room.venue.timezone)
    return {
        "room": quote.room.pk,
        "start": iso(quote.start, zone),
        "end": iso(quote.end, zone),
        "price": f"{quote.price:.2f}",
        "money_due": f"{quote.money_due:.2f}",
        "points_cap": quote.points_cap,
        "points_usable": quote.points_usable,
        "points": quote.points,
        "cashback_points": quote.cashback_points,
        "cashback_available_at": iso(quote.cashback_available_at, zone),
        "points_from": [
            {"expires_at": iso(p.expires_at, zone), "points": p.points} for p in quote.points_from
        ],
        "slots": [
            {"start": iso(s.start, zone), "end": iso(s.end, zone), "price": f"{s.price:.2f}"}
            for s in quote.slots
        ],
        "cancellation": {
            "free_until": iso(quote.free_until, zone),
            "fee_percent": quote.fee_percent,
        },
    }


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


class BookingCreateView(APIView):
    """Book a room. Instant venues: pay at the venue → confirmed; online → hold (pay at
    `payment_url` within 15 minutes). Request-to-book venues: requested. A taken time is 409."""

    permission_classes = [IsAuthenticated]

    class BookingCreateInputSerializer(PointsInput):
        payment = serializers.ChoiceField(choices=Booking.Payment.choices)

    @extend_schema(
        request=BookingCreateInputSerializer,
        responses={201: BookingOutput},
    )
    @idempotent_in_transaction
    def post(self, request: SignedInApiRequest) -> Response:
        room, start, end, values = interval_input(request, self.BookingCreateInputSerializer)

        def answer_within(booking: Booking) -> None:
            # A hold's payment URL may need the provider, after commit: its answer follows then.
            body = None if booking.status == Booking.Status.HOLD else booking_data(booking)
            store_within(201, body)

        booking = services.booking_create(
            user=request.user,
            room=room,
            start=start,
            end=end,
            payment=values["payment"],
            points=values["points"],
            within=answer_within,
        )
        payment_url = None
        if booking.status == Booking.Status.HOLD:
            payment_url = request.build_absolute_uri(
                provider().checkout_url(booking.payments.get())
            )
        return Response(booking_data(booking, payment_url=payment_url), status=201)


class BookingDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=BookingOutput)
    def get(self, request: SignedInApiRequest, booking_id: int) -> Response:
        booking = selectors.booking_for_user(user=request.user, booking_id=booking_id)
        return Response(booking_data(booking))


class BookingCancelView(APIView):
    """Cancel one's booking: free before the policy's deadline, otherwise with the fee."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=BookingOutput)
    @idempotent
    def post(self, request: SignedInApiRequest, booking_id: int) -> Response:
        booking = selectors.booking_for_user(user=request.user, booking_id=booking_id)
        booking = services.booking_cancel(booking_id=booking.pk, actor=request.user)
        return Response(booking_data(booking))


class BookingRescheduleView(APIView):
    """Move one's booking to another free time of the same room; the price is recomputed."""

    permission_classes = [IsAuthenticated]

    class RescheduleInputSerializer(serializers.Serializer):
        start = MomentField()
        end = MomentField()

    @extend_schema(request=RescheduleInputSerializer, responses=BookingOutput)
    def post(self, request: SignedInApiRequest, booking_id: int) -> Response:
        booking = selectors.booking_for_user(user=request.user, booking_id=booking_id)
        data = self.RescheduleInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        start = parse_moment(data.validated_data["start"], booking.room, "start")
        end = parse_moment(data.validated_data["end"], booking.room, "end")
        booking = services.booking_reschedule(
            booking_id=booking.pk, actor=request.user, start=start, end=end
        )
        return Response(booking_data(booking))


class BookingRescheduleQuoteView(APIView):
    """What moving one's booking to [start, end) would give, before moving it: the same figures
    the move then writes (the points stay up to the new cap; the rest go back)."""

    permission_classes = [IsAuthenticated]

    class MoveQuoteOutputSerializer(serializers.Serializer):
        start = serializers.DateTimeField()
        end = serializers.DateTimeField()
        price = serializers.DecimalField(max_digits=12, decimal_places=2)
        points_cap = serializers.IntegerField()
        points = serializers.IntegerField(help_text="The booking's points kept after the move.")
        points_back = serializers.IntegerField(help_text="Points given back to the client.")
        money_due = serializers.DecimalField(max_digits=12, decimal_places=2)
        cashback_points = serializers.IntegerField()
        cashback_available_at = serializers.DateTimeField(allow_null=True)

    @extend_schema(
        request=BookingRescheduleView.RescheduleInputSerializer,
        responses=MoveQuoteOutputSerializer,
    )
    def post(self, request: SignedInApiRequest, booking_id: int) -> Response:
        booking = selectors.booking_for_user(user=request.user, booking_id=booking_id)
        data = BookingRescheduleView.RescheduleInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        start = parse_moment(data.validated_data["start"], booking.room, "start")
        end = parse_moment(data.validated_data["end"], booking.room, "end")
        move = selectors.move_quote(booking=booking, start=start, end=end)
        zone = ZoneInfo(booking.room.venue.timezone)
        return Response(
            {
                "start": iso(move.quote.start, zone),
                "end": iso(move.quote.end, zone),
                "price": f"{move.quote.price:.2f}",
                "points_cap": move.quote.points_cap,
                "points": move.points,
                "points_back": move.points_back,
                "money_due": f"{move.money_due:.2f}",
                "cashback_points": move.cashback,
                "cashback_available_at": iso(move.cashback_available_at, zone),
            }
        )


class BookingPayView(APIView):
    """Start (or resume) the online payment of one's booking: where to send the client."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None,
        responses=inline_serializer("PaymentStart", {"payment_url": serializers.CharField()}),
    )
    def post(self, request: SignedInApiRequest, booking_id: int) -> Response:
        booking = selectors.booking_for_user(user=request.user, booking_id=booking_id)
        payment = services.payment_start(booking_id=booking.pk, user=request.user)
        url = request.build_absolute_uri(provider().checkout_url(payment))
        return Response({"payment_url": url})


class MyBookingsView(APIView):
    """The signed-in client's bookings, newest first."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=BookingOutput(many=True))
    def get(self, request: SignedInApiRequest) -> Response:
        rows = selectors.bookings_for_user(request.user).order_by("-start")[:200]
        return Response([booking_data(b) for b in rows])


class ReviewCreateView(APIView):
    """Rate the room of one's completed booking (1–5) with an optional comment."""

    permission_classes = [IsAuthenticated]

    class ReviewInputSerializer(serializers.Serializer):
        rating = serializers.IntegerField(min_value=1, max_value=5)
        comment = serializers.CharField(
            max_length=2000,
            allow_blank=True,
            required=False,
            style={"base_template": "textarea.html"},  # several lines (core.hygiene)
        )

    class ReviewOutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        room = serializers.IntegerField(source="room_id")
        rating = serializers.IntegerField()
        comment = serializers.CharField()
        created_at = serializers.DateTimeField()

    @extend_schema(request=ReviewInputSerializer, responses={201: ReviewOutputSerializer})
    def post(self, request: SignedInApiRequest, booking_id: int) -> Response:
        booking = selectors.booking_for_user(user=request.user, booking_id=booking_id)
        data = self.ReviewInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        review = services.review_create(
            user=request.user, booking_id=booking.pk, **data.validated_data
        )
        return Response(self.ReviewOutputSerializer(review).data, status=201)
