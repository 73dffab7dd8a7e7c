"""Organisations (tenants) and their venues, rooms, opening hours, exceptions and prices."""

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

from core.periods import period_matches

# One rule for a room's capacity everywhere: the dashboard, the partner API and the search.
CAPACITY_MIN, CAPACITY_MAX = 1, 1000
CAPACITY_MESSAGE = _("Capacity is from 1 to 1000 people.")
CAPACITY_VALIDATORS = [
    MinValueValidator(CAPACITY_MIN, message=CAPACITY_MESSAGE),
    MaxValueValidator(CAPACITY_MAX, message=CAPACITY_MESSAGE),
]
PRICE_POSITIVE_MESSAGE = _("The price must be more than zero.")
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


class Organisation(models.Model):
    """The partner business: owns venues; its members run them from the dashboard."""

    name = models.CharField(_("name"), max_length=200)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Membership",
        related_name="organisations",
        verbose_name=_("members"),
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", _("owner")
        MANAGER = "manager", _("manager")
        ADMINISTRATOR = "administrator", _("administrator")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"],
                name="membership_unique",
                violation_error_message=_("This person is already a member."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.role})"


# Who may change what: administrators see everything but change only day-to-day bookings.
EDITORS = (Membership.Role.OWNER, Membership.Role.MANAGER)
EVERYONE = (Membership.Role.OWNER, Membership.Role.MANAGER, Membership.Role.ADMINISTRATOR)


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


