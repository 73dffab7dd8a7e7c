"""API of loyalty: the signed-in client's points and their history."""

from __future__ import annotations

from typing import cast

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import APIView

from accounts.http import SignedInApiRequest
from core.errors import RULE
from loyalty import selectors, services
from venues.models import EDITORS, Room
from venues.selectors import venue_for_member
from venues.weekdays import weekdays_api_field


class PointsExpiringSerializer(serializers.Serializer):
    date = serializers.DateField(help_text="Local date (Europe/Moscow) the points expire on.")
    points = serializers.IntegerField()


class TierNextSerializer(serializers.Serializer):
    name = serializers.CharField()
    cashback_percent = serializers.DecimalField(max_digits=4, decimal_places=2)
    money_to_next = serializers.DecimalField(
        max_digits=12, decimal_places=2, help_text="Money still to pay within 365 days, ₽."
    )
    sessions_to_next = serializers.IntegerField(help_text="Or this many more sessions.")


class TierSerializer(serializers.Serializer):
    name = serializers.CharField()
    cashback_percent = serializers.DecimalField(max_digits=4, decimal_places=2)
    since = serializers.DateTimeField(allow_null=True)
    money_365d = serializers.DecimalField(max_digits=12, decimal_places=2)
    sessions_365d = serializers.IntegerField()
    keeps = serializers.BooleanField(help_text="The last 365 days still reach this tier.")
    next = TierNextSerializer(allow_null=True)


def tier_data(progress) -> dict | None:
    if progress.tier is None:
        return None
    following = progress.next_tier
    return {
        "name": progress.tier.name,
        "cashback_percent": progress.tier.cashback_percent,
        "since": progress.since,
        "money_365d": progress.stats.money,
        "sessions_365d": progress.stats.sessions,
        "keeps": progress.keeps,
        "next": {
            "name": following.name,
            "cashback_percent": following.cashback_percent,
            "money_to_next": progress.money_to_next,
            "sessions_to_next": progress.sessions_to_next,
        }
        if following
        else None,
    }


class PointsView(APIView):
    """Points the client can spend now, points pending, and what expires on which date."""

    permission_classes = [IsAuthenticated]

    class PointsSerializer(serializers.Serializer):
        balance = serializers.IntegerField(help_text="Points that can be spent now.")
        pending = serializers.IntegerField(help_text="Points earned, not yet available.")
        expiring = PointsExpiringSerializer(many=True)
        tier = TierSerializer(allow_null=True)

    # Named apart from other views' output serializers: the schema names components by class.
    OutputSerializer = PointsSerializer

    @extend_schema(responses=OutputSerializer, operation_id="me_points")
    def get(self, request: SignedInApiRequest) -> Response:
        now = timezone.now()
        summary = selectors.points_summary(user=request.user, now=now)
        data = {
            "balance": summary.balance,
            "pending": summary.pending,
            "expiring": summary.expiring,
            "tier": tier_data(selectors.tier_progress(user=request.user, now=now)),
        }
        return Response(self.OutputSerializer(data).data)


class PointsHistoryLineSerializer(serializers.Serializer):
    date = serializers.DateTimeField(source="created_at")
    amount = serializers.IntegerField(help_text="Change of available points.")
    pending = serializers.IntegerField(
        source="pending_amount", help_text="Change of pending points."
    )
    kind = serializers.CharField()
    kind_display = serializers.CharField(source="get_kind_display")
    reason = serializers.CharField(source="reason_text")
    booking_id = serializers.IntegerField(allow_null=True)
    booking_url = serializers.SerializerMethodField()

    def get_booking_url(self, tx) -> str | None:
        return selectors.booking_url(tx.booking_id)


class PointsHistoryPageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True, help_text="The older lines; null: none.")
    previous = serializers.URLField(
        allow_null=True, help_text="The newer lines; null on the newest page."
    )
    results = PointsHistoryLineSerializer(source="lines", many=True)


