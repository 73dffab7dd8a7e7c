"""Cities, venues ("объекты"), their rooms ("площадки") and photos, and the rules on them."""

from __future__ import annotations

import datetime
import zoneinfo
from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.uploads import ImageField
from venues.models.organisations import Organisation

# One rule for a room's capacity everywhere: the dashboard, the partner API and the search.
CAPACITY_MIN, CAPACITY_MAX = 1, 1000
CAPACITY_MESSAGE = _("Capacity is from 1 to 1000 people.")
CAPACITY_VALIDATORS = [
    MinValueValidator(CAPACITY_MIN, message=CAPACITY_MESSAGE),
    MaxValueValidator(CAPACITY_MAX, message=CAPACITY_MESSAGE),
]
POINTS_PERCENT_MESSAGE = _("The share is from 0 to 100%.")
BOOST_PERCENT_MESSAGE = _("The boost is from 0 to 10%.")
# A venue that has not confirmed its schedule for this long stops accepting points.
SCHEDULE_FRESH_DAYS = 30
SCHEDULE_REMIND_DAYS = 25
ROOM_NAME_TAKEN_MESSAGE = _("This venue already has a room with this name.")


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("Unknown time zone: %(value)s."), params={"value": value}, code="timezone"
        )


class City(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    timezone = models.CharField(_("time zone"), max_length=64, validators=[validate_timezone])

    class Meta:
        verbose_name = _("city")
        verbose_name_plural = _("cities")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class VenueQuerySet(models.QuerySet["Venue"]):
    def public(self) -> VenueQuerySet:
        """Venues a visitor may see and book: approved by staff and published by the owner."""
        return self.filter(**PUBLIC_VENUE)


# The one definition of a public venue (DESIGN §4a "Moderation"): every public read and booking
# path filters on it, as `Venue.objects.public()`, `Room.objects.of_public_venues()` or
# `venue.is_public`.
PUBLIC_VENUE = {"is_published": True, "moderation": "approved"}


class Venue(models.Model):
    """A place ("объект") with one or more rooms, in one city and time zone."""

    class BookingMode(models.TextChoices):
        INSTANT = "instant", _("instant booking")
        REQUEST = "request", _("request to book")

    class Moderation(models.TextChoices):
        """Staff review of a venue, apart from the owner's own `is_published` switch."""

        PENDING = "pending", _("awaiting review")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="venues",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="venues", verbose_name=_("city")
    )
    address = models.CharField(_("address"), max_length=300)
    metro = models.CharField(_("metro"), max_length=100, blank=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(-90)), MaxValueValidator(Decimal(90))],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(-180)), MaxValueValidator(Decimal(180))],
    )
    timezone = models.CharField(_("time zone"), max_length=64, validators=[validate_timezone])
    pay_at_venue = models.BooleanField(_("payment at the venue"), default=True)
    pay_online = models.BooleanField(_("online payment"), default=False)
    booking_mode = models.CharField(
        _("booking mode"), max_length=10, choices=BookingMode.choices, default=BookingMode.INSTANT
    )
    cancellation_free_hours = models.PositiveIntegerField(
        _("free cancellation until, hours before"),
        default=24,
        validators=[MaxValueValidator(24 * 30)],
    )
    cancellation_fee_percent = models.PositiveSmallIntegerField(
        _("late cancellation fee, %"), default=0, validators=[MaxValueValidator(100)]
    )
    schedule_confirmed_at = models.DateTimeField(_("schedule confirmed at"), null=True, blank=True)
    # Loyalty settings (DESIGN §3 "Spending"): may clients pay part of a booking with points,
    # which share at most, the venue-funded cashback boost and the minimum amounts.
    accepts_points = models.BooleanField(_("accepts points"), default=False)
    # Set when the freshness job switched points off for a stale schedule: confirming the
    # schedule switches them back on; the owner's own on/off choice clears it.
    points_off_stale_schedule = models.BooleanField(
        _("points paused: schedule not confirmed"), default=False
    )
    max_points_percent = models.PositiveSmallIntegerField(
        _("max share payable by points, %"),
        default=10,
        validators=[MaxValueValidator(100, message=POINTS_PERCENT_MESSAGE)],
    )
    cashback_boost_percent = models.PositiveSmallIntegerField(
        _("cashback boost, %"),
        default=0,
        validators=[MaxValueValidator(10, message=BOOST_PERCENT_MESSAGE)],
    )
    points_min_booking_amount = models.DecimalField(
        _("minimum booking price to use points, ₽"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    earn_min_booking_amount = models.DecimalField(
        _("minimum money paid to earn cashback, ₽"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    # The schedule confirmation the 25-day reminder was sent for (sent once per confirmation).
    schedule_reminder_for = models.DateTimeField(
        _("schedule reminder sent for"), null=True, blank=True
    )
    is_published = models.BooleanField(_("published"), default=True)
    # A new venue waits for staff unless venues.services decides otherwise (fails closed).
    moderation = models.CharField(
        _("moderation"), max_length=20, choices=Moderation.choices, default=Moderation.PENDING
    )
    moderation_reason = models.CharField(_("reason"), max_length=500, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    moderated_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = VenueQuerySet.as_manager()

    class Meta:
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(moderation="rejected") | ~Q(moderation_reason=""),
                name="venue_rejection_has_reason",
                violation_error_message=_("Say why the venue is rejected."),
            ),
            models.CheckConstraint(
                condition=Q(cancellation_fee_percent__lte=100),
                name="venue_fee_percent_max_100",
                violation_error_message=_("The fee is at most 100%."),
            ),
            models.CheckConstraint(
                condition=Q(pay_at_venue=True) | Q(pay_online=True),
                name="venue_has_payment_mode",
                violation_error_message=_("Choose at least one way to pay."),
            ),
            models.CheckConstraint(
                condition=Q(max_points_percent__lte=100),
                name="venue_points_percent_max_100",
                violation_error_message=POINTS_PERCENT_MESSAGE,
            ),
            models.CheckConstraint(
                condition=Q(cashback_boost_percent__lte=10),
                name="venue_boost_percent_max_10",
                violation_error_message=BOOST_PERCENT_MESSAGE,
            ),
        ]
        indexes = [models.Index(fields=["city", "is_published"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_public(self) -> bool:
        """`PUBLIC_VENUE` for one venue already loaded."""
        return self.is_published and self.moderation == self.Moderation.APPROVED

    def accepts_points_now(self, now: datetime.datetime) -> bool:
        """Opted in and the schedule was confirmed within the last 30 days."""
        return bool(
            self.accepts_points
            and self.schedule_confirmed_at is not None
            and now - self.schedule_confirmed_at <= datetime.timedelta(days=SCHEDULE_FRESH_DAYS)
        )


class RoomQuerySet(models.QuerySet["Room"]):
    def of_public_venues(self) -> RoomQuerySet:
        """Rooms of venues a visitor may see (`PUBLIC_VENUE`), whatever the room's own state."""
        return self.filter(**{f"venue__{name}": value for name, value in PUBLIC_VENUE.items()})


class Room(models.Model):
    """A bookable space ("площадка") of a venue."""

    class Kind(models.TextChoices):
        REHEARSAL = "rehearsal", _("rehearsal room")
        RECORDING = "recording", _("recording studio")
        PHOTO = "photo", _("photo studio")
        DANCE = "dance", _("dance hall")
        EVENT = "event", _("event hall")

    class SlotStep(models.IntegerChoices):
        HALF_HOUR = 30, _("30 minutes")
        HOUR = 60, _("1 hour")

    venue = models.ForeignKey(
        Venue, on_delete=models.CASCADE, related_name="rooms", verbose_name=_("venue")
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    description = models.TextField(_("description"), blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("capacity, people"), validators=CAPACITY_VALIDATORS
    )
    area_m2 = models.PositiveIntegerField(_("area, m²"), null=True, blank=True)
    equipment = ArrayField(
        models.CharField(max_length=100), verbose_name=_("equipment"), default=list, blank=True
    )
    slot_minutes = models.PositiveSmallIntegerField(
        _("slot step"), choices=SlotStep.choices, default=60
    )
    min_booking_minutes = models.PositiveSmallIntegerField(
        _("minimum booking, minutes"), default=60
    )
    buffer_minutes = models.PositiveSmallIntegerField(
        _("buffer after a booking, minutes"), default=0, validators=[MaxValueValidator(240)]
    )
    is_active = models.BooleanField(_("active"), default=True)
    # The lowest hourly price in force today or later: a cache of `prices` kept by the price
    # services and the nightly `venues.price_from_refresh` job, so the catalogue filters and
    # sorts by an indexed column instead of aggregating every room's prices per search.
    price_from = models.DecimalField(
        _("price per hour from, ₽"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    max_points_percent = models.PositiveSmallIntegerField(
        _("max share payable by points, %"),
        null=True,
        blank=True,
        help_text=_("Empty: the venue's share."),
        validators=[MaxValueValidator(100, message=POINTS_PERCENT_MESSAGE)],
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = RoomQuerySet.as_manager()

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["venue", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(slot_minutes__in=[30, 60]),
                name="room_slot_step_30_or_60",
                violation_error_message=_("The slot step is 30 or 60 minutes."),
            ),
            models.CheckConstraint(
                condition=Q(min_booking_minutes__gte=models.F("slot_minutes")),
                name="room_min_booking_at_least_a_slot",
                violation_error_message=_("The minimum booking must be at least one slot."),
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=CAPACITY_MIN, capacity__lte=CAPACITY_MAX),
                name="room_capacity_range",
                violation_error_message=CAPACITY_MESSAGE,
            ),
            models.CheckConstraint(
                condition=Q(max_points_percent__isnull=True) | Q(max_points_percent__lte=100),
                name="room_points_percent_max_100",
                violation_error_message=POINTS_PERCENT_MESSAGE,
            ),
            models.UniqueConstraint(
                "venue",
                Lower("name"),
                name="room_name_unique_per_venue",
                violation_error_message=ROOM_NAME_TAKEN_MESSAGE,
            ),
        ]
        indexes = [
            models.Index(fields=["venue", "is_active"]),
            models.Index(fields=["kind"]),
            models.Index(fields=["price_from"]),
            GinIndex(fields=["equipment"], name="room_equipment_gin"),
        ]

    def __str__(self) -> str:
        return f"{self.venue} — {self.name}"

    @property
    def points_percent(self) -> int | None:
        """The default share payable by points here (the room's or the venue's), when the venue
        accepts points now; None otherwise. For the catalogue badge."""
        if not self.venue.accepts_points_now(timezone.now()):
            return None
        if self.max_points_percent is not None:
            return self.max_points_percent
        return self.venue.max_points_percent

    def clean(self) -> None:
        if (
            self.slot_minutes
            and self.min_booking_minutes
            and self.min_booking_minutes % self.slot_minutes
        ):
            raise ValidationError(
                {"min_booking_minutes": _("The minimum booking must be a whole number of slots.")}
            )


class Photo(models.Model):
    """A photo of a venue, or of one of its rooms when `room` is set."""

    venue = models.ForeignKey(
        Venue, on_delete=models.CASCADE, related_name="photos", verbose_name=_("venue")
    )
    room = models.ForeignKey(
        Room,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="photos",
        verbose_name=_("room"),
    )
    image = ImageField(_("image"), upload_to="photos/%Y/%m/")
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.image.name
