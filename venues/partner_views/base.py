"""What every dashboard page shares: rendering with the member's role, a room of the venue."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from venues.models import Room, Venue


def render_page(
    request: HttpRequest, template: str, context: dict, status: int = 200
) -> HttpResponse:
    context.setdefault("partner_role", getattr(request, "partner_role", None))
    return render(request, template, context, status=status)


def room_of_venue(venue: Venue, room_id: int) -> Room:
    return get_object_or_404(Room.objects.select_related("venue"), venue=venue, pk=room_id)
