"""Partner pages of bookings: the venue calendar, answering requests, marking paid / no-show,
manual bookings and blocks. Every lookup is scoped by venues.selectors (another organisation's
member gets 404)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_time
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accounts.http import SignedInRequest
from bookings import selectors, services
from bookings.forms import CalendarForm
from core import hygiene
from core.errors import ApplicationError, NotFound
from venues.models import Venue
from venues.partner import venue_page
from venues.selectors import room_for_member

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise


def _calendar_url(venue: Venue, request: HttpRequest) -> str:
    url = reverse("bookings:dashboard-calendar", args=[venue.pk])
    back = request.POST.get("next") or ""
    return back if back.startswith(url) else url


@require_GET
@venue_page()
def calendar(request: SignedInRequest, venue: Venue) -> HttpResponse:
    day, view, room_id = CalendarForm(request.GET).query()
    try:
        shown = selectors.venue_calendar(venue=venue, day=day, view=view, room_id=room_id)
    except NotFound:
        raise Http404 from None
    return render(
        request,
        "bookings/dashboard/calendar.html",
        {
            "venue": venue,
            "rooms": shown.rooms,
            "room_id": shown.room_id,
            "view": shown.view,
            "day": shown.day,
            "prev": shown.prev,
            "next": shown.next,
            "grid": shown.grid,
            "requests": shown.requests,
            "now": shown.now,
            "tzname": venue.timezone,
            "feeds": [
                (room, _feed_url(request, shown.feed_tokens.get(room.pk))) for room in shown.rooms
            ],
        },
    )


def _feed_url(request: HttpRequest, token: str | None) -> str | None:
    # A room made outside the dashboard and API (the admin, a fixture) may have no feed yet: its
    # "New link" button makes one.
    if token is None:
        return None
    return request.build_absolute_uri(reverse("bookings:room-feed", args=[token]))


# The messages are lazy: this table is built once, each message is read in the request's language.
ACTIONS: dict[str, tuple[services.TeamAction, StrPromise]] = {
    "confirm": (services.booking_confirm, gettext_lazy("Request confirmed.")),
    "decline": (services.booking_decline, gettext_lazy("Request declined.")),
    "mark-paid": (services.booking_mark_paid, gettext_lazy("Marked as paid.")),
    "no-show": (services.booking_mark_no_show, gettext_lazy("Marked as a no-show.")),
    "cancel": (services.booking_cancel_by_venue, gettext_lazy("Booking cancelled.")),
}


@require_POST
@venue_page()
def booking_action(
    request: SignedInRequest, venue: Venue, booking_id: int, action: str
) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    try:
        booking = selectors.booking_for_member(user=request.user, booking_id=booking_id)
    except NotFound:
        raise Http404 from None
    if booking.room.venue_id != venue.pk:
        raise Http404
    service, done = ACTIONS[action]
    try:
        service(booking_id=booking.pk, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, str(done))
    return redirect(_calendar_url(venue, request))


def _interval(request: HttpRequest, venue: Venue) -> tuple[datetime, datetime]:
    zone = ZoneInfo(venue.timezone)
    try:
        day = hygiene.parse_date(request.POST.get("date", ""))
        start_time = parse_time(request.POST.get("start_time", ""))
        end_time = parse_time(request.POST.get("end_time", ""))
    except ValueError:
        day = start_time = end_time = None
    if not (day and start_time and end_time):
        raise ApplicationError(_("Enter the date, the start and the end."))
    end_day: date = day + timedelta(days=1) if end_time <= start_time else day
    start = datetime.combine(day, start_time, tzinfo=zone).astimezone(UTC)
    end = datetime.combine(end_day, end_time, tzinfo=zone).astimezone(UTC)
    return start, end


@require_POST
@venue_page()
def manual_create(request: SignedInRequest, venue: Venue, kind: str) -> HttpResponse:
    """A manual booking (phone client) or a block, from the calendar's forms."""
    try:
        room = room_for_member(user=request.user, room_id=int(request.POST.get("room", "")))
    except (ValueError, NotFound):
        raise Http404 from None
    if room.venue_id != venue.pk:
        raise Http404
    try:
        start, end = _interval(request, venue)
        if kind == "block":
            services.block_create(
                actor=request.user,
                room=room,
                start=start,
                end=end,
                note=request.POST.get("note", ""),
            )
            messages.success(request, _("Block added."))
        else:
            services.manual_booking_create(
                actor=request.user,
                room=room,
                start=start,
                end=end,
                client_name=request.POST.get("client_name", ""),
                client_phone=request.POST.get("client_phone", ""),
                note=request.POST.get("note", ""),
            )
            messages.success(request, _("Booking added."))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect(_calendar_url(venue, request))


@require_POST
@venue_page()
def feed_regenerate(request: SignedInRequest, venue: Venue, room_id: int) -> HttpResponse:
    try:
        room = room_for_member(user=request.user, room_id=room_id)
    except NotFound:
        raise Http404 from None
    if room.venue_id != venue.pk:
        raise Http404
    services.room_feed_regenerate(room=room, actor=request.user)
    messages.success(request, _("A new calendar link was made; the old one no longer works."))
    return redirect(_calendar_url(venue, request))
