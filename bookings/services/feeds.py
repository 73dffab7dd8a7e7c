"""The rooms' secret iCal feeds for the venue team: made when a room is made (a receiver of
venues' `room_created` queues `room_feed_create`), regenerated on the team's request."""

from __future__ import annotations

from django.db import transaction

from accounts.models import User
from bookings.models import RoomCalendarFeed, _new_token
from core.services import audit_record
from venues.models import Room


def room_feed_create(*, room_id: int) -> RoomCalendarFeed | None:
    """The room's feed, made once: running it again returns the same feed, token unchanged.
    None if the room is gone."""
    room = Room.objects.filter(pk=room_id).first()
    if room is None:
        return None
    # Not durable: the demo data makes rooms (and their feeds) inside its own transaction.
    with transaction.atomic():
        # get_or_create survives a concurrent run: the one-to-one's unique index decides.
        feed, _created = RoomCalendarFeed.objects.get_or_create(room=room)
    return feed


def room_feed_regenerate(*, room: Room, actor: User) -> RoomCalendarFeed:
    """A new secret feed URL; the old one stops working (a room without a feed gets one)."""
    with transaction.atomic(durable=True):
        feed, _created = RoomCalendarFeed.objects.select_for_update().get_or_create(room=room)
        feed.token = _new_token()
        feed.save(update_fields=["token"])
        audit_record(actor=actor, action="room.calendar_feed_regenerate", obj=room)
    return feed
