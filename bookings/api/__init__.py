"""REST API of bookings (routes in bookings/api_urls.py), one module per audience:

- `client`: free slots, quotes and reviews for anyone; one's own bookings for a signed-in client;
- `partner`: a venue team's bookings, manual bookings, blocks and actions;
- `payments`: the payment provider's signed webhook;
- `common`: what they share (a booking as the API shows it, the interval input).
"""

from __future__ import annotations

from bookings.api.client import (
    AvailabilityView,
    BookingCancelView,
    BookingCreateView,
    BookingDetailView,
    BookingPayView,
    BookingRescheduleQuoteView,
    BookingRescheduleView,
    MyBookingsView,
    QuoteView,
    ReviewCreateView,
    RoomReviewsView,
    quote_data,
)
from bookings.api.common import BookingOutput, booking_data
from bookings.api.partner import (
    PartnerBlockCreateView,
    PartnerBookingsView,
    PartnerCancelView,
    PartnerConfirmView,
    PartnerDeclineView,
    PartnerMarkPaidView,
    PartnerNoShowView,
)
from bookings.api.payments import PaymentWebhookView

__all__ = [
    "AvailabilityView",
    "BookingCancelView",
    "BookingCreateView",
    "BookingDetailView",
    "BookingOutput",
    "BookingPayView",
    "BookingRescheduleQuoteView",
    "BookingRescheduleView",
    "MyBookingsView",
    "PartnerBlockCreateView",
    "PartnerBookingsView",
    "PartnerCancelView",
    "PartnerConfirmView",
    "PartnerDeclineView",
    "PartnerMarkPaidView",
    "PartnerNoShowView",
    "PaymentWebhookView",
    "QuoteView",
    "ReviewCreateView",
    "RoomReviewsView",
    "booking_data",
    "quote_data",
]
