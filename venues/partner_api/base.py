"""What every partner API view shares: the tenancy-scoped lookups and input validation."""

from __future__ import annotations

from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.views import APIView

from venues import selectors
from venues.models import EVERYONE, Room, Venue

TIME = {"format": "%H:%M"}


class PartnerView(APIView):
    permission_classes = [IsAuthenticated]

    def venue(self, venue_id: int, roles=EVERYONE) -> Venue:
        return selectors.venue_for_member(user=self.request.user, venue_id=venue_id, roles=roles)

    def room(self, room_id: int, roles=EVERYONE) -> Room:
        return selectors.room_for_member(user=self.request.user, room_id=room_id, roles=roles)

    def organisation(self, organisation_id: int, roles=EVERYONE):
        return selectors.organisation_for_member(
            user=self.request.user, organisation_id=organisation_id, roles=roles
        )


def validated(serializer_class, request: Request, *, partial: bool = False) -> dict:
    data = serializer_class(data=request.data, partial=partial)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)