class PointsHistoryView(APIView):
    """Every movement of the client's points, newest first, with the reason shown to them.

    Paged by cursor: `next` (older lines) and `previous` (newer lines) are links to follow;
    a page costs the same at any depth of the history.
    """

    permission_classes = [IsAuthenticated]

    class PointsHistoryInput(serializers.Serializer):
        before = serializers.IntegerField(
            required=False,
            min_value=1,
            help_text="The lines older than this one (the id in a `next` link).",
        )
        after = serializers.IntegerField(
            required=False,
            min_value=1,
            help_text="The lines newer than this one (the id in a `previous` link).",
        )

        def validate(self, attrs: dict) -> dict:
            if "before" in attrs and "after" in attrs:
                raise serializers.ValidationError(
                    _("Give either before or after, not both."), code=RULE
                )
            return attrs

    InputSerializer = PointsHistoryInput
    OutputSerializer = PointsHistoryPageSerializer

    @extend_schema(
        parameters=[InputSerializer],
        responses=OutputSerializer,
        operation_id="me_points_history",
    )
    def get(self, request: SignedInApiRequest) -> Response:
        cursor = self.InputSerializer(data=request.query_params)
        cursor.is_valid(raise_exception=True)
        page = selectors.points_history_page(user=request.user, **cursor.validated_data)
        url = remove_query_param(
            remove_query_param(request.build_absolute_uri(), "before"), "after"
        )
        previous = None
        if page.newer is not None:
            previous = replace_query_param(url, "after", page.newer)
        elif not page.is_first:
            previous = url
        data = {
            "next": replace_query_param(url, "before", page.older) if page.older else None,
            "previous": previous,
            "lines": page.lines,
        }
        return Response(self.OutputSerializer(data).data)


# --- Partner: a venue's campaigns ------------------------------------------------------------


class CampaignOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    value = serializers.DecimalField(max_digits=5, decimal_places=2)
    date_from = serializers.DateField(allow_null=True)
    date_to = serializers.DateField(allow_null=True)
    weekdays = serializers.ListField(child=serializers.IntegerField())
    time_from = serializers.TimeField(allow_null=True)
    time_to = serializers.TimeField(allow_null=True)
    room_kind = serializers.CharField()
    min_amount = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    is_active = serializers.BooleanField()
    created_at = serializers.DateTimeField()


class PartnerCampaignsView(APIView):
    """A venue's own cashback campaigns (funded by the venue): list them, start a new one."""

    permission_classes = [IsAuthenticated]

    class CampaignInput(serializers.Serializer):
        name = serializers.CharField(max_length=200)
        # Plain strings (validated by the service): enums named "kind" collide in the schema.
        kind = serializers.CharField(
            default="extra_percent", help_text="`extra_percent` or `multiplier`."
        )
        value = serializers.DecimalField(max_digits=5, decimal_places=2)
        date_from = serializers.DateField(required=False, allow_null=True)
        date_to = serializers.DateField(required=False, allow_null=True)
        weekdays = weekdays_api_field()
        time_from = serializers.TimeField(required=False, allow_null=True)
        time_to = serializers.TimeField(required=False, allow_null=True)
        room_kind = serializers.CharField(
            required=False,
            allow_blank=True,
            help_text="A room type (" + ", ".join(Room.Kind.values) + "); empty: any.",
        )
        min_amount = serializers.DecimalField(
            max_digits=12, decimal_places=2, required=False, allow_null=True, min_value=0
        )

    @extend_schema(responses=CampaignOutput(many=True), operation_id="partner_campaigns_list")
    def get(self, request: SignedInApiRequest, venue_id: int) -> Response:
        # Every member may read them (like the points settings); owners and managers write.
        venue = venue_for_member(user=request.user, venue_id=venue_id)
        return Response(CampaignOutput(selectors.venue_campaigns(venue=venue), many=True).data)

    @extend_schema(
        request=CampaignInput,
        responses={201: CampaignOutput},
        operation_id="partner_campaigns_create",
    )
    def post(self, request: SignedInApiRequest, venue_id: int) -> Response:
        venue = venue_for_member(user=request.user, venue_id=venue_id, roles=EDITORS)
        data = self.CampaignInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = cast(services.CampaignValues, data.validated_data)
        campaign = services.campaign_create(venue=venue, actor=request.user, values=values)
        return Response(CampaignOutput(campaign).data, status=201)


class PartnerCampaignStopView(APIView):
    """Stop one of the venue's campaigns."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=CampaignOutput, operation_id="partner_campaign_stop")
    def post(self, request: SignedInApiRequest, venue_id: int, campaign_id: int) -> Response:
        campaign = selectors.campaign_for_member(
            user=request.user, venue_id=venue_id, campaign_id=campaign_id, roles=EDITORS
        )
        return Response(
            CampaignOutput(services.campaign_stop(campaign=campaign, actor=request.user)).data
        )
