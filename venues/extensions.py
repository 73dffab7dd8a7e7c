"""The extension points venues offers the apps above it (venues must not import them).

- `SEARCH`: catalogue filters. bookings adds "free on date D between T1 and T2 for H hours": an
  extension gives the form fields it needs (and the same as API query parameters) and a function
  narrowing the rooms. A room it finds may carry `free_window` (a UTC range), `free_price` and
  `free_day`: the cards and the rooms API show them.
- `CASHBACK`: the cashback % a visitor earns at a venue, shown on room cards and in the rooms
  API. loyalty registers it; with no loyalty installed nothing is shown.
- `VENUE_NAV`: the per-venue side navigation of the partner dashboard (templates/dashboard/
  base.html). venues lists its own pages here; bookings and loyalty add theirs.
- `SCHEDULE_CHANGED`: what must follow, in the same transaction, when the hours, exceptions,
  holidays, prices or slot grid of some rooms change. bookings registers the rewrite of its
  stored open time (the free-time search's data, docs/availability.md).

Apps above register into these from their `AppConfig.ready()` (see core.registry).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from django import forms
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.registry import Registry
from venues.models import EDITORS, EVERYONE, Room, Venue

# --- catalogue search ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchExtension:
    name: str
    fields: Callable[[], dict[str, forms.Field]]
    # The same fields for the rooms API (DRF fields, same names); none: the API lacks it.
    api_fields: Callable[[], dict[str, Any]]
    # (rooms, the cleaned values of this extension's fields) -> rooms; called only when at
    # least one of its fields was filled in.
    apply: Callable[[QuerySet[Room], dict[str, Any]], QuerySet[Room]]
    # Checks across the extension's fields; raises forms.ValidationError with a message.
    clean: Callable[[dict[str, Any]], None] = lambda values: None


SEARCH: Registry[SearchExtension] = Registry("catalogue search", key=lambda ext: ext.name)


# --- the cashback % on room cards -----------------------------------------------------------------

# (the request, or None; the venue) -> the % its visitor earns there before campaigns.
CashbackPercent = Callable[[HttpRequest | None, Venue], Decimal]
CASHBACK: Registry[CashbackPercent] = Registry("catalogue cashback %", key=lambda _f: "cashback")


def cashback_percent(request: HttpRequest | None, venue: Venue) -> Decimal | None:
    """The cashback % `request`'s visitor earns at `venue` (tier + boost, within the cap), or
    None when no points programme is installed."""
    function = next(iter(CASHBACK), None)
    return None if function is None else function(request, venue)


# --- schedule changes ------------------------------------------------------------------------


class ScheduleHook(Protocol):
    """Called inside the transaction that changed the schedule of some rooms: those of
    `venue_id`, or `room_ids`, or every room when both are None; on `days`, or on every day
    when None."""

    def __call__(
        self,
        *,
        room_ids: Iterable[int] | None = None,
        venue_id: int | None = None,
        days: Iterable[datetime.date] | None = None,
    ) -> object: ...


SCHEDULE_CHANGED: Registry[ScheduleHook] = Registry("schedule changed", key=id)


def schedule_changed(
    *,
    room_ids: Iterable[int] | None = None,
    venue_id: int | None = None,
    days: Iterable[datetime.date] | None = None,
) -> None:
    """Tell the apps above that the schedule of some rooms changed (see `ScheduleHook`)."""
    for hook in SCHEDULE_CHANGED:
        hook(room_ids=room_ids, venue_id=venue_id, days=days)


# --- the partner dashboard's venue navigation ---------------------------------------------------


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str  # reversed with venue_id=<the venue>
    order: int = 100
    roles: tuple[str, ...] = tuple(EVERYONE)


VENUE_NAV: Registry[NavItem] = Registry(
    "venue navigation", key=lambda item: item.url_name, order=lambda item: item.order
)


def venue_nav(role: str | None) -> list[NavItem]:
    """The links a member with `role` sees beside every venue page, in order."""
    return [item for item in VENUE_NAV if role in item.roles]


def nav_item(
    label: str | Promise, url_name: str, *, order: int, roles: Iterable[str] = EVERYONE
) -> NavItem:
    return NavItem(label=label, url_name=url_name, order=order, roles=tuple(roles))


# The venue pages of this app; other apps add theirs in their AppConfig.ready().
for _item in (
    nav_item(_("Overview"), "dashboard:venue", order=10),
    nav_item(_("Rooms and prices"), "dashboard:rooms", order=20),
    nav_item(_("Opening hours"), "dashboard:hours", order=30, roles=EDITORS),
    nav_item(_("Exceptions"), "dashboard:exceptions", order=40, roles=EDITORS),
    nav_item(_("Photos"), "dashboard:photos", order=50, roles=EDITORS),
    nav_item(_("Points and cashback"), "dashboard:points", order=55),
    nav_item(_("Venue details"), "dashboard:venue-edit", order=60, roles=EDITORS),
):
    VENUE_NAV.register(_item)
