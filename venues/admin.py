"""Django admin for organisations, venues, rooms, hours, exceptions, holidays and prices (staff).

Every change staff make here goes through the same services as the dashboard and the partner
API (accounts/admin_writes.py): the `Writes` below say which. What no service writes is read-only.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.widgets import AutocompleteSelect
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from accounts.admin_writes import (
    ServiceInline,
    ServiceModelAdmin,
    Values,
    Writes,
    staff_of,
    write_or_refuse,
)
from accounts.models import User
from venues import services
from venues.models import (
    City,
    Holiday,
    Invitation,
    Membership,
    OpeningHours,
    Organisation,
    Photo,
    Price,
    Room,
    ScheduleException,
    Venue,
)

MODERATION_FIELDS = ("moderation", "moderation_reason", "moderated_by", "moderated_at")

# A photo is checked by core.uploads.image_clean (size, pixels, format) with its own messages,
# so the form takes any file, as the dashboard's does.
PLAIN_FILE: Mapping[type[models.Field[Any, Any]], Mapping[str, Any]] = {
    models.ImageField: {"form_class": forms.FileField}
}


# --- how admin writes each model --------------------------------------------------------------


def _organisation_create(staff: User, values: Values) -> Organisation:
    return services.organisation_create(user=values["owner"], name=values["name"], actor=staff)


ORGANISATIONS = Writes[Organisation](
    create=_organisation_create,
    update=lambda staff, organisation, values: services.organisation_update(
        actor=staff, organisation=organisation, name=values["name"]
    ),
)
MEMBERSHIPS = Writes[Membership](
    create=lambda staff, values: services.membership_create(actor=staff, **values),
    update=lambda staff, membership, values: services.membership_update(
        actor=staff, membership=membership, role=values["role"]
    ),
    delete=lambda staff, membership: services.membership_remove(actor=staff, membership=membership),
    create_only=("organisation", "user"),
)
# An invitation is sent or withdrawn, never edited (its token is in an e-mail already).
INVITATIONS = Writes[Invitation](
    create=lambda staff, values: services.invitation_create(actor=staff, **values),
    delete=lambda staff, invitation: services.invitation_revoke(actor=staff, invitation=invitation),
)
CITIES = Writes[City](
    create=lambda staff, values: services.city_create(actor=staff, **values),
    update=lambda staff, city, values: services.city_update(actor=staff, city=city, **values),
    delete=lambda staff, city: services.city_delete(actor=staff, city=city),
)
HOLIDAYS = Writes[Holiday](
    create=lambda staff, values: services.holiday_create(actor=staff, **values),
    update=lambda staff, holiday, values: services.holiday_update(
        actor=staff, holiday=holiday, **values
    ),
    delete=lambda staff, holiday: services.holiday_delete(actor=staff, holiday=holiday),
)


def _split(values: Values, names: tuple[str, ...]) -> Values:
    """Take the values of `names` out of `values`."""
    return {name: values.pop(name) for name in names if name in values}


def _venue_create(staff: User, values: Values) -> Venue:
    loyalty = _split(values, services.VENUE_LOYALTY_FIELDS)
    venue = services.venue_create(actor=staff, organisation=values.pop("organisation"), **values)
    loyalty = {name: value for name, value in loyalty.items() if value != getattr(venue, name)}
    if loyalty:
        venue = services.venue_loyalty_update(actor=staff, venue=venue, **loyalty)
    return venue


def _venue_update(staff: User, venue: Venue, values: Values) -> Venue:
    loyalty = _split(values, services.VENUE_LOYALTY_FIELDS)
    if values:
        venue = services.venue_update(actor=staff, venue=venue, **values)
    if loyalty:
        venue = services.venue_loyalty_update(actor=staff, venue=venue, **loyalty)
    return venue


VENUES = Writes[Venue](create=_venue_create, update=_venue_update, create_only=("organisation",))


def _room_create(staff: User, values: Values) -> Room:
    loyalty = _split(values, ("max_points_percent",))
    room = services.room_create(actor=staff, venue=values.pop("venue"), **values)
    if loyalty.get("max_points_percent") is not None:
        room = services.room_loyalty_update(actor=staff, room=room, **loyalty)
    return room


def _room_update(staff: User, room: Room, values: Values) -> Room:
    loyalty = _split(values, ("max_points_percent",))
    if values:
        room = services.room_update(actor=staff, room=room, **values)
    if loyalty:
        room = services.room_loyalty_update(actor=staff, room=room, **loyalty)
    return room


# Rooms are not deleted (bookings keep them): staff make a room inactive.
ROOMS = Writes[Room](create=_room_create, update=_room_update, create_only=("venue",))
PRICES = Writes[Price](
    create=lambda staff, values: services.price_create(
        actor=staff, room=values.pop("room"), **values
    ),
    update=lambda staff, price, values: services.price_update(actor=staff, price=price, **values),
    delete=lambda staff, price: services.price_delete(actor=staff, price=price),
    create_only=("room",),
)
# A photo is uploaded or deleted; to replace one, upload the new one and delete the old.
PHOTOS = Writes[Photo](
    create=lambda staff, values: services.photo_add(
        actor=staff, venue=values["venue"], image=values["image"], room=values.get("room")
    ),
    delete=lambda staff, photo: services.photo_delete(actor=staff, photo=photo),
)
EXCEPTIONS = Writes[ScheduleException](
    create=lambda staff, values: services.schedule_exception_create(
        actor=staff, venue=values.pop("venue"), **values
    ),
    update=lambda staff, exception, values: services.schedule_exception_update(
        actor=staff, exception=exception, **values
    ),
    delete=lambda staff, exception: services.schedule_exception_delete(
        actor=staff, exception=exception
    ),
    create_only=("venue",),
)


def _day(values: Values, hours: OpeningHours | None = None) -> services.DayHours:
    """The times entered, or for a change, those it keeps."""
    if hours is not None:
        values = {"opens": hours.opens, "closes": hours.closes, **values}
    return services.DayHours(opens=values["opens"], closes=values["closes"])


def _hours_create(staff: User, values: Values) -> OpeningHours:
    """Set the hours of one weekday (replacing the hours it had)."""
    venue, weekday = values["venue"], values["weekday"]
    services.opening_hours_set(actor=staff, venue=venue, hours={weekday: _day(values)})
    return OpeningHours.objects.get(venue=venue, weekday=weekday)


def _hours_update(staff: User, hours: OpeningHours, values: Values) -> OpeningHours:
    weekday = values.get("weekday", hours.weekday)
    week: dict[int, services.DayHours | None] = {hours.weekday: None}  # moved to another day
    week[weekday] = _day(values, hours)
    services.opening_hours_set(actor=staff, venue=hours.venue, hours=week)
    return OpeningHours.objects.get(venue=hours.venue, weekday=weekday)


def _hours_delete(staff: User, hours: OpeningHours) -> None:
    services.opening_hours_set(actor=staff, venue=hours.venue, hours={hours.weekday: None})


HOURS = Writes[OpeningHours](
    create=_hours_create,
    update=_hours_update,
    delete=_hours_delete,
    create_only=("venue",),
)


# --- organisations and their teams ------------------------------------------------------------


class MembershipInline(ServiceInline):
    model = Membership
    writes = MEMBERSHIPS
    extra = 0
    fields = ["user", "role"]
    autocomplete_fields = ["user"]


class InvitationInline(ServiceInline):
    model = Invitation
    writes = INVITATIONS
    extra = 0
    fields = ["email", "role", "created_at", "accepted_at"]
    readonly_fields = ["created_at", "accepted_at"]


class OrganisationAddForm(forms.ModelForm):
    """A new organisation needs its owner: the person who runs it from the dashboard."""

    owner = forms.ModelChoiceField(
        label=_("owner"),
        queryset=User.objects.all(),
        widget=AutocompleteSelect(Membership._meta.get_field("user"), admin.site),
    )

    class Meta:
        model = Organisation
        fields = ["name"]


@admin.register(Organisation)
class OrganisationAdmin(ServiceModelAdmin):
    writes = ORGANISATIONS
    list_display = ["name", "created_at"]
    search_fields = ["name", "memberships__user__email"]
    list_filter = ["created_at"]
    inlines = [MembershipInline, InvitationInline]

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        if obj is None:
            kwargs["form"] = OrganisationAddForm
        return super().get_form(request, obj, change=change, **kwargs)


@admin.register(Membership)
class MembershipAdmin(ServiceModelAdmin):
    writes = MEMBERSHIPS
    list_display = ["user", "organisation", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "user__name", "organisation__name"]
    list_select_related = ["user", "organisation"]
    autocomplete_fields = ["user", "organisation"]


@admin.register(Invitation)
class InvitationAdmin(ServiceModelAdmin):
    writes = INVITATIONS
    list_display = ["email", "organisation", "role", "created_at", "accepted_at"]
    list_filter = ["role", "accepted_at"]
    search_fields = ["email", "organisation__name"]
    list_select_related = ["organisation"]
    fields = ["organisation", "email", "role", "token", "invited_by", "created_at", "accepted_at"]
    readonly_fields = ["token", "invited_by", "created_at", "accepted_at"]
    autocomplete_fields = ["organisation"]


# --- the catalogue: cities, venues, rooms, photos ---------------------------------------------


@admin.register(City)
class CityAdmin(ServiceModelAdmin):
    writes = CITIES
    list_display = ["name", "slug", "timezone"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class RoomInline(ServiceInline):
    model = Room
    writes = ROOMS
    extra = 0
    fields = ["name", "kind", "capacity", "slot_minutes", "min_booking_minutes", "is_active"]
    show_change_link = True

    def get_queryset(self, request: HttpRequest) -> Any:
        # Each row's title is str(room), which names the venue.
        return super().get_queryset(request).select_related("venue")


class OpeningHoursInline(ServiceInline):
    """The whole week, saved as one change of the weekly hours (one audit line, as on the
    dashboard), so moving a day to another weekday never loses one."""

    model = OpeningHours
    writes = HOURS
    extra = 0
    max_num = 7

    def save_rows(self, request: HttpRequest, parent: Any, formset: Any) -> None:
        deleted = formset.deleted_forms
        changed = [row for row in formset.forms if row not in deleted and row.has_changed()]
        formset.new_objects = []
        formset.changed_objects = [(r.instance, r.changed_data) for r in changed if r.instance.pk]
        formset.deleted_objects = [row.instance for row in deleted if row.instance.pk]
        if not (changed or formset.deleted_objects):
            return
        # The week as the rows now say: the days of deleted (or moved) rows are closed.
        week: dict[int, services.DayHours | None] = {
            row.instance.weekday: None for row in formset.initial_forms
        }
        for row in formset.forms:
            if row not in deleted and (row.instance.pk or row.has_changed()):
                week[row.cleaned_data["weekday"]] = _day(row.cleaned_data)
        staff = staff_of(request)
        set_week = partial(services.opening_hours_set, actor=staff, venue=parent, hours=week)
        write_or_refuse(formset.prefix, set_week)
        added = {row.cleaned_data["weekday"] for row in changed if not row.instance.pk}
        formset.new_objects = list(parent.opening_hours.filter(weekday__in=added))


class ScheduleExceptionInline(ServiceInline):
    model = ScheduleException
    writes = EXCEPTIONS
    extra = 0


class PhotoInline(ServiceInline):
    model = Photo
    writes = PHOTOS
    extra = 0
    fields = ["image", "room", "position"]
    readonly_fields = ["position"]
    formfield_overrides = PLAIN_FILE
    # A select of every room per photo row made the venue page render 400+ options per row.
    autocomplete_fields = ["room"]

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("room__venue")


@admin.register(Venue)
class VenueAdmin(ServiceModelAdmin):
    writes = VENUES
    list_display = [
        "name",
        "organisation",
        "city",
        "metro",
        "booking_mode",
        "is_published",
        "moderation",
        "schedule_confirmed_at",
    ]
    # "Moderation: awaiting review" is the staff's review queue.
    list_filter = [
        "moderation",
        "city",
        "booking_mode",
        "is_published",
        "pay_online",
        "pay_at_venue",
    ]
    actions = ["approve", "reject"]
    search_fields = ["name", "address", "metro", "organisation__name"]
    list_select_related = ["organisation", "city"]
    autocomplete_fields = ["organisation", "city"]
    fieldsets = [
        (None, {"fields": ["organisation", *services.VENUE_FIELDS]}),
        (_("Points"), {"fields": list(services.VENUE_LOYALTY_FIELDS)}),
        (
            _("Schedule"),
            {
                "fields": [
                    "schedule_confirmed_at",
                    "points_off_stale_schedule",
                    "schedule_reminder_for",
                    "created_at",
                ]
            },
        ),
        (_("Review"), {"fields": list(MODERATION_FIELDS)}),
    ]
    # Set by the services, the review actions and the freshness job, never by hand.
    readonly_fields = [
        "schedule_confirmed_at",
        "points_off_stale_schedule",
        "schedule_reminder_for",
        "created_at",
        *MODERATION_FIELDS,
    ]
    inlines = [RoomInline, OpeningHoursInline, ScheduleExceptionInline, PhotoInline]

    @admin.action(description=_("Approve the selected venues (into the catalogue)"))
    def approve(self, request: HttpRequest, queryset: Any) -> None:
        for venue in queryset:
            services.venue_approve(actor=staff_of(request), venue=venue)
        self.message_user(request, _("Approved: %(count)s.") % {"count": len(queryset)})

    @admin.action(description=_("Reject the selected venues (the owner reads the reason)"))
    def reject(self, request: HttpRequest, queryset: Any) -> HttpResponse | None:
        form = RejectForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            for venue in queryset:
                services.venue_reject(
                    actor=staff_of(request), venue=venue, reason=form.cleaned_data["reason"]
                )
            self.message_user(request, _("Rejected: %(count)s.") % {"count": len(queryset)})
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Reject venues"),
            "opts": self.model._meta,
            "form": form,
            "venues": queryset,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/venues/venue/reject.html", context)


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent to the owner and shown on their dashboard."),
    )


class PriceInline(ServiceInline):
    model = Price
    writes = PRICES
    extra = 0
    ordering = ["day_type", "starts"]


@admin.register(Room)
class RoomAdmin(ServiceModelAdmin):
    writes = ROOMS
    list_display = ["name", "venue", "kind", "capacity", "price_from", "is_active"]
    list_filter = ["kind", "is_active", "slot_minutes", "venue__city"]
    search_fields = ["name", "venue__name", "equipment"]
    list_select_related = ["venue", "venue__city"]
    autocomplete_fields = ["venue"]
    fields = ["venue", *services.ROOM_FIELDS, "max_points_percent", "price_from"]
    readonly_fields = ["price_from"]  # kept by the price services
    inlines = [PriceInline]


@admin.register(Photo)
class PhotoAdmin(ServiceModelAdmin):
    writes = PHOTOS
    list_display = ["image", "venue", "room", "position"]
    search_fields = ["venue__name", "room__name"]
    list_filter = ["venue__city"]
    list_select_related = ["venue", "room"]
    autocomplete_fields = ["venue", "room"]
    fields = ["venue", "room", "image", "position"]
    readonly_fields = ["position"]
    formfield_overrides = PLAIN_FILE


# --- schedules and prices ---------------------------------------------------------------------


@admin.register(OpeningHours)
class OpeningHoursAdmin(ServiceModelAdmin):
    writes = HOURS
    list_display = ["venue", "weekday", "opens", "closes"]
    list_filter = ["weekday", "venue__city"]
    search_fields = ["venue__name"]
    list_select_related = ["venue"]
    autocomplete_fields = ["venue"]


@admin.register(ScheduleException)
class ScheduleExceptionAdmin(ServiceModelAdmin):
    writes = EXCEPTIONS
    list_display = ["venue", "date", "is_closed", "opens", "closes", "note"]
    list_filter = ["is_closed", "date"]
    search_fields = ["venue__name", "note"]
    list_select_related = ["venue"]
    autocomplete_fields = ["venue"]
    date_hierarchy = "date"


@admin.register(Holiday)
class HolidayAdmin(ServiceModelAdmin):
    writes = HOLIDAYS
    list_display = ["date", "name"]
    search_fields = ["name"]
    date_hierarchy = "date"
    list_filter = ["date"]


@admin.register(Price)
class PriceAdmin(ServiceModelAdmin):
    writes = PRICES
    list_display = [
        "room",
        "day_type",
        "starts",
        "ends",
        "price_per_hour",
        "valid_from",
        "valid_until",
    ]
    list_filter = ["day_type", "room__venue__city"]
    search_fields = ["room__name", "room__venue__name"]
    list_select_related = ["room", "room__venue"]
    autocomplete_fields = ["room"]
