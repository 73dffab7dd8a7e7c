"""The partner API of bookings: a venue's bookings, manual bookings and blocks, and the team's
actions on a booking. Every lookup is scoped by venues.selectors (another organisation's member
gets 404)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.http import SignedInApiRequest
from bookings import selectors, services
from bookings.api.common import BookingOutput, IntervalInput, booking_data, parse_moment
from core import hygiene
from core.errors import ApplicationError
from venues.selectors import room_for_member, venue_for_member


class PartnerBookingOutput(BookingOutput):
    """A booking as the venue team sees it: who it is for, also without a user."""

    client = serializers.CharField(
        help_text="Who the booking is for, in words: a client, a phone booking or a block."
    )
    client_name = serializers.CharField(allow_blank=True)
    client_phone = serializers.CharField(allow_blank=True)
    note = serializers.CharField(allow_blank=True)


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
        responses=PartnerBookingOutput(many=True),
    )
    def get(self, request: SignedInApiRequest) -> Response:
        try:
            venue_id = int(request.query_params.get("venue", ""))
        except ValueError:
            raise serializers.ValidationError({"venue": [_("Choose a venue.")]}) from None
        venue = venue_for_member(user=request.user, venue_id=venue_id)
        zone = ZoneInfo(venue.timezone)
        today = timezone.now().astimezone(zone).date()
        typed = request.query_params
        first = hygiene.parse_date(typed["from"]) if typed.get("from") else today
        last = hygiene.parse_date(typed["to"]) if typed.get("to") else None
        if first is None or (last is None and typed.get("to")):
            raise ApplicationError(_("Enter dates as YYYY-MM-DD (1900 to 2100)."))
        last = last or first + timedelta(days=7)
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
                client=booking.client_label,
                client_name=booking.contact_name,
                client_phone=booking.contact_phone,
                note=booking.note,
            )
            result.append(item)
        return Response(result)

    @extend_schema(request=ManualInput, responses={201: BookingOutput})
    def post(self, request: SignedInApiRequest) -> Response:
        data = self.ManualInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        room = room_for_member(user=request.user, room_id=values["room"])
        booking = services.manual_booking_create(
            actor=request.user,
            room=room,
            start=parse_moment(values["start"], room, "start"),
            end=parse_moment(values["end"], room, "end"),
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
    def post(self, request: SignedInApiRequest) -> Response:
        data = self.BlockInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        room = room_for_member(user=request.user, room_id=values["room"])
        booking = services.block_create(
            actor=request.user,
            room=room,
            start=parse_moment(values["start"], room, "start"),
            end=parse_moment(values["end"], room, "end"),
            note=values.get("note", ""),
        )
        return Response(booking_data(booking), status=201)


def _partner_action(service: services.TeamAction, name: str) -> type[APIView]:
    """An API view that runs the team's action `service` on a booking of the member's
    organisations (another organisation's booking is a 404)."""

    class PartnerActionView(APIView):
        permission_classes = [IsAuthenticated]

        @extend_schema(request=None, responses=BookingOutput)
        def post(self, request: SignedInApiRequest, booking_id: int) -> Response:
            booking = selectors.booking_for_member(user=request.user, booking_id=booking_id)
            booking = service(booking_id=booking.pk, actor=request.user)
            return Response(booking_data(booking))

    PartnerActionView.__doc__ = service.__doc__
    PartnerActionView.__name__ = PartnerActionView.__qualname__ = name
    return PartnerActionView


PartnerConfirmView = _partner_action(services.booking_confirm, "PartnerConfirmView")
PartnerDeclineView = _partner_action(services.booking_decline, "PartnerDeclineView")
PartnerMarkPaidView = _partner_action(services.booking_mark_paid, "PartnerMarkPaidView")
PartnerNoShowView = _partner_action(services.booking_mark_no_show, "PartnerNoShowView")
PartnerCancelView = _partner_action(services.booking_cancel_by_venue, "PartnerCancelView")
