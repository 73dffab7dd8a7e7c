"""The rooms' secret iCal feeds for the venue team."""

from __future__ import annotations

from django.db import transaction

from accounts.models import User
from bookings.models import RoomCalendarFeed, _new_token
from core.services import audit_record
from venues.models import Room


def room_feed(*, room: Room) -> RoomCalendarFeed:
    feed, _created = RoomCalendarFeed.objects.get_or_create(room=room)
    return feed


def room_feed_regenerate(*, room: Room, actor: User) -> RoomCalendarFeed:
    """A new secret feed URL; the old one stops working."""
    with transaction.atomic(durable=True):
        feed, _created = RoomCalendarFeed.objects.select_for_update().get_or_create(room=room)
        feed.token = _new_token()
        feed.save(update_fields=["token"])
        audit_record(actor=actor, action="room.calendar_feed_regenerate", obj=room)
    return feed
