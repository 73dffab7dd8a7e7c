"""Dashboard pages of venues, their photos and their rooms."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import ApplicationError
from core.forms import add_application_error
from venues import selectors, services
from venues.forms import PhotoForm, RoomForm, VenueForm
from venues.models import EDITORS, Organisation, Room, Venue
from venues.partner import PartnerRequest, organisation_page, venue_page
from venues.partner_views.base import render_page, room_of_venue


@organisation_page(roles=EDITORS)
def venue_create(request: PartnerRequest, organisation: Organisation) -> HttpResponse:
    form = VenueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            venue = services.venue_create(
                actor=request.user, organisation=organisation, **form.cleaned_data
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, _("Venue created. Set its opening hours next."))
            return redirect("dashboard:hours", venue_id=venue.pk)
    return render_page(
        request,
        "dashboard/venue_form.html",
        {"form": form, "organisation": organisation},
        status=400 if request.method == "POST" else 200,
    )


@venue_page()
def venue(request: PartnerRequest, venue: Venue) -> HttpResponse:
    rooms = venue.rooms.order_by("name")
    return render_page(
        request,
        "dashboard/venue.html",
        {
            "venue": venue,
            "rooms": rooms,
            "hours": selectors.weekly_hours(venue),
            "exceptions": selectors.upcoming_exceptions(venue=venue, today=timezone.localdate()),
            "can_edit": request.partner_role in EDITORS,
        },
    )


@venue_page(roles=EDITORS)
def venue_edit(request: PartnerRequest, venue: Venue) -> HttpResponse:
    form = VenueForm(request.POST or None, instance=Venue.objects.get(pk=venue.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.venue_update(actor=request.user, venue=venue, **form.cleaned_data)
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, _("Venue saved."))
            return redirect("dashboard:venue", venue_id=venue.pk)
    return render_page(
        request,
        "dashboard/venue_form.html",
        {"form": form, "venue": venue, "organisation": venue.organisation},
        status=400 if request.method == "POST" else 200,
    )


@venue_page(roles=EDITORS)
def photos(request: PartnerRequest, venue: Venue) -> HttpResponse:
    form = PhotoForm(request.POST or None, request.FILES or None, venue=venue)
    if request.method == "POST" and form.is_valid():
        try:
            services.photo_add(actor=request.user, venue=venue, **form.cleaned_data)
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, _("Photo uploaded."))
            return redirect("dashboard:photos", venue_id=venue.pk)
    return render_page(
        request,
        "dashboard/photos.html",
        {"venue": venue, "form": form, "photos": venue.photos.select_related("room")},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@venue_page(roles=EDITORS)
def photo_delete(request: PartnerRequest, venue: Venue, photo_id: int) -> HttpResponse:
    photo = get_object_or_404(venue.photos, pk=photo_id)
    services.photo_delete(actor=request.user, photo=photo)
    messages.success(request, _("Photo deleted."))
    return redirect("dashboard:photos", venue_id=venue.pk)


@venue_page()
def rooms(request: PartnerRequest, venue: Venue) -> HttpResponse:
    room_list = venue.rooms.order_by("name")
    return render_page(
        request,
        "dashboard/rooms.html",
        {"venue": venue, "rooms": room_list, "can_edit": request.partner_role in EDITORS},
    )


@venue_page(roles=EDITORS)
def room_create(request: PartnerRequest, venue: Venue) -> HttpResponse:
    form = RoomForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            room = services.room_create(actor=request.user, venue=venue, **form.cleaned_data)
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, _("Room created. Now set its prices."))
            return redirect("dashboard:room", venue_id=venue.pk, room_id=room.pk)
    return render_page(
        request,
        "dashboard/room_form.html",
        {"venue": venue, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@venue_page(roles=EDITORS)
def room_edit(request: PartnerRequest, venue: Venue, room_id: int) -> HttpResponse:
    room = room_of_venue(venue, room_id)
    form = RoomForm(request.POST or None, instance=Room.objects.get(pk=room.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.room_update(actor=request.user, room=room, **form.cleaned_data)
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, _("Room saved."))
            return redirect("dashboard:room", venue_id=venue.pk, room_id=room.pk)
    return render_page(
        request,
        "dashboard/room_form.html",
        {"venue": venue, "room": room, "form": form},
        status=400 if request.method == "POST" else 200,
    )
