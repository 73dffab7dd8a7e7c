"""Write operations on organisations, venues, rooms, photos, hours, exceptions and prices.

Every function here authorises nothing by itself: the caller (a dashboard view or a partner API
view) has already resolved the objects through `venues.selectors` with the right roles. Each one
validates, writes inside its own transaction, and leaves an audit record.
"""

from __future__ import annotations

import datetime
import secrets
import warnings
import zoneinfo
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, models, transaction
from django.db.models import Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from accounts.models import User
from core.after_commit import announce
from core.errors import ApplicationError, Conflict, NotFound
from core.services import audit_record
from venues import signals
from venues.models import (
    BOOST_PERCENT_MESSAGE,
    POINTS_PERCENT_MESSAGE,
    ROOM_NAME_TAKEN_MESSAGE,
    SCHEDULE_FRESH_DAYS,
    SCHEDULE_REMIND_DAYS,
    Invitation,
    Membership,
    OpeningHours,
    Organisation,
    Photo,
    PointsRule,
    Price,
    Room,
    ScheduleException,
    Venue,
)
from venues.selectors import DAY_TYPE_WEEKDAYS, within_hours

Role = Membership.Role
DayType = Price.DayType
MINUTES_PER_DAY = 24 * 60
# Uploads larger than this are refused before Pillow ever opens them.
PHOTO_MAX_BYTES = getattr(settings, "VENUES_PHOTO_MAX_BYTES", 5 * 1024 * 1024)
PHOTO_FORMATS = {"JPEG", "PNG", "WEBP"}
# Larger pictures are refused by their size in pixels (a small file may unpack to gigabytes).
PHOTO_MAX_SIDE = 10_000
VENUE_FIELDS = (
    "name",
    "description",
    "city",
    "address",
    "metro",
    "latitude",
    "longitude",
    "timezone",
    "pay_at_venue",
    "pay_online",
    "booking_mode",
    "cancellation_free_hours",
    "cancellation_fee_percent",
    "is_published",
)
ROOM_FIELDS = (
    "name",
    "kind",
    "description",
    "capacity",
    "area_m2",
    "equipment",
    "slot_minutes",
    "min_booking_minutes",
    "buffer_minutes",
    "is_active",
)
PRICE_FIELDS = ("day_type", "starts", "ends", "price_per_hour", "valid_from", "valid_until")


# --- helpers --------------------------------------------------------------------------------


def _json_value(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, Decimal | datetime.date | datetime.time | datetime.datetime):
        return str(value)
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    return value


def _snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    return {name: _json_value(getattr(obj, name)) for name in fields}


def _full_clean(obj: models.Model, *, exclude: Iterable[str] = ()) -> None:
    """Run the model's validators; their messages become an ApplicationError with fields."""
    try:
        obj.full_clean(exclude=list(exclude), validate_constraints=False)
    except ValidationError as error:
        fields = {
            name: [str(m) for m in messages]
            for name, messages in error.message_dict.items()
            if name != "__all__"
        }
        general = error.message_dict.get("__all__")
        message = general[0] if general else _("Please correct the errors below.")
        raise ApplicationError(message, fields=fields) from error


def _save(obj: models.Model, message: str) -> None:
    """Save; a database constraint the checks above did not foresee becomes a clear 409."""
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as error:
        raise Conflict(message) from error


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


# --- organisations and members ----------------------------------------------------------------


@transaction.atomic
def organisation_create(*, user: User, name: str) -> Organisation:
    """A person becomes a partner: a new organisation with them as its owner."""
    name = (name or "").strip()
    if not name:
        raise ApplicationError(_("Enter a name."), fields={"name": [_("Enter a name.")]})
    organisation = Organisation.objects.create(name=name)
    Membership.objects.create(organisation=organisation, user=user, role=Role.OWNER)
    audit_record(actor=user, action="organisation.create", obj=organisation, after={"name": name})
    return organisation


