"""Write operations on bookings, one module per section, every public name re-exported here
(`from bookings import services; services.booking_create(...)`).

- `create`: a client's booking, a manual booking by the venue, a block;
- `client`: cancel, reschedule;
- `venue`: confirm or decline a request, mark paid, mark a no-show;
- `payments`: a payment attempt, the provider's webhook, the test provider's button;
- `lifecycle`: the periodic jobs (holds expire, requests time out, sessions complete, reminders);
- `reviews`, `feeds`: reviews of rooms, the rooms' iCal feeds;
- `open_time`: the rooms' stored open time the free-time search reads (docs/availability.md);
- `state`: how every change is made (locks, the one status change, events after commit).
"""

from __future__ import annotations

from bookings.services.client import booking_cancel, booking_reschedule
from bookings.services.create import block_create, booking_create, manual_booking_create
from bookings.services.feeds import room_feed_create, room_feed_regenerate
from bookings.services.lifecycle import (
    BATCH,
    bookings_complete,
    holds_expire,
    reminders_send,
    requests_decline_unanswered,
)
from bookings.services.open_time import (
    open_time_extend,
    open_time_rebuild,
    open_time_refresh,
)
from bookings.services.payments import payment_simulate, payment_start, payment_webhook_receive
from bookings.services.reviews import review_create, review_remove
from bookings.services.state import ROOM_LOCK_SPACE
from bookings.services.venue import (
    TeamAction,
    booking_cancel_by_venue,
    booking_confirm,
    booking_decline,
    booking_mark_no_show,
    booking_mark_paid,
)

__all__ = [
    "BATCH",
    "ROOM_LOCK_SPACE",
    "TeamAction",
    "block_create",
    "booking_cancel",
    "booking_cancel_by_venue",
    "booking_confirm",
    "booking_create",
    "booking_decline",
    "booking_mark_no_show",
    "booking_mark_paid",
    "booking_reschedule",
    "bookings_complete",
    "holds_expire",
    "manual_booking_create",
    "open_time_extend",
    "open_time_rebuild",
    "open_time_refresh",
    "payment_simulate",
    "payment_start",
    "payment_webhook_receive",
    "reminders_send",
    "requests_decline_unanswered",
    "review_create",
    "review_remove",
    "room_feed_create",
    "room_feed_regenerate",
]
