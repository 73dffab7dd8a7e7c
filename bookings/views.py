"""Client pages of bookings: slot picker, checkout, my bookings, test payment page, feeds."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.middleware import HtmxDetails

from accounts.http import SignedInRequest
from bookings import schedule, selectors, services
from bookings.emails import feed_ics
from bookings.forms import CheckoutForm, venue_moment
from bookings.models import Booking, Payment
from bookings.payments import provider
from bookings.picker import picker_context
from bookings.points import BookingPoints
from bookings.points import programme as points_programme
from core import hygiene
from core.errors import ApplicationError, NotFound
from venues.models import Room
from venues.templatetags.venues_tags import rub


class PickerRequest(SignedInRequest):
    htmx: HtmxDetails  # django_htmx's middleware: is this an htmx request?


def _day(request: HttpRequest, room: Room) -> date:
    zone = ZoneInfo(room.venue.timezone)
    today = timezone.now().astimezone(zone).date()
    day = hygiene.parse_date(request.GET.get("date", "")) or today
    schedule.check_horizon(room, day, timezone.now())
    return day


@require_GET
def availability_partial(request: HttpRequest, room_id: int) -> HttpResponse:
    """The slot picker as an htmx partial, for the room page and the booking page."""
    room = _public_room(room_id)
    context = picker_context(room, _day(request, room), action=reverse("bookings:checkout"))
    return render(request, "bookings/_availability.html", context)


@require_GET
def book_page(request: HttpRequest, room_id: int) -> HttpResponse:
    room = _public_room(room_id)
    context = picker_context(room, _day(request, room), action=reverse("bookings:checkout"))
    context["reviews"] = selectors.reviews_summary(room=room)
    return render(request, "bookings/book.html", context)


def _public_room(room_id: int) -> Room:
    try:
        return selectors.room_bookable(room_id)
    except NotFound:
        raise Http404 from None


@login_required
def checkout(request: SignedInRequest) -> HttpResponse:
    """Show the quote of the chosen time and book it (GET: room, start, minutes, points; POST:
    the same and payment, to book)."""
    booking = request.method == "POST"
    form = CheckoutForm(request.POST if booking else request.GET, booking=booking)
    form.is_valid()
    if form.error("room"):
        raise Http404
    room: Room = form.cleaned_data["room"]
    if form.error("start"):
        messages.error(request, str(form.error("start")))
        return redirect("bookings:book", room.pk)
    start: datetime = form.cleaned_data["start"]
    minutes: int = form.cleaned_data["minutes"]
    end = start + timedelta(minutes=max(minutes, 0))
    points = form.cleaned_data.get("points", 0)
    refused = form.error("payment")
    if booking and form.is_valid():
        try:
            made = services.booking_create(
                user=request.user,
                room=room,
                start=start,
                end=end,
                payment=form.cleaned_data["payment"],
                points=points,
            )
        except ApplicationError as exc:
            refused = str(exc.message)
        else:
            return _booked(request, made)
    page = selectors.checkout_quote(
        room=room,
        start=start,
        end=end,
        user=request.user,
        points=points,
        points_error=form.error("points"),
        nearest_points=None if booking else form.points_typed,
        error=refused,
    )
    zone = ZoneInfo(room.venue.timezone)
    day = start.astimezone(zone).date()
    return render(
        request,
        "bookings/checkout.html",
        {
            "room": room,
            "venue": room.venue,
            "quote": page.quote,
            "start": start.astimezone(zone),
            "end": end.astimezone(zone),
            "start_iso": start.astimezone(zone).isoformat(),
            "minutes": minutes,
            "error": page.error,
            "points_note": page.points_note,
            "balance": page.balance,
            "back": f"{reverse('bookings:book', args=[room.pk])}?date={day.isoformat()}",
            "tzname": room.venue.timezone,
            "free_now": page.free_now,
            "late_fee": page.late_fee,
        },
        status=400 if booking and (page.points_refused or page.quote is None) else 200,
    )


def _booked(request: SignedInRequest, booking: Booking) -> HttpResponse:
    """Where a new booking sends the client: to pay it, or to its page."""
    if booking.status == Booking.Status.HOLD:
        return redirect(provider().checkout_url(booking.payments.get()))
    if booking.status == Booking.Status.REQUESTED:
        messages.success(request, _("Request sent. The venue will answer soon."))
    else:
        messages.success(request, _("Booked! See you there."))
    return redirect("bookings:detail", booking.pk)


@login_required
@require_GET
def my_bookings(request: SignedInRequest) -> HttpResponse:
    upcoming, past = selectors.bookings_upcoming_and_past(request.user, now=timezone.now())
    return render(
        request,
        "bookings/my_bookings.html",
        {"upcoming": upcoming, "past": past, "points_info": _points_info(past)},
    )


def _points_info(bookings: list[Booking]) -> dict[int, BookingPoints]:
    """What loyalty did with the bookings' points: returned, or cashback earned (pending while
    the booking is confirmed)."""
    ids = [
        b.pk
        for b in bookings
        if (b.points and b.status in _POINTS_RETURNED)
        or b.status in (Booking.Status.CONFIRMED, Booking.Status.COMPLETED)
    ]
    return points_programme().booking_points(ids) if ids else {}


_POINTS_RETURNED = (Booking.Status.CANCELLED, Booking.Status.DECLINED, Booking.Status.EXPIRED)


def _own(request: SignedInRequest, booking_id: int) -> Booking:
    try:
        return selectors.booking_for_user(user=request.user, booking_id=booking_id)
    except NotFound:
        raise Http404 from None


@login_required
@require_GET
def booking_detail(request: SignedInRequest, booking_id: int) -> HttpResponse:
    booking = _own(request, booking_id)
    actions = selectors.booking_actions(booking, now=timezone.now())
    return render(
        request,
        "bookings/detail.html",
        {
            **_booking_context(booking),
            **vars(actions),
            "points_info": _points_info([booking]).get(booking.pk),
        },
    )


def _booking_context(booking: Booking) -> dict[str, object]:
    """The booking with its room and venue, and its times in the venue's time zone."""
    zone = ZoneInfo(booking.room.venue.timezone)
    return {
        "booking": booking,
        "room": booking.room,
        "venue": booking.room.venue,
        "tzname": booking.room.venue.timezone,
        "start": booking.start.astimezone(zone),
        "end": booking.end.astimezone(zone),
    }


