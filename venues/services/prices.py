"""Prices of rooms: bands by day type within the opening hours, and each room's lowest price."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TypedDict, Unpack

from django.db import models, transaction
from django.db.models import Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import ApplicationError
from core.services import apply_values, audit_record, full_clean, save_or_conflict, snapshot
from venues.extensions import schedule_changed
from venues.models import Price, Room
from venues.selectors import DAY_TYPE_WEEKDAYS, within_hours

DayType = Price.DayType
MINUTES_PER_DAY = 24 * 60


class PriceValues(TypedDict, total=False):
    """What a venue's team (and staff) may set on a price band; every key is optional."""

    day_type: str
    starts: datetime.time
    ends: datetime.time  # at or before `starts`: past midnight
    price_per_hour: Decimal
    valid_from: datetime.date | None
    valid_until: datetime.date | None


PRICE_FIELDS = tuple(PriceValues.__annotations__)


def _minutes(value: datetime.time) -> int:
    return value.hour * 60 + value.minute


def _pieces(starts: datetime.time, ends: datetime.time) -> list[tuple[int, int]]:
    """A band as pieces of one 24-hour clock face (a band past midnight is two pieces)."""
    start, end = _minutes(starts), _minutes(ends)
    if end > start:
        return [(start, end)]
    return [(start, MINUTES_PER_DAY), (0, end)] if end else [(start, MINUTES_PER_DAY)]


def _dates_overlap(
    a_from: datetime.date | None,
    a_until: datetime.date | None,
    b_from: datetime.date | None,
    b_until: datetime.date | None,
) -> bool:
    return (a_from or datetime.date.min) <= (b_until or datetime.date.max) and (
        b_from or datetime.date.min
    ) <= (a_until or datetime.date.max)


def price_band_check(
    *,
    room: Room,
    day_type: str,
    starts: datetime.time,
    ends: datetime.time,
    valid_from: datetime.date | None = None,
    valid_until: datetime.date | None = None,
    exclude_id: int | None = None,
) -> None:
    """The rules of a price band, shared by the dashboard form and the API.

    A band must be non-empty, lie within the venue's opening hours on at least one weekday of its
    day type, and not overlap another band of the same room and day type whose validity dates
    overlap its own. Raises ApplicationError with a message naming the problem.
    """
    if day_type not in DayType.values:
        raise ApplicationError(
            _("Choose a day type."), fields={"day_type": [_("Choose a day type.")]}
        )
    if starts == ends:
        message = _("The end of the band must differ from its start.")
        raise ApplicationError(message, fields={"ends": [message]})
    if valid_from and valid_until and valid_until < valid_from:
        message = _("The end of validity must not be before its start.")
        raise ApplicationError(message, fields={"valid_until": [message]})

    hours = {h.weekday: h for h in room.venue.opening_hours.all()}
    weekdays = DAY_TYPE_WEEKDAYS[day_type]
    open_days = [hours[d] for d in weekdays if d in hours]
    band = f"{starts:%H:%M}–{ends:%H:%M}"
    if not open_days:
        message = _("The venue has no opening hours on these days; set the hours first.")
        raise ApplicationError(message, fields={"day_type": [message]})
    if not any(within_hours(starts, ends, h.opens, h.closes) for h in open_days):
        spans = ", ".join(sorted({f"{h.opens:%H:%M}–{h.closes:%H:%M}" for h in open_days}))
        message = _("The band %(band)s is outside the opening hours (%(hours)s).") % {
            "band": band,
            "hours": spans,
        }
        raise ApplicationError(message, fields={"starts": [message]})

    others = Price.objects.filter(room=room, day_type=day_type)
    if exclude_id:
        others = others.exclude(pk=exclude_id)
    mine = _pieces(starts, ends)
    for other in others:
        if not _dates_overlap(valid_from, valid_until, other.valid_from, other.valid_until):
            continue
        theirs = _pieces(other.starts, other.ends)
        if any(a < d and c < b for a, b in mine for c, d in theirs):
            message = _("The band %(band)s overlaps the band %(other)s of the same day type.") % {
                "band": band,
                "other": f"{other.starts:%H:%M}–{other.ends:%H:%M}",
            }
            raise ApplicationError(message, fields={"starts": [message]})


def room_price_from_refresh(*, room_id: int, today: datetime.date | None = None) -> None:
    """Recompute the cached lowest price of a room from the prices valid today or later."""
    today = today or timezone.localdate()
    lowest = Price.objects.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=today), room_id=room_id
    ).aggregate(m=Min("price_per_hour"))["m"]
    Room.objects.filter(pk=room_id).update(price_from=lowest)


def price_from_refresh_all(*, today: datetime.date) -> int:
    """Recompute every room's cached lowest price in one statement (the nightly job)."""
    lowest = (
        Price.objects.filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=today), room=models.OuterRef("pk")
        )
        .order_by()
        .values("room")
        .annotate(m=Min("price_per_hour"))
        .values("m")
    )
    return Room.objects.update(price_from=models.Subquery(lowest))


def _check_price(price: Price) -> None:
    full_clean(price, exclude=["room"])
    price_band_check(
        room=price.room,
        day_type=price.day_type,
        starts=price.starts,
        ends=price.ends,
        valid_from=price.valid_from,
        valid_until=price.valid_until,
        exclude_id=price.pk,
    )


@transaction.atomic
def price_create(*, actor: User, room: Room, **values: Unpack[PriceValues]) -> Price:
    # The room's row lock serialises price edits of one room, so two concurrent requests
    # cannot each pass the overlap check and together save overlapping bands.
    room = Room.objects.select_for_update().select_related("venue").get(pk=room.pk)
    price = Price(room=room)
    apply_values(price, values, PRICE_FIELDS)
    _check_price(price)
    save_or_conflict(price, _("The price could not be saved."))
    room_price_from_refresh(room_id=room.pk)
    schedule_changed(room_ids=[room.pk])
    audit_record(actor=actor, action="price.create", obj=price, after=snapshot(price, PRICE_FIELDS))
    return price


@transaction.atomic
def price_update(*, actor: User, price: Price, **values: Unpack[PriceValues]) -> Price:
    room = Room.objects.select_for_update().select_related("venue").get(pk=price.room_id)
    price = Price.objects.get(pk=price.pk)
    price.room = room
    before = snapshot(price, PRICE_FIELDS)
    apply_values(price, values, PRICE_FIELDS)
    _check_price(price)
    save_or_conflict(price, _("The price could not be saved."))
    room_price_from_refresh(room_id=room.pk)
    schedule_changed(room_ids=[room.pk])
    audit_record(
        actor=actor,
        action="price.update",
        obj=price,
        before=before,
        after=snapshot(price, PRICE_FIELDS),
    )
    return price


@transaction.atomic
def price_delete(*, actor: User, price: Price) -> None:
    Room.objects.select_for_update().filter(pk=price.room_id).first()
    audit_record(
        actor=actor, action="price.delete", obj=price, before=snapshot(price, PRICE_FIELDS)
    )
    room_id = price.room_id
    price.delete()
    room_price_from_refresh(room_id=room_id)
    schedule_changed(room_ids=[room_id])
