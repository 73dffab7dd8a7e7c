"""Pages of loyalty: the client's "My points" cabinet."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.http import SignedInRequest
from core import hygiene
from core.errors import NotFound
from loyalty import selectors

# The soonest expiry dates listed on the page; later ones are summed in one line (a client
# earning every day has a date per day of the year; the API lists them all).
EXPIRING_SHOWN = 5


def _cursor(value: str | None) -> int | None:
    """A history cursor from the query string, or None for anything that is not an id."""
    number = hygiene.parse_int(value) if value else None
    return number if number is not None and number > 0 else None


@login_required
def my_points(request: SignedInRequest) -> HttpResponse:
    now = timezone.now()
    summary = selectors.points_summary(user=request.user, now=now)
    before = _cursor(request.GET.get("before"))
    after = None if before else _cursor(request.GET.get("after"))
    try:
        history = selectors.points_history_page(user=request.user, before=before, after=after)
    except NotFound:
        # A stale or edited link: the newest lines rather than an error page.
        history = selectors.points_history_page(user=request.user)
    lines = [
        {"tx": tx, "booking_url": selectors.booking_url(tx.booking_id)} for tx in history.lines
    ]
    return render(
        request,
        "loyalty/my_points.html",
        {
            "summary": summary,
            "expiring_soon": summary.expiring[:EXPIRING_SHOWN],
            "expiring_later": sum(row["points"] for row in summary.expiring[EXPIRING_SHOWN:]),
            "history": history,
            "lines": lines,
            "progress": selectors.tier_progress(user=request.user, now=now),
        },
    )
