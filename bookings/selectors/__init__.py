"""Read operations on bookings, one module per section, every public name re-exported here
(`from bookings import selectors; selectors.booking_quote(...)`).

- `availability`: bookable rooms, their slots of a day or many days;
- `free_time`: rooms free for N hours between two times (the catalogue's search, in SQL);
- `quotes`: the slots of an interval, the price, points and policy of a booking about to be made;
- `checkout`: the checkout page's quote with what it says about points and cancelling;
- `cancellation`: what cancelling a booking costs and gives back;
- `actions`: what can still be done with a booking (the rules its services enforce);
- `lookups`: a client's and a venue team's bookings, a venue's calendar rows and requests;
- `calendar`: the partner dashboard's venue calendar;
- `reviews`: review summaries of a room or venue.
"""

from __future__ import annotations

from bookings.selectors.actions import (
    BookingActions,
    booking_actions,
    can_cancel,
    can_move,
    can_pay,
    paid_online,
)
from bookings.selectors.availability import (
    MAX_AVAILABILITY_DAYS,
    Availability,
    AvailabilityRange,
    AvailableDay,
    AvailableSlot,
    room_availability,
    room_availability_between,
    room_availability_range,
    room_bookable,
    room_day_slots,
    rooms_bookable,
)
from bookings.selectors.calendar import CalendarColumn, CalendarDay, VenueCalendar, venue_calendar
from bookings.selectors.cancellation import (
    cancellation_fee,
    late_cancellation_fee,
    points_back,
    points_kept,
)
from bookings.selectors.checkout import CheckoutQuote, MoveQuote, checkout_quote, move_quote
from bookings.selectors.free_time import rooms_free_between
from bookings.selectors.lookups import (
    booking_for_member,
    booking_for_user,
    bookings_for_member,
    bookings_for_user,
    bookings_upcoming_and_past,
    payment_for_user,
    room_feed_bookings,
    room_feed_tokens,
    venue_bookings,
    venue_requests,
)
from bookings.selectors.quotes import (
    MAX_BOOKING,
    Quote,
    booking_quote,
    interval_slots,
    points_check,
)
from bookings.selectors.reviews import ReviewsSummary, reviews_summary

__all__ = [
    "MAX_AVAILABILITY_DAYS",
    "MAX_BOOKING",
    "Availability",
    "AvailabilityRange",
    "AvailableDay",
    "AvailableSlot",
    "BookingActions",
    "CalendarColumn",
    "CalendarDay",
    "CheckoutQuote",
    "MoveQuote",
    "Quote",
    "ReviewsSummary",
    "VenueCalendar",
    "booking_actions",
    "booking_for_member",
    "booking_for_user",
    "booking_quote",
    "bookings_for_member",
    "bookings_for_user",
    "bookings_upcoming_and_past",
    "can_cancel",
    "can_move",
    "can_pay",
    "cancellation_fee",
    "checkout_quote",
    "interval_slots",
    "late_cancellation_fee",
    "move_quote",
    "paid_online",
    "payment_for_user",
    "points_back",
    "points_check",
    "points_kept",
    "reviews_summary",
    "room_availability",
    "room_availability_between",
    "room_availability_range",
    "room_bookable",
    "room_day_slots",
    "room_feed_bookings",
    "room_feed_tokens",
    "rooms_bookable",
    "rooms_free_between",
    "venue_bookings",
    "venue_calendar",
    "venue_requests",
]
