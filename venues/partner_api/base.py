"""What every partner API view shares: the tenancy-scoped lookups and input validation."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.views import APIView

from accounts.http import SignedInApiRequest
from venues import selectors
from venues.models import EVERYONE, Organisation, Room, Venue


class PartnerView(APIView):
    """A partner endpoint: signed-in callers only, objects looked up within their organisations."""

    permission_classes = [IsAuthenticated]
    request: SignedInApiRequest  # IsAuthenticated lets no one else in

    def venue(self, venue_id: int, roles: Iterable[str] = EVERYONE) -> Venue:
        return selectors.venue_for_member(user=self.request.user, venue_id=venue_id, roles=roles)

    def room(self, room_id: int, roles: Iterable[str] = EVERYONE) -> Room:
        return selectors.room_for_member(user=self.request.user, room_id=room_id, roles=roles)

    def organisation(self, organisation_id: int, roles: Iterable[str] = EVERYONE) -> Organisation:
        return selectors.organisation_for_member(
            user=self.request.user, organisation_id=organisation_id, roles=roles
        )


def validated(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    """The request's data through `serializer_class`; invalid data is a 400 naming the fields.

    A PATCH changes only what it names, as its schema (spectacular's Patched* components) says."""
    data = serializer_class(data=request.data, partial=request.method == "PATCH")
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)
