"""A venue's loyalty settings: accepting points, the max share payable by points, the boost,
and the period rules of that share."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TypedDict, Unpack

from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import ApplicationError
from core.services import apply_values, audit_record, full_clean, save_or_conflict, snapshot
from venues.models import BOOST_PERCENT_MESSAGE, POINTS_PERCENT_MESSAGE, PointsRule, Room, Venue


class VenueLoyaltyValues(TypedDict, total=False):
    """A venue's points settings; every key is optional."""

    accepts_points: bool
    max_points_percent: int
    cashback_boost_percent: int
    points_min_booking_amount: Decimal | None
    earn_min_booking_amount: Decimal | None


class PointsRuleValues(TypedDict, total=False):
    """A period rule of the points share: when it is in force and the share then."""

    room: Room | None  # None: every room of the venue
    date_from: datetime.date | None
    date_to: datetime.date | None
    weekdays: list[int]  # Monday = 0; empty: every day
    time_from: datetime.time | None
    time_to: datetime.time | None  # at or before `time_from`: past midnight
    percent: int


VENUE_LOYALTY_FIELDS = tuple(VenueLoyaltyValues.__annotations__)
POINTS_RULE_FIELDS = tuple(PointsRuleValues.__annotations__)


def _percent_check(name: str, value: object, *, top: int, message: str | Promise) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= top:
        raise ApplicationError(str(message), fields={name: [str(message)]})


@transaction.atomic
def venue_loyalty_update(
    *, actor: User, venue: Venue, **values: Unpack[VenueLoyaltyValues]
) -> Venue:
    """Change a venue's points settings: accepts points, max share, boost, minimum amounts."""
    venue = Venue.objects.select_for_update().get(pk=venue.pk)
    before = snapshot(venue, VENUE_LOYALTY_FIELDS)
    apply_values(venue, values, VENUE_LOYALTY_FIELDS)
    if venue.accepts_points != before["accepts_points"]:  # the owner's own choice from now on
        venue.points_off_stale_schedule = False
    if venue.max_points_percent is None:
        raise ApplicationError(
            str(POINTS_PERCENT_MESSAGE),
            fields={"max_points_percent": [str(POINTS_PERCENT_MESSAGE)]},
        )
    _percent_check(
        "max_points_percent", venue.max_points_percent, top=100, message=POINTS_PERCENT_MESSAGE
    )
    if venue.cashback_boost_percent is None:
        venue.cashback_boost_percent = 0
    _percent_check(
        "cashback_boost_percent",
        venue.cashback_boost_percent,
        top=10,
        message=BOOST_PERCENT_MESSAGE,
    )
    for name in ("points_min_booking_amount", "earn_min_booking_amount"):
        amount = getattr(venue, name)
        if amount is not None and Decimal(amount) < 0:
            message = _("The amount must not be negative.")
            raise ApplicationError(message, fields={name: [message]})
    full_clean(venue, exclude=["organisation", "schedule_confirmed_at", "city"])
    save_or_conflict(venue, _("The venue could not be saved."))
    audit_record(
        actor=actor,
        action="venue.loyalty_update",
        obj=venue,
        before=before,
        after=snapshot(venue, VENUE_LOYALTY_FIELDS),
    )
    return venue


@transaction.atomic
def room_loyalty_update(*, actor: User, room: Room, max_points_percent: int | None) -> Room:
    """Override the room's max share payable by points (None: the venue's)."""
    _percent_check(
        "max_points_percent", max_points_percent, top=100, message=POINTS_PERCENT_MESSAGE
    )
    before = {"max_points_percent": room.max_points_percent}
    room.max_points_percent = max_points_percent
    room.save(update_fields=["max_points_percent"])
    audit_record(
        actor=actor,
        action="room.loyalty_update",
        obj=room,
        before=before,
        after={"max_points_percent": max_points_percent},
    )
    return room


def _rule_error(name: str, message: str) -> ApplicationError:
    return ApplicationError(message, fields={name: [message]})


def points_rule_check(rule: PointsRule) -> None:
    """Every rule of a period share, with a field error each (DB constraints back them up)."""
    _percent_check("percent", rule.percent, top=100, message=POINTS_PERCENT_MESSAGE)
    if rule.percent is None:
        raise _rule_error("percent", _("This field is required."))
    if rule.room is not None and rule.room.venue_id != rule.venue_id:
        raise _rule_error("room", _("Not found."))
    if rule.date_from and rule.date_to and rule.date_to < rule.date_from:
        raise _rule_error("date_to", _("The end date must not be before the start date."))
    weekdays = rule.weekdays
    if weekdays is None:
        rule.weekdays = weekdays = []
    if not isinstance(weekdays, list | tuple) or any(
        isinstance(d, bool) or not isinstance(d, int) or not 0 <= d <= 6 for d in weekdays
    ):
        raise _rule_error("weekdays", _("A weekday is a number from 0 (Monday) to 6 (Sunday)."))
    rule.weekdays = sorted(set(weekdays))
    if (rule.time_from is None) != (rule.time_to is None):
        raise _rule_error("time_to", _("Give both times of the band, and make them differ."))
    if rule.time_from is not None and rule.time_from == rule.time_to:
        raise _rule_error("time_to", _("Give both times of the band, and make them differ."))
    if not (rule.date_from or rule.date_to or rule.weekdays or rule.time_from is not None):
        raise ApplicationError(_("Set dates, weekdays or hours for the rule."))


@transaction.atomic
def points_rule_create(
    *, actor: User, venue: Venue, **values: Unpack[PointsRuleValues]
) -> PointsRule:
    rule = PointsRule(venue=venue)
    apply_values(rule, values, POINTS_RULE_FIELDS)
    points_rule_check(rule)
    save_or_conflict(rule, _("The rule could not be saved."))
    audit_record(
        actor=actor,
        action="venue.points_rule_create",
        obj=venue,
        after={"rule": rule.pk, **snapshot(rule, POINTS_RULE_FIELDS)},
    )
    return rule


@transaction.atomic
def points_rule_delete(*, actor: User, rule: PointsRule) -> None:
    before = {"rule": rule.pk, **snapshot(rule, POINTS_RULE_FIELDS)}
    venue = rule.venue
    rule.delete()
    audit_record(actor=actor, action="venue.points_rule_delete", obj=venue, before=before)
