"""Template tags for other apps' pages: the slot picker and the reviews of a room or venue.

{% load bookings_tags %}
{% availability_picker room %}          {# today's slots; htmx swaps other days in place #}
{% availability_picker room day %}
{% reviews_block room=room %}  or  {% reviews_block venue=venue %}
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from django import template
from django.urls import reverse
from django.utils import timezone

from bookings import selectors
from bookings.picker import picker_context
from venues.models import Room, Venue

register = template.Library()


@register.inclusion_tag("bookings/_availability.html")
def availability_picker(room: Room, day: date | None = None) -> dict[str, object]:
    day = day or timezone.now().astimezone(ZoneInfo(room.venue.timezone)).date()
    return picker_context(room, day, action=reverse("bookings:checkout"))


@register.inclusion_tag("bookings/_reviews.html")
def reviews_block(room: Room | None = None, venue: Venue | None = None) -> dict[str, object]:
    return {"reviews": selectors.reviews_summary(room=room, venue=venue)}
