"""The venue the booking benches book at: it accepts points, its schedule is fresh, and each run
adds rooms of its own, booked hour after hour from tomorrow."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:  # Django's models load only once the bench has set Django up
    from venues.models import Room

NAME = "Bench points venue"
MOSCOW = ZoneInfo("Europe/Moscow")
OPENS, SLOTS_A_DAY = 10, 16  # open 10:00–02:00 (the factories' hours): 16 one-hour slots a day


def rooms(run: str, count: int) -> list[Room]:
    """`count` new rooms of the venue for run `run`, priced 900 ₽ an hour every day; the venue
    is made on the first run and its schedule confirmed now (points need a fresh one)."""
    from django.db import transaction
    from django.utils import timezone

    from tests.factories import OpeningHoursFactory, RoomFactory, VenueFactory, price_every_day
    from venues.models import Room, Venue

    with transaction.atomic():
        venue = Venue.objects.filter(name=NAME).first()
        if venue is None:
            venue = VenueFactory(name=NAME, accepts_points=True)  # up to 10 % of a price
            for weekday in range(7):
                OpeningHoursFactory(venue=venue, weekday=weekday)
        Venue.objects.filter(pk=venue.pk).update(schedule_confirmed_at=timezone.now())
        made = [RoomFactory(venue=venue, name=f"Run {run} room {i}") for i in range(count)]
        for room in made:
            price_every_day(room)
    loaded = Room.objects.select_related("venue").in_bulk([room.pk for room in made])
    return [loaded[room.pk] for room in made]


def first_hour() -> datetime:
    """The first hour a run books: tomorrow's opening (fixed once per run, so a run that crosses
    midnight does not come back to hours it booked)."""
    tomorrow = datetime.now(MOSCOW).date() + timedelta(days=1)
    return datetime(tomorrow.year, tomorrow.month, tomorrow.day, OPENS, tzinfo=MOSCOW)


def hour(first: datetime, n: int) -> tuple[datetime, datetime]:
    """A room's n-th one-hour booking of a run: the opening hours filled day after day."""
    day, slot = divmod(n, SLOTS_A_DAY)
    start = first + timedelta(days=day, hours=slot)
    return start, start + timedelta(hours=1)