@transaction.atomic
def invitation_create(
    *, actor: User, organisation: Organisation, email: str, role: str
) -> Invitation:
    """Invite someone by e-mail; the e-mail goes out after commit."""
    email = (email or "").strip().lower()
    if role not in Role.values:
        raise ApplicationError(_("Choose a role."), fields={"role": [_("Choose a role.")]})
    if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        message = _("This person is already a member.")
        raise Conflict(message, fields={"email": [message]})
    invitation = Invitation(
        organisation=organisation,
        email=email,
        role=role,
        token=secrets.token_urlsafe(32),
        invited_by=actor,
    )
    _full_clean(invitation, exclude=["token", "invited_by"])
    if Invitation.objects.filter(
        organisation=organisation, email=email, accepted_at__isnull=True
    ).exists():
        message = _("This address has already been invited.")
        raise Conflict(message, fields={"email": [message]})
    _save(invitation, _("This address has already been invited."))
    audit_record(
        actor=actor,
        action="invitation.create",
        obj=invitation,
        after={"email": email, "role": role},
    )
    announce(signals.invitation_created, sender=Invitation, invitation_id=invitation.pk)
    return invitation


@transaction.atomic
def invitation_accept(
    *, user: User, token: str, now: datetime.datetime | None = None
) -> Membership:
    """The invited person joins; an invitation is only for the address it was sent to."""
    invitation = (
        Invitation.objects.select_for_update()
        .filter(token=token, accepted_at__isnull=True, email__iexact=user.email)
        .first()
    )
    if invitation is None:
        raise NotFound(_("This invitation does not exist or has been used."))
    membership, created = Membership.objects.get_or_create(
        organisation_id=invitation.organisation_id, user=user, defaults={"role": invitation.role}
    )
    invitation.accepted_at = now or timezone.now()
    invitation.save(update_fields=["accepted_at"])
    audit_record(
        actor=user,
        action="invitation.accept",
        obj=invitation,
        after={"role": membership.role, "created": created},
    )
    return membership


@transaction.atomic
def invitation_revoke(*, actor: User, invitation: Invitation) -> None:
    audit_record(
        actor=actor,
        action="invitation.revoke",
        obj=invitation,
        before={"email": invitation.email, "role": invitation.role},
    )
    invitation.delete()


def _lock_owners(organisation_id: int) -> list[Membership]:
    # Locking the owners' rows serialises two concurrent demotions, so one always remains.
    return list(
        Membership.objects.select_for_update().filter(
            organisation_id=organisation_id, role=Role.OWNER
        )
    )


@transaction.atomic
def membership_update(*, actor: User, membership: Membership, role: str) -> Membership:
    if role not in Role.values:
        raise ApplicationError(_("Choose a role."), fields={"role": [_("Choose a role.")]})
    owners = _lock_owners(membership.organisation_id)
    if membership.role == Role.OWNER and role != Role.OWNER and len(owners) <= 1:
        raise Conflict(_("An organisation must keep at least one owner."))
    before = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    audit_record(
        actor=actor,
        action="membership.update",
        obj=membership,
        before={"role": before},
        after={"role": role},
    )
    return membership


@transaction.atomic
def membership_remove(*, actor: User, membership: Membership) -> None:
    owners = _lock_owners(membership.organisation_id)
    if membership.role == Role.OWNER and len(owners) <= 1:
        raise Conflict(_("An organisation must keep at least one owner."))
    audit_record(
        actor=actor,
        action="membership.remove",
        obj=membership,
        before={"user": membership.user_id, "role": membership.role},
    )
    membership.delete()


# --- venues and rooms -------------------------------------------------------------------------


def _apply(obj: models.Model, values: Mapping[str, Any], allowed: Iterable[str]) -> None:
    allowed = set(allowed)
    for name, value in values.items():
        if name not in allowed:
            raise ApplicationError(_("Unknown field: %(name)s.") % {"name": name})
        setattr(obj, name, value)


@transaction.atomic
def venue_create(*, actor: User, organisation: Organisation, **values: Any) -> Venue:
    venue = Venue(organisation=organisation)
    _apply(venue, values, VENUE_FIELDS)
    _check_venue(venue)
    _save(venue, _("The venue could not be saved."))
    audit_record(
        actor=actor, action="venue.create", obj=venue, after=_snapshot(venue, VENUE_FIELDS)
    )
    return venue


