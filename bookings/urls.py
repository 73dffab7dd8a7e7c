"""URLs of bookings' pages: the slot picker, checkout, my bookings, test payments, the partner
calendar and the rooms' iCal feeds."""

from django.urls import path

from bookings import partner_views, views

app_name = "bookings"

urlpatterns = [
    path(
        "rooms/<int:room_id>/availability/",
        views.availability_partial,
        name="availability",
    ),
    path("rooms/<int:room_id>/book/", views.book_page, name="book"),
    path("bookings/checkout/", views.checkout, name="checkout"),
    path("me/bookings/", views.my_bookings, name="mine"),
    path("me/bookings/<int:booking_id>/", views.booking_detail, name="detail"),
    path("me/bookings/<int:booking_id>/cancel/", views.booking_cancel, name="cancel"),
    path("me/bookings/<int:booking_id>/reschedule/", views.booking_reschedule, name="reschedule"),
    path("me/bookings/<int:booking_id>/pay/", views.booking_pay, name="pay"),
    path("me/bookings/<int:booking_id>/review/", views.review_create, name="review"),
    path("payments/test/<int:payment_id>/", views.test_checkout, name="test-checkout"),
    path("calendar/rooms/<str:token>.ics", views.room_feed, name="room-feed"),
    path(
        "dashboard/venues/<int:venue_id>/calendar/",
        partner_views.calendar,
        name="dashboard-calendar",
    ),
    path(
        "dashboard/venues/<int:venue_id>/bookings/<int:booking_id>/<slug:action>/",
        partner_views.booking_action,
        name="dashboard-booking-action",
    ),
    path(
        "dashboard/venues/<int:venue_id>/bookings/new/",
        partner_views.manual_create,
        {"kind": "manual"},
        name="dashboard-manual-booking",
    ),
    path(
        "dashboard/venues/<int:venue_id>/blocks/new/",
        partner_views.manual_create,
        {"kind": "block"},
        name="dashboard-block",
    ),
    path(
        "dashboard/venues/<int:venue_id>/rooms/<int:room_id>/feed/",
        partner_views.feed_regenerate,
        name="dashboard-feed-regenerate",
    ),
]
