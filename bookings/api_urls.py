"""API routes of bookings, included from config/api_urls.py under /api/v1/."""

from django.urls import path

from bookings import api

urlpatterns = [
    path(
        "rooms/<int:room_id>/availability/",
        api.AvailabilityView.as_view(),
        name="api-room-availability",
    ),
    path("rooms/<int:room_id>/reviews/", api.RoomReviewsView.as_view(), name="api-room-reviews"),
    path("bookings/quote/", api.QuoteView.as_view(), name="api-booking-quote"),
    path("bookings/", api.BookingCreateView.as_view(), name="api-booking-create"),
    path("bookings/<int:booking_id>/", api.BookingDetailView.as_view(), name="api-booking"),
    path(
        "bookings/<int:booking_id>/cancel/",
        api.BookingCancelView.as_view(),
        name="api-booking-cancel",
    ),
    path(
        "bookings/<int:booking_id>/reschedule/",
        api.BookingRescheduleView.as_view(),
        name="api-booking-reschedule",
    ),
    path(
        "bookings/<int:booking_id>/reschedule/quote/",
        api.BookingRescheduleQuoteView.as_view(),
        name="api-booking-reschedule-quote",
    ),
    path("bookings/<int:booking_id>/pay/", api.BookingPayView.as_view(), name="api-booking-pay"),
    path(
        "bookings/<int:booking_id>/review/",
        api.ReviewCreateView.as_view(),
        name="api-booking-review",
    ),
    path("me/bookings/", api.MyBookingsView.as_view(), name="api-my-bookings"),
    path("payments/webhook/", api.PaymentWebhookView.as_view(), name="api-payment-webhook"),
    path("partner/bookings/", api.PartnerBookingsView.as_view(), name="api-partner-bookings"),
    path("partner/blocks/", api.PartnerBlockCreateView.as_view(), name="api-partner-blocks"),
    path(
        "partner/bookings/<int:booking_id>/confirm/",
        api.PartnerConfirmView.as_view(),
        name="api-partner-confirm",
    ),
    path(
        "partner/bookings/<int:booking_id>/decline/",
        api.PartnerDeclineView.as_view(),
        name="api-partner-decline",
    ),
    path(
        "partner/bookings/<int:booking_id>/mark-paid/",
        api.PartnerMarkPaidView.as_view(),
        name="api-partner-mark-paid",
    ),
    path(
        "partner/bookings/<int:booking_id>/no-show/",
        api.PartnerNoShowView.as_view(),
        name="api-partner-no-show",
    ),
    path(
        "partner/bookings/<int:booking_id>/cancel/",
        api.PartnerCancelView.as_view(),
        name="api-partner-cancel",
    ),
]
