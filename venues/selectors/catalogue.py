"""The public catalogue: the search, and the venues and rooms a visitor may see."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import CharField, F, Func, Min, Prefetch, Q, QuerySet, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import NotFound
from venues.extensions import SEARCH
from venues.models import SCHEDULE_FRESH_DAYS, City, Photo, Price, Room, Venue

ORDERINGS = {
    "price": ("price_from", "venue__name", "name", "pk"),
    "-price": ("-price_from", "venue__name", "name", "pk"),
    # Cards are headed by the room's name, so "by name" is by the room's name.
    "name": ("name", "venue__name", "pk"),
    "-name": ("-name", "-venue__name", "-pk"),
}


@dataclass(frozen=True)
class CatalogueFilters:
    """What a visitor searches by; every field is optional."""

    city: str | None = None  # a City slug
    kind: str | None = None
    capacity: int | None = None  # at least this many people
    equipment: str | None = None  # a word any equipment item contains, case-insensitively
    max_price: Decimal | None = None  # the "from" price per hour is at most this
    accepts_points: bool = False  # only venues where points can be spent now
    ordering: str = "price"
    # Values of the search extensions' fields, by extension name (venues/extensions.py).
    extensions: dict = field(default_factory=dict)


class _ArrayToString(Func):
    function = "array_to_string"
    output_field = CharField()


def _public_photos() -> Prefetch:
    return Prefetch(
        "photos", queryset=Photo.objects.order_by("position", "id"), to_attr="photo_list"
    )


def rooms_public() -> QuerySet[Room]:
    """Rooms a visitor may see: active, priced, of a public venue."""
    return Room.objects.of_public_venues().filter(is_active=True, price_from__isnull=False)


def room_search(filters: CatalogueFilters) -> QuerySet[Room]:
    """The catalogue: matching rooms with venue, city and photos, in a fixed number of queries."""
    rooms = rooms_public().select_related("venue", "venue__city")
    if filters.city:
        rooms = rooms.filter(venue__city__slug=filters.city)
    if filters.kind:
        rooms = rooms.filter(kind=filters.kind)
    if filters.capacity:
        rooms = rooms.filter(capacity__gte=filters.capacity)
    if filters.equipment:
        rooms = rooms.alias(equipment_text=_ArrayToString(F("equipment"), Value(" | "))).filter(
            equipment_text__icontains=filters.equipment.strip()
        )
    if filters.max_price is not None:
        rooms = rooms.filter(price_from__lte=filters.max_price)
    for extension in SEARCH:
        values = filters.extensions.get(extension.name)
        if values:
            rooms = extension.apply(rooms, values)
    if filters.accepts_points:
        rooms = rooms.filter(
            venue__accepts_points=True,
            venue__schedule_confirmed_at__gte=timezone.now() - timedelta(days=SCHEDULE_FRESH_DAYS),
        )
    ordering = ORDERINGS.get(filters.ordering, ORDERINGS["price"])
    return rooms.order_by(*ordering).prefetch_related(
        _public_photos(),
        Prefetch(
            "venue__photos",
            queryset=Photo.objects.filter(room__isnull=True).order_by("position", "id"),
            to_attr="photo_list",
        ),
    )


def venue_search(filters: CatalogueFilters) -> QuerySet[Venue]:
    """Public venues with at least one room matching the filters, with their lowest price."""
    matching = room_search(CatalogueFilters(**{**filters.__dict__, "ordering": "name"}))
    venues = (
        Venue.objects.public()
        .filter(pk__in=matching.values("venue_id"))
        .select_related("city")
        .annotate(
            price_from=Min(
                "rooms__price_from",
                filter=Q(rooms__is_active=True, rooms__price_from__isnull=False),
            )
        )
    )
    by_name = filters.ordering in ("name", "-name")
    if by_name:
        venues = venues.order_by(
            *(("-name", "-pk") if filters.ordering == "-name" else ("name", "pk"))
        )
    else:
        direction = "-" if filters.ordering == "-price" else ""
        venues = venues.order_by(f"{direction}price_from", "name", "pk")
    return venues.prefetch_related(
        Prefetch(
            "photos",
            queryset=Photo.objects.filter(room__isnull=True).order_by("position", "id"),
            to_attr="photo_list",
        )
    )


def venue_public(*, venue_id: int) -> Venue:
    """A published venue with its public rooms, hours and photos."""
    venue = (
        Venue.objects.public()
        .filter(pk=venue_id)
        .select_related("city", "organisation")
        .prefetch_related(
            Prefetch(
                "rooms",
                queryset=rooms_public().order_by("name").prefetch_related(_public_photos()),
                to_attr="public_rooms",
            ),
            "opening_hours",
            Prefetch(
                "photos",
                queryset=Photo.objects.filter(room__isnull=True).order_by("position", "id"),
                to_attr="photo_list",
            ),
        )
        .first()
    )
    if venue is None:
        raise NotFound(_("Not found."))
    return venue


def room_public(*, room_id: int) -> Room:
    """A public room with its venue, photos, prices and the venue's hours."""
    room = (
        rooms_public()
        .filter(pk=room_id)
        .select_related("venue", "venue__city")
        .prefetch_related(
            _public_photos(),
            Prefetch("prices", queryset=Price.objects.order_by("day_type", "starts", "valid_from")),
            "venue__opening_hours",
        )
        .first()
    )
    if room is None:
        raise NotFound(_("Not found."))
    return room


def venue_today(venue: Venue, *, now: datetime | None = None) -> date:
    """Today's date where the venue is."""
    return timezone.localdate(now or timezone.now(), timezone=zoneinfo.ZoneInfo(venue.timezone))


def cities() -> QuerySet[City]:
    return City.objects.order_by("name")
