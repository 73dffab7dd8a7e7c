"""Partner API of a venue's points settings: accepts points, shares, boost and period rules."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from accounts.http import SignedInApiRequest
from core.errors import ApplicationError
from venues import selectors, services
from venues.models import EDITORS, Room, Venue
from venues.partner_api.base import PartnerView, validated
from venues.weekdays import weekdays_api_field


class PartnerVenueLoyaltyIO(serializers.Serializer):
    accepts_points = serializers.BooleanField(required=False)
    max_points_percent = serializers.IntegerField(min_value=0, max_value=100, required=False)
    cashback_boost_percent = serializers.IntegerField(min_value=0, max_value=10, required=False)
    points_min_booking_amount = serializers.DecimalField(
        max_digits=10, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    earn_min_booking_amount = serializers.DecimalField(
        max_digits=10, decimal_places=2, min_value=0, required=False, allow_null=True
    )


class PartnerVenueLoyaltyOut(PartnerVenueLoyaltyIO):
    id = serializers.IntegerField()
    accepts_points_now = serializers.BooleanField()
    points_off_stale_schedule = serializers.BooleanField(
        help_text="Paused by the freshness job; confirming the schedule switches points back on"
    )


class PartnerRoomLoyaltyIO(serializers.Serializer):
    max_points_percent = serializers.IntegerField(
        min_value=0, max_value=100, allow_null=True, help_text="null: the venue's share"
    )


class PartnerRoomLoyaltyOut(PartnerRoomLoyaltyIO):
    id = serializers.IntegerField()


class PartnerPointsRuleIn(serializers.Serializer):
    room = serializers.IntegerField(required=False, allow_null=True, help_text="empty: all rooms")
    date_from = serializers.DateField(required=False, allow_null=True)
    date_to = serializers.DateField(required=False, allow_null=True)
    weekdays = weekdays_api_field()
    time_from = serializers.TimeField(required=False, allow_null=True)
    time_to = serializers.TimeField(
        required=False,
        allow_null=True,
        help_text="At or before time_from: past midnight",
    )
    percent = serializers.IntegerField(min_value=0, max_value=100)


class PartnerPointsRuleOut(PartnerPointsRuleIn):
    id = serializers.IntegerField()
    room = serializers.IntegerField(source="room_id", allow_null=True)
    created_at = serializers.DateTimeField()


def _venue_out(venue: Venue, request: SignedInApiRequest) -> dict:
    data = PartnerVenueLoyaltyIO(venue).data
    return {
        "id": venue.pk,
        **data,
        "accepts_points_now": venue.accepts_points_now(timezone.now()),
        "points_off_stale_schedule": venue.points_off_stale_schedule,
    }


class VenueLoyaltyView(PartnerView):
    """The venue's points settings (GET); change them (PATCH, owners and managers)."""

    @extend_schema(responses=PartnerVenueLoyaltyOut)
    def get(self, request: SignedInApiRequest, venue_id: int) -> Response:
        return Response(_venue_out(self.venue(venue_id), request))

    @extend_schema(request=PartnerVenueLoyaltyIO, responses=PartnerVenueLoyaltyOut)
    def patch(self, request: SignedInApiRequest, venue_id: int) -> Response:
        venue = self.venue(venue_id, roles=EDITORS)
        values = validated(PartnerVenueLoyaltyIO, request)
        venue = services.venue_loyalty_update(actor=request.user, venue=venue, **values)
        return Response(_venue_out(venue, request))


class RoomLoyaltyView(PartnerView):
    """The room's own max share payable by points (GET); set it, null = the venue's (PATCH)."""

    @extend_schema(responses=PartnerRoomLoyaltyOut)
    def get(self, request: SignedInApiRequest, room_id: int) -> Response:
        room = self.room(room_id)
        return Response({"id": room.pk, "max_points_percent": room.max_points_percent})

    @extend_schema(request=PartnerRoomLoyaltyIO, responses=PartnerRoomLoyaltyOut)
    def patch(self, request: SignedInApiRequest, room_id: int) -> Response:
        room = self.room(room_id, roles=EDITORS)
        values = validated(PartnerRoomLoyaltyIO, request)
        if "max_points_percent" in values:
            room = services.room_loyalty_update(
                actor=request.user, room=room, max_points_percent=values["max_points_percent"]
            )
        return Response({"id": room.pk, "max_points_percent": room.max_points_percent})


class PointsRuleListView(PartnerView):
    """The venue's period rules (GET); add one (POST, owners and managers)."""

    @extend_schema(responses=PartnerPointsRuleOut(many=True))
    def get(self, request: SignedInApiRequest, venue_id: int) -> Response:
        rules = selectors.points_rules_for_venue(self.venue(venue_id))
        return Response(PartnerPointsRuleOut(rules, many=True).data)

    @extend_schema(request=PartnerPointsRuleIn, responses={201: PartnerPointsRuleOut})
    def post(self, request: SignedInApiRequest, venue_id: int) -> Response:
        venue = self.venue(venue_id, roles=EDITORS)
        values = validated(PartnerPointsRuleIn, request)
        room_id = values.pop("room", None)
        if room_id is not None:
            room = Room.objects.filter(venue=venue, pk=room_id).first()
            if room is None:
                message = str(_not_found())
                raise ApplicationError(message, fields={"room": [message]})
            values["room"] = room
        rule = services.points_rule_create(actor=request.user, venue=venue, **values)
        return Response(PartnerPointsRuleOut(rule).data, status=status.HTTP_201_CREATED)


def _not_found() -> str:
    return _("This venue has no such room.")


class PointsRuleDetailView(PartnerView):
    """A period rule (GET); delete it (DELETE, owners and managers)."""

    @extend_schema(responses=PartnerPointsRuleOut)
    def get(self, request: SignedInApiRequest, venue_id: int, rule_id: int) -> Response:
        rule = selectors.points_rule_for_member(
            user=request.user, venue_id=venue_id, rule_id=rule_id
        )
        return Response(PartnerPointsRuleOut(rule).data)

    @extend_schema(responses={204: None})
    def delete(self, request: SignedInApiRequest, venue_id: int, rule_id: int) -> Response:
        rule = selectors.points_rule_for_member(
            user=request.user, venue_id=venue_id, rule_id=rule_id, roles=EDITORS
        )
        services.points_rule_delete(actor=request.user, rule=rule)
        return Response(status=status.HTTP_204_NO_CONTENT)
