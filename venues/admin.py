"""Django admin for organisations, venues, rooms, hours, exceptions, holidays and prices (staff)."""

from django.contrib import admin

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


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


class InvitationInline(admin.TabularInline):
    model = Invitation
    extra = 0
    fields = ["email", "role", "created_at", "accepted_at"]
    readonly_fields = ["created_at", "accepted_at"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "created_at"]
    search_fields = ["name", "memberships__user__email"]
    list_filter = ["created_at"]
    inlines = [MembershipInline, InvitationInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "user__name", "organisation__name"]
    list_select_related = ["user", "organisation"]
    autocomplete_fields = ["user", "organisation"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation", "role", "created_at", "accepted_at"]
    list_filter = ["role", "accepted_at"]
    search_fields = ["email", "organisation__name"]
    list_select_related = ["organisation"]
    readonly_fields = ["token", "created_at"]
    autocomplete_fields = ["organisation", "invited_by"]


@admin.register(City)
class CityAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "timezone"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class RoomInline(admin.TabularInline):
    model = Room
    extra = 0
    fields = ["name", "kind", "capacity", "slot_minutes", "min_booking_minutes", "is_active"]
    show_change_link = True

    def get_queryset(self, request):
        # Each row's title is str(room), which names the venue.
        return super().get_queryset(request).select_related("venue")


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0
    max_num = 7


class ScheduleExceptionInline(admin.TabularInline):
    model = ScheduleException
    extra = 0


class PhotoInline(admin.TabularInline):
    model = Photo
    extra = 0
    fields = ["image", "room", "position"]
    # A select of every room per photo row made the venue page render 400+ options per row.
    autocomplete_fields = ["room"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("room__venue")


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "organisation",
        "city",
        "metro",
        "booking_mode",
        "is_published",
        "schedule_confirmed_at",
    ]
    list_filter = ["city", "booking_mode", "is_published", "pay_online", "pay_at_venue"]
    search_fields = ["name", "address", "metro", "organisation__name"]
    list_select_related = ["organisation", "city"]
    autocomplete_fields = ["organisation", "city"]
    inlines = [RoomInline, OpeningHoursInline, ScheduleExceptionInline, PhotoInline]


class PriceInline(admin.TabularInline):
    model = Price
    extra = 0
    ordering = ["day_type", "starts"]


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ["name", "venue", "kind", "capacity", "price_from", "is_active"]
    list_filter = ["kind", "is_active", "slot_minutes", "venue__city"]
    search_fields = ["name", "venue__name", "equipment"]
    list_select_related = ["venue", "venue__city"]
    autocomplete_fields = ["venue"]
    readonly_fields = ["price_from"]
    inlines = [PriceInline]


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    list_display = ["image", "venue", "room", "position"]
    search_fields = ["venue__name", "room__name"]
    list_filter = ["venue__city"]
    list_select_related = ["venue", "room"]
    autocomplete_fields = ["venue", "room"]


@admin.register(OpeningHours)
class OpeningHoursAdmin(admin.ModelAdmin):
    list_display = ["venue", "weekday", "opens", "closes"]
    list_filter = ["weekday", "venue__city"]
    search_fields = ["venue__name"]
    list_select_related = ["venue"]
    autocomplete_fields = ["venue"]


@admin.register(ScheduleException)
class ScheduleExceptionAdmin(admin.ModelAdmin):
    list_display = ["venue", "date", "is_closed", "opens", "closes", "note"]
    list_filter = ["is_closed", "date"]
    search_fields = ["venue__name", "note"]
    list_select_related = ["venue"]
    autocomplete_fields = ["venue"]
    date_hierarchy = "date"


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "name"]
    search_fields = ["name"]
    date_hierarchy = "date"
    list_filter = ["date"]


@admin.register(Price)
class PriceAdmin(admin.ModelAdmin):
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