@login_required
def booking_cancel(request: SignedInRequest, booking_id: int) -> HttpResponse:
    """GET: what cancelling now costs and gives back, and a button to confirm; POST: cancel."""
    booking = _own(request, booking_id)
    if request.method == "GET":
        now = timezone.now()
        if not selectors.can_cancel(booking, now=now):
            messages.error(request, _("This booking can no longer be cancelled."))
            return redirect("bookings:detail", booking.pk)
        fee = selectors.cancellation_fee(booking, now=now)
        return render(
            request,
            "bookings/cancel_confirm.html",
            {
                **_booking_context(booking),
                "fee_now": fee,
                "points_back": selectors.points_back(booking, fee),
            },
        )
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    try:
        booking = services.booking_cancel(booking_id=booking.pk, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        if booking.cancellation_fee:
            messages.success(
                request,
                _("Booking cancelled. Cancellation fee: %(fee)s.")
                % {"fee": rub(booking.cancellation_fee)},
            )
        else:
            messages.success(request, _("Booking cancelled at no charge."))
    return redirect("bookings:detail", booking.pk)


@login_required
def booking_reschedule(request: PickerRequest, booking_id: int) -> HttpResponse:
    booking = _own(request, booking_id)
    room = booking.room
    if request.method == "POST":
        start = venue_moment(request.POST.get("start", ""), room)
        minutes = hygiene.parse_int(request.POST.get("minutes", "")) or 0
        if start is None:
            messages.error(request, _("Choose a free slot first."))
        else:
            try:
                services.booking_reschedule(
                    booking_id=booking.pk,
                    actor=request.user,
                    start=start,
                    end=start + timedelta(minutes=minutes),
                )
            except ApplicationError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Booking moved."))
                return redirect("bookings:detail", booking.pk)
    day = _day(request, room)
    if "date" not in request.GET:
        day = booking.start.astimezone(ZoneInfo(room.venue.timezone)).date()
    context = picker_context(
        room, day, action=reverse("bookings:reschedule", args=[booking.pk]), booking=booking
    )
    context["partial_url"] = reverse("bookings:reschedule", args=[booking.pk])
    template = "bookings/_availability.html" if request.htmx else "bookings/reschedule.html"
    return render(request, template, context)


@login_required
@require_POST
def booking_pay(request: SignedInRequest, booking_id: int) -> HttpResponse:
    booking = _own(request, booking_id)
    try:
        payment = services.payment_start(booking_id=booking.pk, user=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("bookings:detail", booking.pk)
    return redirect(provider().checkout_url(payment))


@login_required
@require_POST
def review_create(request: SignedInRequest, booking_id: int) -> HttpResponse:
    booking = _own(request, booking_id)
    try:
        services.review_create(
            user=request.user,
            booking_id=booking.pk,
            rating=request.POST.get("rating"),
            comment=request.POST.get("comment", ""),
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Thank you for the review!"))
    return redirect("bookings:detail", booking.pk)


@login_required
def test_checkout(request: SignedInRequest, payment_id: int) -> HttpResponse:
    """The built-in test payment provider's page: "pay" or "fail"."""
    try:
        payment = selectors.payment_for_user(user=request.user, payment_id=payment_id)
    except NotFound:
        raise Http404 from None
    if request.method == "POST":
        outcome = request.POST.get("outcome")
        if outcome not in (Payment.Status.SUCCEEDED, Payment.Status.FAILED):
            messages.error(request, _("Choose pay or fail."))
        else:
            try:
                services.payment_simulate(payment_id=payment.pk, user=request.user, outcome=outcome)
            except ApplicationError as exc:
                messages.error(request, exc.message)
            else:
                payment.refresh_from_db()
                if payment.status == Payment.Status.SUCCEEDED:
                    messages.success(request, _("Payment received."))
                else:
                    messages.error(request, _("The payment failed. You can try again."))
            return redirect("bookings:detail", payment.booking_id)
    return render(request, "bookings/test_checkout.html", {"payment": payment})


@require_GET
def room_feed(request: HttpRequest, token: str) -> HttpResponse:
    """A room's secret iCal feed: active bookings from 30 days ago on."""
    try:
        room, rows = selectors.room_feed_bookings(token=token, now=timezone.now())
    except NotFound:
        raise Http404 from None
    return HttpResponse(feed_ics(str(room), rows), content_type="text/calendar; charset=utf-8")