@transaction.atomic
def venue_update(*, actor: User, venue: Venue, **values: Any) -> Venue:
    before = _snapshot(venue, VENUE_FIELDS)
    _apply(venue, values, VENUE_FIELDS)
    _check_venue(venue)
    _save(venue, _("The venue could not be saved."))
    audit_record(
        actor=actor,
        action="venue.update",
        obj=venue,
        before=before,
        after=_snapshot(venue, VENUE_FIELDS),
    )
    return venue


def _check_venue(venue: Venue) -> None:
    if not venue.timezone and venue.city_id:
        venue.timezone = venue.city.timezone  # a venue keeps its city's time zone unless told
    _full_clean(venue, exclude=["organisation", "schedule_confirmed_at"])
    if not (venue.pay_at_venue or venue.pay_online):
        message = _("Choose at least one way to pay.")
        raise ApplicationError(message, fields={"pay_at_venue": [message]})


def _check_room(room: Room) -> None:
    _full_clean(room, exclude=["venue", "price_from"])
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
def room_create(*, actor: User, venue: Venue, **values: Any) -> Room:
    room = Room(venue=venue)
    _apply(room, values, ROOM_FIELDS)
    _check_room(room)
    _save_room(room)
    audit_record(actor=actor, action="room.create", obj=room, after=_snapshot(room, ROOM_FIELDS))
    announce(signals.room_created, sender=Room, room_id=room.pk)
    return room


@transaction.atomic
def room_update(*, actor: User, room: Room, **values: Any) -> Room:
    before = _snapshot(room, ROOM_FIELDS)
    _apply(room, values, ROOM_FIELDS)
    _check_room(room)
    _save_room(room)
    audit_record(
        actor=actor,
        action="room.update",
        obj=room,
        before=before,
        after=_snapshot(room, ROOM_FIELDS),
    )
    return room


# --- photos -----------------------------------------------------------------------------------


def photo_validate(image: UploadedFile) -> None:
    """A photo must be a real JPEG/PNG/WebP image no larger than PHOTO_MAX_BYTES."""
    if image.size is None or image.size > PHOTO_MAX_BYTES:
        message = _("The photo is too large: at most %(mb)s MB.") % {
            "mb": PHOTO_MAX_BYTES // (1024 * 1024)
        }
        raise ApplicationError(message, fields={"image": [message]})
    try:
        image.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(image) as picture:
                picture_format, (width, height) = picture.format, picture.size
                if max(width, height) > PHOTO_MAX_SIDE:
                    raise Image.DecompressionBombError(f"{width}x{height}")
                picture.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        message = _("The photo is too large in pixels: at most %(side)s × %(side)s.") % {
            "side": PHOTO_MAX_SIDE
        }
        raise ApplicationError(message, fields={"image": [message]}) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        message = _("This file is not an image.")
        raise ApplicationError(message, fields={"image": [message]}) from error
    finally:
        image.seek(0)
    if picture_format not in PHOTO_FORMATS:
        message = _("Upload a JPEG, PNG or WebP image.")
        raise ApplicationError(message, fields={"image": [message]})


@transaction.atomic
def photo_add(*, actor: User, venue: Venue, image: UploadedFile, room: Room | None = None) -> Photo:
    photo_validate(image)
    if room is not None and room.venue_id != venue.pk:
        raise NotFound(_("Not found."))
    position = (
        Photo.objects.filter(venue=venue, room=room).aggregate(m=models.Max("position"))["m"] or 0
    )
    photo = Photo.objects.create(venue=venue, room=room, image=image, position=position + 1)
    audit_record(
        actor=actor,
        action="photo.add",
        obj=photo,
        after={"image": photo.image.name, "room": room and room.pk},
    )
    return photo


@transaction.atomic
def photo_delete(*, actor: User, photo: Photo) -> None:
    audit_record(actor=actor, action="photo.delete", obj=photo, before={"image": photo.image.name})
    name, storage = photo.image.name, photo.image.storage
    photo.delete()
    transaction.on_commit(lambda: storage.delete(name))


