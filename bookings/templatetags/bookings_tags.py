"""Template tags for other apps' pages: the slot picker and the reviews of a room or venue.

{% load bookings_tags %}
{% availability_picker room %}          {# today's slots; htmx swaps other days in place #}
{% availability_picker room day %}
{% availability_picker room day start end %}  {# that time chosen (venue clock) #}
{% reviews_block room=room %}  or  {% reviews_block venue=venue %}
"""

from __future__ import annotations

from datetime import date, time
from zoneinfo import ZoneInfo

from django import template
from django.urls import reverse
from django.utils import timezone

from bookings import schedule, selectors
from bookings.picker import picker_context
from venues.models import Room, Venue

register = template.Library()


@register.inclusion_tag("bookings/_availability.html")
def availability_picker(
    room: Room, day: date | None = None, start: time | None = None, end: time | None = None
) -> dict[str, object]:
    now = timezone.now()
    today = now.astimezone(ZoneInfo(room.venue.timezone)).date()
    if day is None or day < today or day > schedule.bookable_window(room, now)[1]:
        day, start = today, None  # a day nobody can book shows today, as without one
    return picker_context(
        room, day, action=reverse("bookings:checkout"), chosen=(start, end) if start else None
    )


@register.inclusion_tag("bookings/_reviews.html")
def reviews_block(room: Room | None = None, venue: Venue | None = None) -> dict[str, object]:
    return {"reviews": selectors.reviews_summary(room=room, venue=venue)}
