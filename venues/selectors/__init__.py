"""Read operations on venues, starting with the tenancy rule every partner lookup goes through.

Tenancy fails closed (STYLE.md rule 6): an object of an organisation the user is not a member of
does not exist for them (404); a member whose role may not do something gets 403.

One module per concern; import from the package (`from venues import selectors`):

- `tenancy`: the partner-side lookups, scoped to the user's organisations and roles;
- `catalogue`: the public search and the venues and rooms a visitor may see;
- `prices`: day types, the price table, the weekly hours, bands outside the hours;
- `points`: the share of a booking payable by points and its cap.
"""

from __future__ import annotations

from venues.selectors.catalogue import (
    ORDERINGS,
    CatalogueFilters,
    cities,
    room_public,
    room_search,
    rooms_public,
    venue_public,
    venue_search,
    venue_today,
)
from venues.selectors.points import (
    PointsPreview,
    PointsShares,
    PricedSlot,
    points_cap,
    points_preview,
    points_rules_for_venue,
    points_share_at,
    points_shares,
)
from venues.selectors.prices import (
    DAY_TYPE_WEEKDAYS,
    MINUTES_PER_DAY,
    WEEKDAY_DAY_TYPES,
    PriceRow,
    day_type_for,
    price_table,
    prices_outside_hours,
    upcoming_exceptions,
    weekly_hours,
    within_hours,
)
from venues.selectors.tenancy import (
    MemberOrganisation,
    Role,
    member_organisations,
    membership_role,
    organisation_for_member,
    organisations_for_user,
    points_rule_for_member,
    price_for_member,
    room_for_member,
    venue_for_member,
    venues_for_member,
)

__all__ = [
    "DAY_TYPE_WEEKDAYS",
    "MINUTES_PER_DAY",
    "ORDERINGS",
    "WEEKDAY_DAY_TYPES",
    "CatalogueFilters",
    "MemberOrganisation",
    "PointsPreview",
    "PointsShares",
    "PriceRow",
    "PricedSlot",
    "Role",
    "cities",
    "day_type_for",
    "member_organisations",
    "membership_role",
    "organisation_for_member",
    "organisations_for_user",
    "points_cap",
    "points_preview",
    "points_rule_for_member",
    "points_rules_for_venue",
    "points_share_at",
    "points_shares",
    "price_for_member",
    "price_table",
    "prices_outside_hours",
    "room_for_member",
    "room_public",
    "room_search",
    "rooms_public",
    "upcoming_exceptions",
    "venue_for_member",
    "venue_public",
    "venue_search",
    "venue_today",
    "venues_for_member",
    "weekly_hours",
    "within_hours",
]