# --- opening hours, exceptions, schedule freshness ----------------------------------------------


@dataclass(frozen=True)
class DayHours:
    opens: datetime.time
    closes: datetime.time


def _hours_error(weekday: int) -> ApplicationError:
    message = _("%(day)s: the closing time must differ from the opening time.") % {
        "day": OpeningHours.Weekday(weekday).label
    }
    return ApplicationError(message, fields={f"day_{weekday}": [message]})


@transaction.atomic
def opening_hours_set(
    *,
    actor: User,
    venue: Venue,
    hours: Mapping[int, DayHours | None],
    now: datetime.datetime | None = None,
) -> list[OpeningHours]:
    """Replace the weekly hours (None = closed that weekday); also confirms the schedule."""
    for weekday, day in hours.items():
        if weekday not in range(7):
            raise ApplicationError(_("A weekday is a number from 0 (Monday) to 6 (Sunday)."))
        if day is not None and day.opens == day.closes:
            raise _hours_error(weekday)
    venue = Venue.objects.select_for_update().get(pk=venue.pk)
    before = {
        str(h.weekday): f"{h.opens:%H:%M}-{h.closes:%H:%M}" for h in venue.opening_hours.all()
    }
    OpeningHours.objects.filter(venue=venue, weekday__in=list(hours)).delete()
    created = OpeningHours.objects.bulk_create(
        OpeningHours(venue=venue, weekday=weekday, opens=day.opens, closes=day.closes)
        for weekday, day in sorted(hours.items())
        if day is not None
    )
    _confirm(venue, now)
    after = {str(h.weekday): f"{h.opens:%H:%M}-{h.closes:%H:%M}" for h in venue.opening_hours.all()}
    audit_record(actor=actor, action="venue.hours_set", obj=venue, before=before, after=after)
    return created


def _confirm(venue: Venue, now: datetime.datetime | None) -> None:
    """A confirmed schedule; points paused by the freshness job come back on with it."""
    venue.schedule_confirmed_at = now or timezone.now()
    fields = ["schedule_confirmed_at"]
    if venue.points_off_stale_schedule:
        venue.accepts_points, venue.points_off_stale_schedule = True, False
        fields += ["accepts_points", "points_off_stale_schedule"]
        audit_record(
            actor=None,
            action="venue.points_on_schedule_confirmed",
            obj=venue,
            before={"accepts_points": False},
            after={"accepts_points": True},
        )
    venue.save(update_fields=fields)


@transaction.atomic
def schedule_confirm(*, actor: User, venue: Venue, now: datetime.datetime | None = None) -> Venue:
    """The team says the schedule is up to date (DESIGN §3: stale schedules lose points)."""
    if not OpeningHours.objects.filter(venue=venue).exists():
        raise ApplicationError(
            _("Every day is closed: set the opening hours before confirming the schedule.")
        )
    before = _json_value(venue.schedule_confirmed_at)
    _confirm(venue, now)
    audit_record(
        actor=actor,
        action="venue.schedule_confirm",
        obj=venue,
        before={"schedule_confirmed_at": before},
        after={"schedule_confirmed_at": _json_value(venue.schedule_confirmed_at)},
    )
    return venue


EXCEPTION_MAX_YEARS_AHEAD = 2


def schedule_exception_date_check(
    *, venue: Venue, date: datetime.date, now: datetime.datetime | None = None
) -> None:
    """An exception is for a day from today (the venue's today) up to two years ahead."""
    today = timezone.localdate(now or timezone.now(), timezone=zoneinfo.ZoneInfo(venue.timezone))
    try:
        last = today.replace(year=today.year + EXCEPTION_MAX_YEARS_AHEAD)
    except ValueError:  # 29 February
        last = today.replace(year=today.year + EXCEPTION_MAX_YEARS_AHEAD, day=28)
    if date < today:
        message = _("The date is in the past.")
        raise ApplicationError(message, fields={"date": [message]})
    if date > last:
        message = _("Choose a date no more than two years ahead.")
        raise ApplicationError(message, fields={"date": [message]})


