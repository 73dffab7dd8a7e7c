"""API of loyalty: the signed-in client's points and their history."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from loyalty import selectors


class PointsExpiringSerializer(serializers.Serializer):
    date = serializers.DateField(help_text="Local date (Europe/Moscow) the points expire on.")
    points = serializers.IntegerField()


class PointsView(APIView):
    """Points the client can spend now, points pending, and what expires on which date."""

    permission_classes = [IsAuthenticated]

    class PointsSerializer(serializers.Serializer):
        balance = serializers.IntegerField(help_text="Points that can be spent now.")
        pending = serializers.IntegerField(help_text="Points earned, not yet available.")
        expiring = PointsExpiringSerializer(many=True)

    # Named apart from other views' output serializers: the schema names components by class.
    OutputSerializer = PointsSerializer

    @extend_schema(responses=OutputSerializer, operation_id="me_points")
    def get(self, request: Request) -> Response:
        summary = selectors.points_summary(user=request.user, now=timezone.now())
        return Response(self.OutputSerializer(summary).data)


class PointsHistoryView(ListAPIView):
    """Every movement of the client's points, newest first, with the reason shown to them."""

    permission_classes = [IsAuthenticated]

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

        def to_representation(self, instance):
            data = super().to_representation(instance)
            data["amount"] = data["amount"] or 0
            data["pending"] = data["pending"] or 0
            return data

    OutputSerializer = PointsHistoryLineSerializer
    serializer_class = PointsHistoryLineSerializer

    def get_queryset(self):
        return selectors.points_history(user=self.request.user)

    @extend_schema(operation_id="me_points_history")
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)