class Venue(models.Model):
    """A place ("объект") with one or more rooms, in one city and time zone."""

    class BookingMode(models.TextChoices):
        INSTANT = "instant", _("instant booking")
        REQUEST = "request", _("request to book")

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
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        ordering = ["name"]
        constraints = [
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

    def accepts_points_now(self, now: datetime.datetime) -> bool:
        """Opted in and the schedule was confirmed within the last 30 days."""
        return bool(
            self.accepts_points
            and self.schedule_confirmed_at is not None
            and now - self.schedule_confirmed_at <= datetime.timedelta(days=SCHEDULE_FRESH_DAYS)
        )


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
    image = models.ImageField(_("image"), upload_to="photos/%Y/%m/")
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.image.name


class OpeningHours(models.Model):
    """Weekly hours for one weekday; `closes` at or before `opens` runs past midnight."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    venue = models.ForeignKey(
        Venue, on_delete=models.CASCADE, related_name="opening_hours", verbose_name=_("venue")
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["venue", "weekday"]
        constraints = [
            models.UniqueConstraint(
                fields=["venue", "weekday"],
                name="opening_hours_one_per_weekday",
                violation_error_message=_("This weekday already has opening hours."),
            ),
            models.CheckConstraint(
                condition=~Q(opens=models.F("closes")),
                name="opening_hours_not_empty",
                violation_error_message=_("The closing time must differ from the opening time."),
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6),
                name="opening_hours_weekday_range",
                violation_error_message=_("A weekday is a number from 0 (Monday) to 6 (Sunday)."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class ScheduleException(models.Model):
    """A date when the venue is closed or keeps special hours instead of its weekly hours."""

    venue = models.ForeignKey(
        Venue, on_delete=models.CASCADE, related_name="exceptions", verbose_name=_("venue")
    )
    date = models.DateField(_("date"))
    is_closed = models.BooleanField(_("closed all day"), default=True)
    opens = models.TimeField(_("opens"), null=True, blank=True)
    closes = models.TimeField(_("closes"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("schedule exception")
        verbose_name_plural = _("schedule exceptions")
        ordering = ["venue", "date"]
        constraints = [
            models.UniqueConstraint(
                fields=["venue", "date"],
                name="schedule_exception_one_per_date",
                violation_error_message=_("There is already an exception on this date."),
            ),
            models.CheckConstraint(
                condition=Q(is_closed=True, opens__isnull=True, closes__isnull=True)
                | (
                    Q(is_closed=False, opens__isnull=False, closes__isnull=False)
                    & ~Q(opens=models.F("closes"))
                ),
                name="schedule_exception_hours_consistent",
                violation_error_message=_(
                    "Enter the special opening and closing times, or mark the day closed."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.venue}: {self.date}"


class Holiday(models.Model):
    """A public holiday: rooms are priced by their holiday prices on it."""

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date}: {self.name}"


class Price(models.Model):
    """An hourly price for a room on one day type within a time band, optionally for some dates.

    The band is measured on the venue's business day: `ends` at or before `starts` runs past
    midnight, like the opening hours. A slot takes the price of the band its start falls in.
    """

    class DayType(models.TextChoices):
        WEEKDAY = "weekday", _("Monday–Thursday")
        FRIDAY = "friday", _("Friday")
        SATURDAY = "saturday", _("Saturday")
        SUNDAY = "sunday", _("Sunday")
        HOLIDAY = "holiday", _("Public holiday")

    room = models.ForeignKey(
        Room, on_delete=models.CASCADE, related_name="prices", verbose_name=_("room")
    )
    day_type = models.CharField(_("day type"), max_length=10, choices=DayType.choices)
    starts = models.TimeField(_("from"))
    ends = models.TimeField(_("to"))
    price_per_hour = models.DecimalField(
        _("price per hour, ₽"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"), message=PRICE_POSITIVE_MESSAGE)],
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("price")
        verbose_name_plural = _("prices")
        ordering = ["room", "day_type", "starts"]
        constraints = [
            models.CheckConstraint(
                condition=Q(price_per_hour__gt=0),
                name="price_positive",
                violation_error_message=PRICE_POSITIVE_MESSAGE,
            ),
            models.CheckConstraint(
                condition=~Q(starts=models.F("ends")),
                name="price_band_not_empty",
                violation_error_message=_("The end of the band must differ from its start."),
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_until__gte=models.F("valid_from")),
                name="price_validity_ordered",
                violation_error_message=_("The end of validity must not be before its start."),
            ),
        ]
        indexes = [models.Index(fields=["room", "day_type"])]

    def __str__(self) -> str:
        band = f"{self.starts:%H:%M}–{self.ends:%H:%M}"
        return f"{self.room}: {self.get_day_type_display()} {band} {self.price_per_hour} ₽"


class Invitation(models.Model):
    """An owner's invitation for someone, by e-mail, to join the organisation with a role."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("organisation"),
    )
    email = models.EmailField(_("e-mail"))
    role = models.CharField(_("role"), max_length=20, choices=Membership.Role.choices)
    token = models.CharField(_("token"), max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            # One open invitation per address and organisation; accepted ones stay as history.
            models.UniqueConstraint(
                fields=["organisation", "email"],
                condition=Q(accepted_at__isnull=True),
                name="invitation_one_open_per_email",
                violation_error_message=_("This address has already been invited."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation} ({self.role})"


class PointsRule(models.Model):
    """A period share payable by points for a venue, or one of its rooms when `room` is set.

    Dates, weekdays (Monday = 0; empty = every day) and an hour band (the end at or before the
    start runs past midnight) narrow when it is in force; at least one of them is set.
    """

    venue = models.ForeignKey(
        Venue, on_delete=models.CASCADE, related_name="points_rules", verbose_name=_("venue")
    )
    room = models.ForeignKey(
        Room,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="points_rules",
        verbose_name=_("room"),
    )
    date_from = models.DateField(_("from date"), null=True, blank=True)
    date_to = models.DateField(_("to date"), null=True, blank=True)
    weekdays = ArrayField(
        models.PositiveSmallIntegerField(), verbose_name=_("weekdays"), default=list, blank=True
    )
    time_from = models.TimeField(_("from time"), null=True, blank=True)
    time_to = models.TimeField(_("to time"), null=True, blank=True)
    percent = models.PositiveSmallIntegerField(
        _("share payable by points, %"),
        validators=[MaxValueValidator(100, message=POINTS_PERCENT_MESSAGE)],
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("points rule")
        verbose_name_plural = _("points rules")
        ordering = ["venue", "room", "-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent__lte=100),
                name="points_rule_percent_max_100",
                violation_error_message=POINTS_PERCENT_MESSAGE,
            ),
            models.CheckConstraint(
                condition=Q(date_from__isnull=True)
                | Q(date_to__isnull=True)
                | Q(date_to__gte=models.F("date_from")),
                name="points_rule_dates_ordered",
                violation_error_message=_("The end date must not be before the start date."),
            ),
            models.CheckConstraint(
                condition=(Q(time_from__isnull=True) & Q(time_to__isnull=True))
                | (
                    Q(time_from__isnull=False, time_to__isnull=False)
                    & ~Q(time_from=models.F("time_to"))
                ),
                name="points_rule_band_not_empty",
                violation_error_message=_("Give both times of the band, and make them differ."),
            ),
            models.CheckConstraint(
                condition=Q(weekdays__contained_by=[0, 1, 2, 3, 4, 5, 6]),
                name="points_rule_weekdays_range",
                violation_error_message=_("A weekday is a number from 0 (Monday) to 6 (Sunday)."),
            ),
            models.CheckConstraint(
                condition=Q(date_from__isnull=False)
                | Q(date_to__isnull=False)
                | ~Q(weekdays=[])
                | Q(time_from__isnull=False),
                name="points_rule_has_period",
                violation_error_message=_("Set dates, weekdays or hours for the rule."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.room or self.venue}: {self.percent}%"

    def matches(self, moment: datetime.datetime) -> bool:
        """Is the rule in force at `moment` (venue-local, naive or aware)?"""
        return period_matches(moment, self)
