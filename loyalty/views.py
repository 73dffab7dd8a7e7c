"""Pages of loyalty: the client's "My points" cabinet."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.http import SignedInRequest
from loyalty import selectors

HISTORY_PAGE_SIZE = 20


@login_required
def my_points(request: SignedInRequest) -> HttpResponse:
    summary = selectors.points_summary(user=request.user, now=timezone.now())
    history = Paginator(selectors.points_history(user=request.user), HISTORY_PAGE_SIZE)
    page = history.get_page(request.GET.get("page"))
    lines = [
        {
            "tx": tx,
            "amount": tx.amount or 0,
            "pending": tx.pending_amount or 0,
            "booking_url": selectors.booking_url(tx.booking_id),
        }
        for tx in page.object_list
    ]
    return render(
        request,
        "loyalty/my_points.html",
        {
            "summary": summary,
            "page": page,
            "lines": lines,
            "progress": selectors.tier_progress(user=request.user, now=timezone.now()),
        },
    )
