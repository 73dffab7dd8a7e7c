"""API of referrals: the caller's invite code, link and friends."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.http import SignedInApiRequest
from referrals import selectors, services


class FriendSerializer(serializers.Serializer):
    name = serializers.SerializerMethodField()
    status = serializers.CharField()
    reason = serializers.CharField()
    signed_up_at = serializers.DateTimeField(source="created_at")
    rewarded_at = serializers.DateTimeField()
    points = serializers.IntegerField(source="inviter_points")

    def get_name(self, referral) -> str:
        # Friends see each other's first name only, never the e-mail.
        return referral.invitee.get_short_name() if referral.invitee.name else "—"


class MyReferralsView(APIView):
    """The caller's invite code and link, counts of friends by stage, and points earned."""

    permission_classes = [IsAuthenticated]

    class OutputSerializer(serializers.Serializer):
        code = serializers.CharField()
        link = serializers.URLField()
        signed_up = serializers.IntegerField()
        qualified = serializers.IntegerField()
        rewarded = serializers.IntegerField()
        points_earned = serializers.IntegerField()
        friends = FriendSerializer(many=True)

    @extend_schema(responses=OutputSerializer)
    def get(self, request: SignedInApiRequest) -> Response:
        code = services.invite_code_get_or_create(user=request.user)
        summary = selectors.invite_summary(user=request.user, code=code.code)
        return Response(self.OutputSerializer(summary).data)
