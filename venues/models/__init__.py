"""Organisations (tenants) and their venues, rooms, opening hours, exceptions and prices.

One module per concept; the app label is `venues` and every model is imported from here
(`from venues.models import Venue`), as the migrations do:

- `organisations`: Organisation, Membership (the roles; OWNERS, EDITORS, EVERYONE), Invitation;
- `venues`: City, Venue, Room, Photo, and the rules on them (capacity, shares, freshness);
- `schedule`: OpeningHours, ScheduleException, Holiday;
- `prices`: Price;
- `points`: PointsRule.
"""

from __future__ import annotations

from venues.models.organisations import (
    EDITORS,
    EVERYONE,
    OWNERS,
    Invitation,
    Membership,
    Organisation,
)
from venues.models.points import PointsRule
from venues.models.prices import PRICE_POSITIVE_MESSAGE, Price
from venues.models.schedule import Holiday, OpeningHours, ScheduleException
from venues.models.venues import (
    BOOST_PERCENT_MESSAGE,
    CAPACITY_MAX,
    CAPACITY_MESSAGE,
    CAPACITY_MIN,
    CAPACITY_VALIDATORS,
    POINTS_PERCENT_MESSAGE,
    PUBLIC_VENUE,
    ROOM_NAME_TAKEN_MESSAGE,
    SCHEDULE_FRESH_DAYS,
    SCHEDULE_REMIND_DAYS,
    City,
    Photo,
    Room,
    Venue,
    validate_timezone,
)

__all__ = [
    "BOOST_PERCENT_MESSAGE",
    "CAPACITY_MAX",
    "CAPACITY_MESSAGE",
    "CAPACITY_MIN",
    "CAPACITY_VALIDATORS",
    "EDITORS",
    "EVERYONE",
    "OWNERS",
    "POINTS_PERCENT_MESSAGE",
    "PRICE_POSITIVE_MESSAGE",
    "PUBLIC_VENUE",
    "ROOM_NAME_TAKEN_MESSAGE",
    "SCHEDULE_FRESH_DAYS",
    "SCHEDULE_REMIND_DAYS",
    "City",
    "Holiday",
    "Invitation",
    "Membership",
    "OpeningHours",
    "Organisation",
    "Photo",
    "PointsRule",
    "Price",
    "Room",
    "ScheduleException",
    "Venue",
    "validate_timezone",
]
