"""Review summaries of a room or a venue."""

from __future__ import annotations

from decimal import Decimal
from typing import TypedDict

from django.db.models import Avg, Count, Q

from bookings.models import Review
from venues.models import Room, Venue


class ReviewsSummary(TypedDict):
    average: Decimal | None  # to one decimal place; None without reviews
    count: int
    latest: list[Review]  # newest first


def reviews_summary(
    *, room: Room | None = None, venue: Venue | None = None, latest: int = 5
) -> ReviewsSummary:
    """The average rating, the number of reviews and the latest ones of a room or a venue."""
    if (room is None) == (venue is None):
        raise ValueError("Pass exactly one of room or venue")
    rows = Review.objects.filter(Q(room=room) if room else Q(room__venue=venue))
    totals = rows.aggregate(average=Avg("rating"), count=Count("id"))
    average = totals["average"]
    return {
        "average": Decimal(str(average)).quantize(Decimal("0.1")) if average is not None else None,
        "count": totals["count"],
        "latest": list(rows.select_related("user", "room").order_by("-created_at", "-id")[:latest]),
    }
