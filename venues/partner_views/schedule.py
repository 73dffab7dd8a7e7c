"""Dashboard pages of the schedule (hours, exceptions, the confirmation) and a room's prices."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import ApplicationError
from core.forms import add_application_error
from venues import selectors, services
from venues.forms import PriceForm, ScheduleExceptionForm, WeeklyHoursForm
from venues.models import EDITORS, Price, Venue
from venues.partner import PartnerRequest, venue_page
from venues.partner_views.base import render_page, room_of_venue


@require_POST
@venue_page(roles=EDITORS)
def schedule_confirm(request: PartnerRequest, venue: Venue) -> HttpResponse:
    try:
        services.schedule_confirm(actor=request.user, venue=venue)
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Thank you: the schedule is marked as up to date."))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = reverse("dashboard:venue", args=[venue.pk])
    return redirect(back)


def _warn_prices_outside_hours(request: HttpRequest, venue: Venue) -> None:
    """After the hours change, name the price bands that now lie outside them (kept as they are)."""
    outside = selectors.prices_outside_hours(venue)
    if outside:
        bands = "; ".join(
            f"{price.room.name}: {price.get_day_type_display()} "
            f"{price.starts:%H:%M}–{price.ends:%H:%M}"
            for price in outside
        )
        messages.warning(
            request,
            _(
                "These price bands are now outside the opening hours; change or delete them: "
                "%(bands)s."
            )
            % {"bands": bands},
        )


@venue_page(roles=EDITORS)
def hours(request: PartnerRequest, venue: Venue) -> HttpResponse:
    form = WeeklyHoursForm(request.POST or None, venue=venue)
    if request.method == "POST" and form.is_valid():
        try:
            services.opening_hours_set(
                actor=request.user, venue=venue, hours=form.cleaned_data["hours"]
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, _("Opening hours saved."))
            _warn_prices_outside_hours(request, venue)
            return redirect("dashboard:hours", venue_id=venue.pk)
    return render_page(
        request,
        "dashboard/hours.html",
        {"venue": venue, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@venue_page(roles=EDITORS)
def exceptions(request: PartnerRequest, venue: Venue) -> HttpResponse:
    form = ScheduleExceptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.schedule_exception_create(actor=request.user, venue=venue, **form.cleaned_data)
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, _("Exception saved."))
            return redirect("dashboard:exceptions", venue_id=venue.pk)
    return render_page(
        request,
        "dashboard/exceptions.html",
        {"venue": venue, "form": form, "exceptions": venue.exceptions.order_by("date")},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@venue_page(roles=EDITORS)
def exception_delete(request: PartnerRequest, venue: Venue, exception_id: int) -> HttpResponse:
    exception = get_object_or_404(venue.exceptions, pk=exception_id)
    services.schedule_exception_delete(actor=request.user, exception=exception)
    messages.success(request, _("Exception deleted."))
    return redirect("dashboard:exceptions", venue_id=venue.pk)


@venue_page(write_roles=EDITORS)
def room(request: PartnerRequest, venue: Venue, room_id: int) -> HttpResponse:
    """A room with its price table; owners and managers add bands here (POST)."""
    room = room_of_venue(venue, room_id)
    form = PriceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.price_create(actor=request.user, room=room, **form.cleaned_data)
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, _("Price added."))
            return redirect("dashboard:room", venue_id=venue.pk, room_id=room.pk)
    prices = room.prices.order_by("day_type", "starts")
    return render_page(
        request,
        "dashboard/room.html",
        {
            "venue": venue,
            "room": room,
            "form": form,
            "prices": prices,
            "price_table": selectors.price_table(prices),
            "day_types": Price.DayType.choices,
            "hours": selectors.weekly_hours(venue),
            "can_edit": request.partner_role in EDITORS,
        },
        status=400 if request.method == "POST" else 200,
    )


@venue_page(roles=EDITORS)
def price_edit(request: PartnerRequest, venue: Venue, room_id: int, price_id: int) -> HttpResponse:
    room = room_of_venue(venue, room_id)
    price = get_object_or_404(room.prices, pk=price_id)
    form = PriceForm(request.POST or None, instance=Price.objects.get(pk=price.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.price_update(actor=request.user, price=price, **form.cleaned_data)
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, _("Price saved."))
            return redirect("dashboard:room", venue_id=venue.pk, room_id=room.pk)
    return render_page(
        request,
        "dashboard/price_form.html",
        {"venue": venue, "room": room, "price": price, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@venue_page(roles=EDITORS)
def price_delete(
    request: PartnerRequest, venue: Venue, room_id: int, price_id: int
) -> HttpResponse:
    room = room_of_venue(venue, room_id)
    price = get_object_or_404(room.prices, pk=price_id)
    services.price_delete(actor=request.user, price=price)
    messages.success(request, _("Price deleted."))
    return redirect("dashboard:room", venue_id=venue.pk, room_id=room.pk)
