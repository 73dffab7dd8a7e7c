"""Pages of the public catalogue: search (the home page), a venue, a room."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from core import hygiene
from core.errors import NotFound
from venues import selectors
from venues.forms import SearchForm
from venues.models import Price

PAGE_SIZE = 20


def _page_number(value: str | None) -> int:
    """A page number from the query; anything below 1 or not a number is the first page."""
    try:
        return max(int(value or 1), 1)
    except ValueError:
        return 1


def home(request: HttpRequest) -> HttpResponse:
    """The search form and its results, sorted and paginated."""
    cities = list(selectors.cities())
    form = SearchForm(request.GET or None, cities=cities)
    filters = form.filters()
    paginator = Paginator(selectors.room_search(filters), PAGE_SIZE)
    page = paginator.get_page(_page_number(request.GET.get("page")))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "venues/home.html",
        {"form": form, "page": page, "query": query.urlencode(), "filters": filters},
    )


def venue_detail(request: HttpRequest, venue_id: int) -> HttpResponse:
    try:
        venue = selectors.venue_public(venue_id=venue_id)
    except NotFound as error:
        raise Http404(str(error)) from error
    return render(
        request,
        "venues/venue.html",
        {
            "venue": venue,
            "hours": selectors.weekly_hours(venue),
            "exceptions": selectors.upcoming_exceptions(
                venue=venue, today=selectors.venue_today(venue)
            ),
        },
    )


def room_detail(request: HttpRequest, room_id: int) -> HttpResponse:
    try:
        room = selectors.room_public(room_id=room_id)
    except NotFound as error:
        raise Http404(str(error)) from error
    venue = room.venue
    return render(
        request,
        "venues/room.html",
        {
            "room": room,
            "venue": venue,
            # A search result links here with its free window: the slot picker opens on that
            # day with that time chosen (a value that is not a date or time is ignored).
            "pick_day": hygiene.parse_date(request.GET.get("date", "")),
            "pick_start": hygiene.parse_time(request.GET.get("start", "")),
            "pick_end": hygiene.parse_time(request.GET.get("end", "")),
            "price_table": selectors.price_table(room.prices.all()),
            "day_types": Price.DayType.choices,
            "hours": selectors.weekly_hours(venue),
            "exceptions": selectors.upcoming_exceptions(
                venue=venue, today=selectors.venue_today(venue)
            ),
        },
    )
