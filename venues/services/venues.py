"""Venues and their rooms: what a partner offers in the catalogue."""

from __future__ import annotations

from decimal import Decimal
from typing import TypedDict, Unpack

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.after_commit import announce
from core.errors import ApplicationError, Conflict, PermissionDenied
from core.services import apply_values, audit_record, full_clean, save_or_conflict, snapshot
from venues import signals
from venues.extensions import schedule_changed
from venues.models import ROOM_NAME_TAKEN_MESSAGE, City, Organisation, Room, Venue


class VenueValues(TypedDict, total=False):
    """What a venue's team (and staff) may set on a venue; every key is optional."""

    name: str
    description: str
    city: City
    address: str
    metro: str
    latitude: Decimal | None
    longitude: Decimal | None
    timezone: str  # empty: the city's
    pay_at_venue: bool
    pay_online: bool
    booking_mode: str
    cancellation_free_hours: int
    cancellation_fee_percent: int
    is_published: bool


MODERATION_FIELDS = ("moderation", "moderation_reason")


class RoomValues(TypedDict, total=False):
    """What a venue's team (and staff) may set on a room; every key is optional."""

    name: str
    kind: str
    description: str
    capacity: int
    area_m2: int | None
    equipment: list[str]
    slot_minutes: int
    min_booking_minutes: int
    buffer_minutes: int
    is_active: bool


class CityValues(TypedDict, total=False):
    """A city of the catalogue (staff keep the list); every key is optional."""

    name: str
    slug: str
    timezone: str  # the time zone its new venues get


# The same fields as names, in order, for the forms and the audit snapshots.
VENUE_FIELDS = tuple(VenueValues.__annotations__)
ROOM_FIELDS = tuple(RoomValues.__annotations__)
CITY_FIELDS = tuple(CityValues.__annotations__)


@transaction.atomic
def city_create(*, actor: User, **values: Unpack[CityValues]) -> City:
    city = City()
    apply_values(city, values, CITY_FIELDS)
    full_clean(city)
    save_or_conflict(city, _("The city could not be saved."))
    audit_record(actor=actor, action="city.create", obj=city, after=snapshot(city, CITY_FIELDS))
    return city


@transaction.atomic
def city_update(*, actor: User, city: City, **values: Unpack[CityValues]) -> City:
    """Change a city; its venues keep their own time zones."""
    before = snapshot(city, CITY_FIELDS)
    apply_values(city, values, CITY_FIELDS)
    full_clean(city)
    save_or_conflict(city, _("The city could not be saved."))
    audit_record(
        actor=actor,
        action="city.update",
        obj=city,
        before=before,
        after=snapshot(city, CITY_FIELDS),
    )
    return city


@transaction.atomic
def city_delete(*, actor: User, city: City) -> None:
    """Remove a city no venue is in."""
    if Venue.objects.filter(city=city).exists():
        raise Conflict(_("There are venues in this city; it cannot be deleted."))
    audit_record(actor=actor, action="city.delete", obj=city, before=snapshot(city, CITY_FIELDS))
    city.delete()


@transaction.atomic
def venue_create(
    *, actor: User, organisation: Organisation, **values: Unpack[VenueValues]
) -> Venue:
    venue = Venue(organisation=organisation)
    apply_values(venue, values, VENUE_FIELDS)
    _check_venue(venue)
    # docs/venues.md "Moderation": an organisation staff approved once is trusted with its next
    # venues; a new organisation's first venues wait for review.
    approved = Venue.objects.filter(organisation=organisation, moderation=Venue.Moderation.APPROVED)
    if approved.exists():
        venue.moderation = Venue.Moderation.APPROVED
    save_or_conflict(venue, _("The venue could not be saved."))
    audit_record(actor=actor, action="venue.create", obj=venue, after=snapshot(venue, VENUE_FIELDS))
    return venue


@transaction.atomic
def venue_update(*, actor: User, venue: Venue, **values: Unpack[VenueValues]) -> Venue:
    before = snapshot(venue, VENUE_FIELDS)
    apply_values(venue, values, VENUE_FIELDS)
    _check_venue(venue)
    save_or_conflict(venue, _("The venue could not be saved."))
    if venue.timezone != before["timezone"]:
        schedule_changed(venue_id=venue.pk)  # the same hours are other instants now
    audit_record(
        actor=actor,
        action="venue.update",
        obj=venue,
        before=before,
        after=snapshot(venue, VENUE_FIELDS),
    )
    return venue