@transaction.atomic
def schedule_exception_create(
    *,
    actor: User,
    venue: Venue,
    date: datetime.date,
    is_closed: bool = True,
    opens: datetime.time | None = None,
    closes: datetime.time | None = None,
    note: str = "",
    now: datetime.datetime | None = None,
) -> ScheduleException:
    schedule_exception_date_check(venue=venue, date=date, now=now)
    if is_closed:
        opens = closes = None
    elif opens is None or closes is None:
        message = _("Enter the special opening and closing times, or mark the day closed.")
        raise ApplicationError(message, fields={"opens": [message]})
    elif opens == closes:
        message = _("The closing time must differ from the opening time.")
        raise ApplicationError(message, fields={"closes": [message]})
    if ScheduleException.objects.filter(venue=venue, date=date).exists():
        message = _("There is already an exception on this date.")
        raise Conflict(message, fields={"date": [message]})
    exception = ScheduleException(
        venue=venue, date=date, is_closed=is_closed, opens=opens, closes=closes, note=note
    )
    _full_clean(exception, exclude=["venue"])
    _save(exception, _("There is already an exception on this date."))
    _confirm(venue, now)
    audit_record(
        actor=actor,
        action="venue.exception_create",
        obj=exception,
        after=_snapshot(exception, ("date", "is_closed", "opens", "closes", "note")),
    )
    return exception


@transaction.atomic
def schedule_exception_delete(
    *, actor: User, exception: ScheduleException, now: datetime.datetime | None = None
) -> None:
    audit_record(
        actor=actor,
        action="venue.exception_delete",
        obj=exception,
        before=_snapshot(exception, ("date", "is_closed", "opens", "closes", "note")),
    )
    venue = exception.venue
    exception.delete()
    _confirm(venue, now)


# --- prices -----------------------------------------------------------------------------------


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
    _full_clean(price, exclude=["room"])
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
def price_create(*, actor: User, room: Room, **values: Any) -> Price:
    # The room's row lock serialises price edits of one room, so two concurrent requests
    # cannot each pass the overlap check and together save overlapping bands.
    room = Room.objects.select_for_update().select_related("venue").get(pk=room.pk)
    price = Price(room=room)
    _apply(price, values, PRICE_FIELDS)
    _check_price(price)
    _save(price, _("The price could not be saved."))
    room_price_from_refresh(room_id=room.pk)
    audit_record(
        actor=actor, action="price.create", obj=price, after=_snapshot(price, PRICE_FIELDS)
    )
    return price


@transaction.atomic
def price_update(*, actor: User, price: Price, **values: Any) -> Price:
    room = Room.objects.select_for_update().select_related("venue").get(pk=price.room_id)
    price = Price.objects.get(pk=price.pk)
    price.room = room
    before = _snapshot(price, PRICE_FIELDS)
    _apply(price, values, PRICE_FIELDS)
    _check_price(price)
    _save(price, _("The price could not be saved."))
    room_price_from_refresh(room_id=room.pk)
    audit_record(
        actor=actor,
        action="price.update",
        obj=price,
        before=before,
        after=_snapshot(price, PRICE_FIELDS),
    )
    return price


@transaction.atomic
def price_delete(*, actor: User, price: Price) -> None:
    Room.objects.select_for_update().filter(pk=price.room_id).first()
    audit_record(
        actor=actor, action="price.delete", obj=price, before=_snapshot(price, PRICE_FIELDS)
    )
    room_id = price.room_id
    price.delete()
    room_price_from_refresh(room_id=room_id)


# --- loyalty settings -----------------------------------------------------------------------

VENUE_LOYALTY_FIELDS = (
    "accepts_points",
    "max_points_percent",
    "cashback_boost_percent",
    "points_min_booking_amount",
    "earn_min_booking_amount",
)
POINTS_RULE_FIELDS = ("room", "date_from", "date_to", "weekdays", "time_from", "time_to", "percent")


def _percent_check(name: str, value: Any, *, top: int, message: str) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= top:
        raise ApplicationError(str(message), fields={name: [str(message)]})


