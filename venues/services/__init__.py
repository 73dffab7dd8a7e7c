"""Write operations on organisations, venues, rooms, photos, hours, exceptions and prices.

Every function here authorises nothing by itself: the caller (a dashboard view, a partner API
view or the staff admin) has already resolved the objects through `venues.selectors` with the
right roles. Each one validates, writes inside its own transaction, and leaves an audit record.

One module per concern; import from the package (`from venues import services`):

- `organisations`: organisations, members and invitations;
- `venues`: venues and rooms;
- `photos`: photos of venues and rooms;
- `schedule`: opening hours, exceptions and schedule freshness;
- `prices`: price bands and each room's lowest price;
- `loyalty`: a venue's points settings and the period rules of its points share.
"""

from __future__ import annotations

from venues.services.loyalty import (
    POINTS_RULE_FIELDS,
    VENUE_LOYALTY_FIELDS,
    PointsRuleValues,
    VenueLoyaltyValues,
    points_rule_check,
    points_rule_create,
    points_rule_delete,
    room_loyalty_update,
    venue_loyalty_update,
)
from venues.services.organisations import (
    Role,
    invitation_accept,
    invitation_create,
    invitation_revoke,
    membership_create,
    membership_remove,
    membership_update,
    organisation_create,
    organisation_update,
)
from venues.services.photos import photo_add, photo_delete
from venues.services.prices import (
    MINUTES_PER_DAY,
    PRICE_FIELDS,
    DayType,
    PriceValues,
    price_band_check,
    price_create,
    price_delete,
    price_from_refresh_all,
    price_update,
    room_price_from_refresh,
)
from venues.services.schedule import (
    EXCEPTION_FIELDS,
    EXCEPTION_MAX_YEARS_AHEAD,
    HOLIDAY_FIELDS,
    DayHours,
    ScheduleExceptionValues,
    holiday_create,
    holiday_delete,
    holiday_update,
    opening_hours_set,
    schedule_confirm,
    schedule_exception_create,
    schedule_exception_date_check,
    schedule_exception_delete,
    schedule_exception_update,
    schedule_freshness_check,
)
from venues.services.venues import (
    CITY_FIELDS,
    ROOM_FIELDS,
    VENUE_FIELDS,
    CityValues,
    RoomValues,
    VenueValues,
    city_create,
    city_delete,
    city_update,
    room_create,
    room_update,
    venue_approve,
    venue_create,
    venue_reject,
    venue_update,
)

__all__ = [
    "CITY_FIELDS",
    "EXCEPTION_FIELDS",
    "EXCEPTION_MAX_YEARS_AHEAD",
    "HOLIDAY_FIELDS",
    "MINUTES_PER_DAY",
    "POINTS_RULE_FIELDS",
    "PRICE_FIELDS",
    "ROOM_FIELDS",
    "VENUE_FIELDS",
    "VENUE_LOYALTY_FIELDS",
    "CityValues",
    "DayHours",
    "DayType",
    "PointsRuleValues",
    "PriceValues",
    "Role",
    "RoomValues",
    "ScheduleExceptionValues",
    "VenueLoyaltyValues",
    "VenueValues",
    "city_create",
    "city_delete",
    "city_update",
    "holiday_create",
    "holiday_delete",
    "holiday_update",
    "invitation_accept",
    "invitation_create",
    "invitation_revoke",
    "membership_create",
    "membership_remove",
    "membership_update",
    "opening_hours_set",
    "organisation_create",
    "organisation_update",
    "photo_add",
    "photo_delete",
    "points_rule_check",
    "points_rule_create",
    "points_rule_delete",
    "price_band_check",
    "price_create",
    "price_delete",
    "price_from_refresh_all",
    "price_update",
    "room_create",
    "room_loyalty_update",
    "room_price_from_refresh",
    "room_update",
    "schedule_confirm",
    "schedule_exception_create",
    "schedule_exception_date_check",
    "schedule_exception_delete",
    "schedule_exception_update",
    "schedule_freshness_check",
    "venue_approve",
    "venue_create",
    "venue_loyalty_update",
    "venue_reject",
    "venue_update",
]