@transaction.atomic
def venue_approve(*, actor: User, venue: Venue) -> Venue:
    """Staff let a venue into the catalogue; its owners hear about it."""
    return _moderate(actor=actor, venue=venue, state=Venue.Moderation.APPROVED, reason="")


@transaction.atomic
def venue_reject(*, actor: User, venue: Venue, reason: str) -> Venue:
    """Staff keep a venue out of the catalogue, saying why; its owners read the reason."""
    reason = reason.strip()
    if not reason:
        message = _("Say why the venue is rejected: its owner reads it.")
        raise ApplicationError(message, fields={"reason": [message]})
    return _moderate(actor=actor, venue=venue, state=Venue.Moderation.REJECTED, reason=reason)


def _moderate(*, actor: User, venue: Venue, state: str, reason: str) -> Venue:
    if not actor.is_staff:
        raise PermissionDenied(_("Only platform staff review venues."))
    # Locked so two reviewers deciding at once leave one decision and one e-mail.
    venue = Venue.objects.select_for_update().get(pk=venue.pk)
    if venue.moderation == state and venue.moderation_reason == reason:
        return venue
    before = snapshot(venue, MODERATION_FIELDS)
    venue.moderation, venue.moderation_reason = state, reason[:500]
    venue.moderated_by, venue.moderated_at = actor, timezone.now()
    venue.save(update_fields=[*MODERATION_FIELDS, "moderated_by", "moderated_at"])
    audit_record(
        actor=actor,
        action=f"venue.{'approve' if state == Venue.Moderation.APPROVED else 'reject'}",
        obj=venue,
        before=before,
        after=snapshot(venue, MODERATION_FIELDS),
    )
    announce(signals.venue_moderated, sender=Venue, venue_id=venue.pk)
    return venue


def _check_venue(venue: Venue) -> None:
    if not venue.timezone and venue.city_id:
        venue.timezone = venue.city.timezone  # a venue keeps its city's time zone unless told
    full_clean(venue, exclude=["organisation", "schedule_confirmed_at"])
    if not (venue.pay_at_venue or venue.pay_online):
        message = _("Choose at least one way to pay.")
        raise ApplicationError(message, fields={"pay_at_venue": [message]})


def _check_room(room: Room) -> None:
    full_clean(room, exclude=["venue", "price_from"])
    taken = Room.objects.filter(venue_id=room.venue_id, name__iexact=room.name.strip())
    if room.pk:
        taken = taken.exclude(pk=room.pk)
    if taken.exists():
        message = str(ROOM_NAME_TAKEN_MESSAGE)
        raise Conflict(message, fields={"name": [message]})


def _save_room(room: Room) -> None:
    try:
        with transaction.atomic():
            room.save()
    except IntegrityError as error:  # a concurrent request took the name after our check
        message = str(ROOM_NAME_TAKEN_MESSAGE)
        raise Conflict(message, fields={"name": [message]}) from error


@transaction.atomic
def room_create(*, actor: User, venue: Venue, **values: Unpack[RoomValues]) -> Room:
    room = Room(venue=venue)
    apply_values(room, values, ROOM_FIELDS)
    _check_room(room)
    _save_room(room)
    schedule_changed(room_ids=[room.pk])
    audit_record(actor=actor, action="room.create", obj=room, after=snapshot(room, ROOM_FIELDS))
    announce(signals.room_created, sender=Room, room_id=room.pk)
    return room


@transaction.atomic
def room_update(*, actor: User, room: Room, **values: Unpack[RoomValues]) -> Room:
    before = snapshot(room, ROOM_FIELDS)
    apply_values(room, values, ROOM_FIELDS)
    _check_room(room)
    _save_room(room)
    if room.slot_minutes != before["slot_minutes"]:
        schedule_changed(room_ids=[room.pk])  # the slots are laid out on another grid
    audit_record(
        actor=actor,
        action="room.update",
        obj=room,
        before=before,
        after=snapshot(room, ROOM_FIELDS),
    )
    return room