@transaction.atomic
def venue_loyalty_update(*, actor: User, venue: Venue, **values: Any) -> Venue:
    """Change a venue's points settings: accepts points, max share, boost, minimum amounts."""
    venue = Venue.objects.select_for_update().get(pk=venue.pk)
    before = _snapshot(venue, VENUE_LOYALTY_FIELDS)
    _apply(venue, values, VENUE_LOYALTY_FIELDS)
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
    _full_clean(venue, exclude=["organisation", "schedule_confirmed_at", "city"])
    _save(venue, _("The venue could not be saved."))
    audit_record(
        actor=actor,
        action="venue.loyalty_update",
        obj=venue,
        before=before,
        after=_snapshot(venue, VENUE_LOYALTY_FIELDS),
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
def points_rule_create(*, actor: User, venue: Venue, **values: Any) -> PointsRule:
    rule = PointsRule(venue=venue)
    _apply(rule, values, POINTS_RULE_FIELDS)
    points_rule_check(rule)
    _save(rule, _("The rule could not be saved."))
    audit_record(
        actor=actor,
        action="venue.points_rule_create",
        obj=venue,
        after={"rule": rule.pk, **_snapshot(rule, POINTS_RULE_FIELDS)},
    )
    return rule


@transaction.atomic
def points_rule_delete(*, actor: User, rule: PointsRule) -> None:
    before = {"rule": rule.pk, **_snapshot(rule, POINTS_RULE_FIELDS)}
    venue = rule.venue
    rule.delete()
    audit_record(actor=actor, action="venue.points_rule_delete", obj=venue, before=before)


# --- schedule freshness (DESIGN §3: stale schedules lose points) ----------------------------


def _days_since(venue: Venue, now: datetime.datetime) -> int:
    if venue.schedule_confirmed_at is None:
        return SCHEDULE_FRESH_DAYS
    return (now - venue.schedule_confirmed_at).days


def schedule_freshness_check(*, now: datetime.datetime, batch_size: int = 500) -> tuple[int, int]:
    """Remind owners 25 days after a confirmation (once per confirmation) and, after 30 days,
    stop accepting points (audited). Claims rows with SKIP LOCKED: safe twice and in parallel.
    Returns (reminded, switched off)."""
    remind_before = now - datetime.timedelta(days=SCHEDULE_REMIND_DAYS)
    stale_before = now - datetime.timedelta(days=SCHEDULE_FRESH_DAYS)
    reminded = switched_off = 0
    with transaction.atomic():
        stale = list(
            Venue.objects.select_for_update(skip_locked=True)
            .filter(accepts_points=True)
            .filter(
                Q(schedule_confirmed_at__isnull=True) | Q(schedule_confirmed_at__lt=stale_before)
            )
            .order_by("pk")[:batch_size]
        )
        for venue in stale:
            venue.accepts_points, venue.points_off_stale_schedule = False, True
            venue.save(update_fields=["accepts_points", "points_off_stale_schedule"])
            audit_record(
                actor=None,
                action="venue.points_off_stale_schedule",
                obj=venue,
                before={"accepts_points": True},
                after={
                    "accepts_points": False,
                    "schedule_confirmed_at": _json_value(venue.schedule_confirmed_at),
                },
            )
            switched_off += 1
            announce(
                signals.points_paused,
                sender=Venue,
                venue_id=venue.pk,
                days=_days_since(venue, now),
            )
        due = list(
            Venue.objects.select_for_update(skip_locked=True)
            .filter(
                accepts_points=True,
                schedule_confirmed_at__lte=remind_before,
                schedule_confirmed_at__gte=stale_before,
            )
            .exclude(schedule_reminder_for=models.F("schedule_confirmed_at"))
            .order_by("pk")[:batch_size]
        )
        for venue in due:
            venue.schedule_reminder_for = venue.schedule_confirmed_at
            venue.save(update_fields=["schedule_reminder_for"])
            announce(
                signals.schedule_reminder_due,
                sender=Venue,
                venue_id=venue.pk,
                days=_days_since(venue, now),
            )
            reminded += 1
    return reminded, switched_off
