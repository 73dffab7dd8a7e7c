"""Pages of the partner dashboard (/dashboard/): organisations, team, venues, rooms, hours, prices.

Every page that touches an organisation's objects goes through `venue_page` / `organisation_page`
(venues/partner.py), so another organisation's member gets 404 and a too-weak role 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Subquery
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import ApplicationError, NotFound
from venues import selectors, services
from venues.forms import (
    InvitationForm,
    MembershipRoleForm,
    OrganisationForm,
    PhotoForm,
    PriceForm,
    RoomForm,
    ScheduleExceptionForm,
    VenueForm,
    WeeklyHoursForm,
)
from venues.models import EDITORS, Invitation, Membership, Organisation, Price, Room, Venue
from venues.partner import organisation_page, venue_page

OWNERS = (Membership.Role.OWNER,)


def _form_error(form: Form, error: ApplicationError) -> None:
    """Show a service's error on the form: on its fields when it names them, else on top."""
    placed = False
    for name, field_messages in error.fields.items():
        if name in form.fields:
            for message in field_messages if isinstance(field_messages, list) else [field_messages]:
                form.add_error(name, str(message))
            placed = True
    if not placed:
        form.add_error(None, str(error.message))


def _render(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    context.setdefault("partner_role", getattr(request, "partner_role", None))
    return render(request, template, context, status=status)


# --- entry, organisations, team -------------------------------------------------------------------


def start(request: HttpRequest) -> HttpResponse:
    """«For venues»: what the dashboard offers and the way in (sign up, create a business)."""
    if request.user.is_authenticated and selectors.organisations_for_user(request.user).exists():
        return redirect("dashboard:index")
    return render(request, "dashboard/start.html")


@login_required
def index(request: HttpRequest) -> HttpResponse:
    organisations = list(
        selectors.organisations_for_user(request.user)
        # A subquery: counting `memberships` after the filter on the same relation would count
        # only the caller's own membership.
        .annotate(
            member_count=Subquery(
                Membership.objects.filter(organisation=OuterRef("pk"))
                .order_by()
                .values("organisation")
                .annotate(n=Count("pk"))
                .values("n"),
                output_field=IntegerField(),
            )
        )
        .prefetch_related(
            Prefetch(
                "venues",
                queryset=Venue.objects.select_related("city")
                .annotate(room_count=Count("rooms"))
                .order_by("name"),
            )
        )
        .order_by("name")
    )
    if not organisations:
        return redirect("dashboard:organisation-create")
    roles = dict(
        Membership.objects.filter(user=request.user).values_list("organisation_id", "role")
    )
    for organisation in organisations:
        organisation.my_role = roles.get(organisation.pk)
        organisation.my_role_label = Membership.Role(organisation.my_role).label
        organisation.can_edit = organisation.my_role in EDITORS
    return render(request, "dashboard/index.html", {"organisations": organisations})


@login_required
def organisation_create(request: HttpRequest) -> HttpResponse:
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_create(
                user=request.user, name=form.cleaned_data["name"]
            )
        except ApplicationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Your business is registered. Now add a venue."))
            return redirect("dashboard:venue-create", organisation_id=organisation.pk)
    return render(
        request,
        "dashboard/organisation_form.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@organisation_page(write_roles=OWNERS)
def team(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_create(
                actor=request.user, organisation=organisation, **form.cleaned_data
            )
        except ApplicationError as error:
            _form_error(form, error)
        else:
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]}
            )
            return redirect("dashboard:team", organisation_id=organisation.pk)
    members = organisation.memberships.select_related("user").order_by("role", "user__email")
    invitations = organisation.invitations.filter(accepted_at__isnull=True)
    return _render(
        request,
        "dashboard/team.html",
        {
            "organisation": organisation,
            "members": members,
            "invitations": invitations,
            "form": form,
            "role_choices": Membership.Role.choices,
            "is_owner": request.partner_role == Membership.Role.OWNER,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@organisation_page(roles=OWNERS)
def member_update(
    request: HttpRequest, organisation: Organisation, membership_id: int
) -> HttpResponse:
    membership = get_object_or_404(organisation.memberships, pk=membership_id)
    form = MembershipRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a role."))
    else:
        try:
            services.membership_update(
                actor=request.user, membership=membership, role=form.cleaned_data["role"]
            )
            messages.success(request, _("Role changed."))
        except ApplicationError as error:
            messages.error(request, str(error.message))
    return redirect("dashboard:team", organisation_id=organisation.pk)


@require_POST
@organisation_page(roles=OWNERS)
def member_remove(
    request: HttpRequest, organisation: Organisation, membership_id: int
) -> HttpResponse:
    membership = get_object_or_404(organisation.memberships, pk=membership_id)
    try:
        services.membership_remove(actor=request.user, membership=membership)
        messages.success(request, _("Member removed."))
    except ApplicationError as error:
        messages.error(request, str(error.message))
    return redirect("dashboard:team", organisation_id=organisation.pk)


@require_POST
@organisation_page(roles=OWNERS)
def invitation_revoke(
    request: HttpRequest, organisation: Organisation, invitation_id: int
) -> HttpResponse:
    invitation = get_object_or_404(
        organisation.invitations, pk=invitation_id, accepted_at__isnull=True
    )
    services.invitation_revoke(actor=request.user, invitation=invitation)
    messages.success(request, _("Invitation withdrawn."))
    return redirect("dashboard:team", organisation_id=organisation.pk)


@login_required
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The invited person accepts; the invitation exists only for the address it was sent to."""
    found = (
        Invitation.objects.select_related("organisation")
        .filter(token=token, accepted_at__isnull=True)
        .first()
    )
    if found is None:
        raise Http404(_("This invitation does not exist or has been used."))
    if found.email.lower() != request.user.email.lower():
        # Say whose it is not, never whose it is: the address stays private.
        return render(request, "dashboard/invitation_other.html", status=404)
    if request.method == "POST":
        try:
            services.invitation_accept(user=request.user, token=token)
        except NotFound as error:
            raise Http404(str(error)) from error
        messages.success(
            request, _("You joined %(organisation)s.") % {"organisation": found.organisation}
        )
        return redirect("dashboard:index")
    return render(request, "dashboard/invitation.html", {"invitation": found})


# --- venues ---------------------------------------------------------------------------------------


@organisation_page(roles=EDITORS)
def venue_create(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    form = VenueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            venue = services.venue_create(
                actor=request.user, organisation=organisation, **form.cleaned_data
            )
        except ApplicationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Venue created. Set its opening hours next."))
            return redirect("dashboard:hours", venue_id=venue.pk)
    return _render(
        request,
        "dashboard/venue_form.html",
        {"form": form, "organisation": organisation},
        status=400 if request.method == "POST" else 200,
    )


@venue_page()
def venue(request: HttpRequest, venue: Venue) -> HttpResponse:
    rooms = venue.rooms.order_by("name")
    return _render(
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
def venue_edit(request: HttpRequest, venue: Venue) -> HttpResponse:
    form = VenueForm(request.POST or None, instance=Venue.objects.get(pk=venue.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.venue_update(actor=request.user, venue=venue, **form.cleaned_data)
        except ApplicationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Venue saved."))
            return redirect("dashboard:venue", venue_id=venue.pk)
    return _render(
        request,
        "dashboard/venue_form.html",
        {"form": form, "venue": venue, "organisation": venue.organisation},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@venue_page(roles=EDITORS)
def schedule_confirm(request: HttpRequest, venue: Venue) -> HttpResponse:
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
def hours(request: HttpRequest, venue: Venue) -> HttpResponse:
    form = WeeklyHoursForm(request.POST or None, venue=venue)
    if request.method == "POST" and form.is_valid():
        try:
            services.opening_hours_set(
                actor=request.user, venue=venue, hours=form.cleaned_data["hours"]
            )
        except ApplicationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Opening hours saved."))
            _warn_prices_outside_hours(request, venue)
            return redirect("dashboard:hours", venue_id=venue.pk)
    return _render(
        request,
        "dashboard/hours.html",
        {"venue": venue, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@venue_page(roles=EDITORS)
def exceptions(request: HttpRequest, venue: Venue) -> HttpResponse:
    form = ScheduleExceptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.schedule_exception_create(actor=request.user, venue=venue, **form.cleaned_data)
        except ApplicationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Exception saved."))
            return redirect("dashboard:exceptions", venue_id=venue.pk)
    return _render(
        request,
        "dashboard/exceptions.html",
        {"venue": venue, "form": form, "exceptions": venue.exceptions.order_by("date")},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@venue_page(roles=EDITORS)
def exception_delete(request: HttpRequest, venue: Venue, exception_id: int) -> HttpResponse:
    exception = get_object_or_404(venue.exceptions, pk=exception_id)
    services.schedule_exception_delete(actor=request.user, exception=exception)
    messages.success(request, _("Exception deleted."))
    return redirect("dashboard:exceptions", venue_id=venue.pk)


@venue_page(roles=EDITORS)
def photos(request: HttpRequest, venue: Venue) -> HttpResponse:
    form = PhotoForm(request.POST or None, request.FILES or None, venue=venue)
    if request.method == "POST" and form.is_valid():
        try:
            services.photo_add(actor=request.user, venue=venue, **form.cleaned_data)
        except ApplicationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Photo uploaded."))
            return redirect("dashboard:photos", venue_id=venue.pk)
    return _render(
        request,
        "dashboard/photos.html",
        {"venue": venue, "form": form, "photos": venue.photos.select_related("room")},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@venue_page(roles=EDITORS)
def photo_delete(request: HttpRequest, venue: Venue, photo_id: int) -> HttpResponse:
    photo = get_object_or_404(venue.photos, pk=photo_id)
    services.photo_delete(actor=request.user, photo=photo)
    messages.success(request, _("Photo deleted."))
    return redirect("dashboard:photos", venue_id=venue.pk)


# --- rooms and prices -----------------------------------------------------------------------------


@venue_page()
def rooms(request: HttpRequest, venue: Venue) -> HttpResponse:
    room_list = venue.rooms.order_by("name")
    return _render(
        request,
        "dashboard/rooms.html",
        {"venue": venue, "rooms": room_list, "can_edit": request.partner_role in EDITORS},
    )


@venue_page(roles=EDITORS)
def room_create(request: HttpRequest, venue: Venue) -> HttpResponse:
    form = RoomForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            room = services.room_create(actor=request.user, venue=venue, **form.cleaned_data)
        except ApplicationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Room created. Now set its prices."))
            return redirect("dashboard:room", venue_id=venue.pk, room_id=room.pk)
    return _render(
        request,
        "dashboard/room_form.html",
        {"venue": venue, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def _room(venue: Venue, room_id: int) -> Room:
    return get_object_or_404(Room.objects.select_related("venue"), venue=venue, pk=room_id)


@venue_page(roles=EDITORS)
def room_edit(request: HttpRequest, venue: Venue, room_id: int) -> HttpResponse:
    room = _room(venue, room_id)
    form = RoomForm(request.POST or None, instance=Room.objects.get(pk=room.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.room_update(actor=request.user, room=room, **form.cleaned_data)
        except ApplicationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Room saved."))
            return redirect("dashboard:room", venue_id=venue.pk, room_id=room.pk)
    return _render(
        request,
        "dashboard/room_form.html",
        {"venue": venue, "room": room, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@venue_page(write_roles=EDITORS)
def room(request: HttpRequest, venue: Venue, room_id: int) -> HttpResponse:
    """A room with its price table; owners and managers add bands here (POST)."""
    room = _room(venue, room_id)
    form = PriceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.price_create(actor=request.user, room=room, **form.cleaned_data)
        except ApplicationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Price added."))
            return redirect("dashboard:room", venue_id=venue.pk, room_id=room.pk)
    prices = room.prices.order_by("day_type", "starts")
    return _render(
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
def price_edit(request: HttpRequest, venue: Venue, room_id: int, price_id: int) -> HttpResponse:
    room = _room(venue, room_id)
    price = get_object_or_404(room.prices, pk=price_id)
    form = PriceForm(request.POST or None, instance=Price.objects.get(pk=price.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.price_update(actor=request.user, price=price, **form.cleaned_data)
        except ApplicationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Price saved."))
            return redirect("dashboard:room", venue_id=venue.pk, room_id=room.pk)
    return _render(
        request,
        "dashboard/price_form.html",
        {"venue": venue, "room": room, "price": price, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@venue_page(roles=EDITORS)
def price_delete(request: HttpRequest, venue: Venue, room_id: int, price_id: int) -> HttpResponse:
    room = _room(venue, room_id)
    price = get_object_or_404(room.prices, pk=price_id)
    services.price_delete(actor=request.user, price=price)
    messages.success(request, _("Price deleted."))
    return redirect("dashboard:room", venue_id=venue.pk, room_id=room.pk)
