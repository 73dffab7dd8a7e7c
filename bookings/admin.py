"""Admin for bookings: filters by state, venue and date; the state history is read-only."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from accounts.admin_writes import ServiceModelAdmin, Writes
from bookings import services
from bookings.models import Booking, BookingEvent, Payment, Review


class BookingEventInline(admin.TabularInline):
    model = BookingEvent
    extra = 0
    can_delete = False
    fields = readonly_fields = ("created_at", "from_status", "to_status", "action", "actor", "note")

    def has_add_permission(self, request: HttpRequest, obj: Booking | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Booking | None = None) -> bool:
        return False


class PaymentInline(admin.TabularInline):
    model = Payment
    extra = 0
    can_delete = False
    fields = readonly_fields = (
        "created_at",
        "provider",
        "amount",
        "currency",
        "status",
        "external_id",
    )

    def has_add_permission(self, request: HttpRequest, obj: Booking | None = None) -> bool:
        return False


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = ["id", "start", "end", "room", "user", "kind", "status", "price", "paid_at"]
    list_filter = ["status", "kind", "payment", "room__venue", ("start", admin.DateFieldListFilter)]
    date_hierarchy = "start"
    search_fields = ["id", "user__email", "client_name", "client_phone", "room__name"]
    list_select_related = ["room", "room__venue", "user"]
    raw_id_fields = ["room", "user", "created_by"]
    inlines = [BookingEventInline, PaymentInline]
    # State changes go through the services (and the partner pages), never a raw edit here:
    # an edit could bypass the history, the signals and the e-mails.
    readonly_fields = [f.name for f in Booking._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Booking | None = None) -> bool:
        return False


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    """Online payments, read-only: filter by "refund due" to find money that must go back."""

    list_display = ["id", "created_at", "booking", "provider", "amount", "currency", "status"]
    list_filter = ["status", "provider", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["id", "booking__id", "booking__user__email", "external_id"]
    list_select_related = ["booking"]
    readonly_fields = [f.name for f in Payment._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Payment | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Payment | None = None) -> bool:
        return False


@admin.register(Review)
class ReviewAdmin(ServiceModelAdmin):
    """A review is the client's: staff read it, and may only take it down (audited)."""

    writes = Writes[Review](
        delete=lambda staff, review: services.review_remove(actor=staff, review=review)
    )
    list_display = ["created_at", "room", "user", "rating"]
    list_filter = ["rating", "room__venue"]
    list_select_related = ["room", "room__venue", "user"]
    raw_id_fields = ["booking", "room", "user"]
