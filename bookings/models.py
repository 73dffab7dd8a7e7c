"""Bookings of rooms, their state history, payments, reviews and the rooms' secret iCal feeds."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import ArrayField, RangeOperators
from django.db import models
from django.db.models import F, Func, Q, Value
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.money import CURRENCY


class Int8Range(Func):
    """`int8range(a, b, '[]')`: a one-point range, so a GiST exclusion can compare room ids.

    The embedded PostgreSQL has no btree_gist, so `room_id WITH =` is impossible in a GiST
    index; `int8range(room_id, room_id, '[]') WITH &&` means the same thing with built-in types.
    """

    function = "int8range"
    output_field = models.BigIntegerField()  # never selected; only used inside the constraint


class TsTzRange(Func):
    function = "tstzrange"
    output_field = models.DateTimeField()  # never selected; only used inside the constraint


class Booking(models.Model):
    """One room for one continuous interval [start, end), stored in UTC."""

    class Status(models.TextChoices):
        HOLD = "hold", _("awaiting payment")
        REQUESTED = "requested", _("requested")
        CONFIRMED = "confirmed", _("confirmed")
        COMPLETED = "completed", _("completed")
        CANCELLED = "cancelled", _("cancelled")
        DECLINED = "declined", _("declined")
        EXPIRED = "expired", _("expired")
        NO_SHOW = "no_show", _("no-show")

    class Kind(models.TextChoices):
        CLIENT = "client", _("client booking")
        MANUAL = "manual", _("manual booking")
        BLOCK = "block", _("block")

    class Payment(models.TextChoices):
        VENUE = "venue", _("at the venue")
        ONLINE = "online", _("online")

    # States that occupy the room (DESIGN.md §3): the exclusion constraint covers exactly these.
    ACTIVE = (Status.HOLD, Status.REQUESTED, Status.CONFIRMED, Status.COMPLETED)

    room = models.ForeignKey(
        "venues.Room", on_delete=models.PROTECT, related_name="bookings", verbose_name=_("room")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bookings",
        verbose_name=_("client"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.CLIENT)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    # End of the time the booking keeps the room: end + the room's buffer at booking time.
    occupied_until = models.DateTimeField(_("occupied until"))
    price = models.DecimalField(_("price, ₽"), max_digits=12, decimal_places=2, default=0)
    money_due = models.DecimalField(_("money due, ₽"), max_digits=12, decimal_places=2, default=0)
    # Points used to pay part of the price (1 point = 1 ₽) and the cap in force when booked.
    points = models.PositiveIntegerField(_("points used"), default=0)
    points_cap = models.PositiveIntegerField(_("points cap"), default=0)
    slots = models.JSONField(_("slots"), default=list, blank=True)
    payment = models.CharField(
        _("payment"), max_length=10, choices=Payment.choices, default=Payment.VENUE
    )
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    hold_expires_at = models.DateTimeField(_("hold expires at"), null=True, blank=True)
    respond_by = models.DateTimeField(_("venue must answer by"), null=True, blank=True)
    # The cancellation policy in force when the booking was made (DESIGN.md §3).
    free_cancellation_until = models.DateTimeField(_("free cancellation until"))
    cancellation_fee_percent = models.PositiveSmallIntegerField(_("late cancellation fee, %"))
    cancellation_fee = models.DecimalField(
        _("cancellation fee, ₽"), max_digits=12, decimal_places=2, default=0
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    client_name = models.CharField(_("client name"), max_length=150, blank=True)
    client_phone = models.CharField(_("client phone"), max_length=32, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["start", "id"]
        constraints = [
            # Invariant 3 of DESIGN.md §4: no two active bookings of a room overlap, buffer
            # included. This is the guarantee; the Python checks only make friendlier messages.
            ExclusionConstraint(
                name="booking_no_overlap",
                expressions=[
                    (Int8Range(F("room_id"), F("room_id"), Value("[]")), RangeOperators.OVERLAPS),
                    (
                        TsTzRange(F("start"), F("occupied_until"), Value("[)")),
                        RangeOperators.OVERLAPS,
                    ),
                ],
                condition=Q(status__in=["hold", "requested", "confirmed", "completed"]),
            ),
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="booking_end_after_start"),
            models.CheckConstraint(
                condition=Q(occupied_until__gte=F("end")), name="booking_occupied_covers_end"
            ),
            models.CheckConstraint(condition=Q(price__gte=0), name="booking_price_not_negative"),
            models.CheckConstraint(
                condition=Q(money_due__gte=0), name="booking_money_due_not_negative"
            ),
            # Invariant 4 of DESIGN.md §4: a booking never takes more points than its cap.
            models.CheckConstraint(
                condition=Q(points__gte=0, points__lte=F("points_cap")),
                name="booking_points_within_cap",
            ),
            models.CheckConstraint(
                condition=Q(kind="client", user__isnull=False) | ~Q(kind="client"),
                name="booking_client_has_user",
            ),
        ]
        indexes = [
            models.Index(fields=["room", "start"]),
            models.Index(fields=["user", "start"]),
            models.Index(fields=["status", "hold_expires_at"]),
            # The free-time search subtracts live holds room by room (bookings.selectors), and
            # the triggers of migration 0005 gather a room's other active bookings; with their
            # own indexes neither depends on how selective the planner thinks a status is.
            models.Index(
                fields=["room", "start"], condition=Q(status="hold"), name="booking_holds_by_room"
            ),
            models.Index(
                fields=["room", "start"],
                condition=Q(status__in=["requested", "confirmed", "completed"]),
                name="booking_busy_by_room",
            ),
            models.Index(fields=["status", "end"]),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.room_id} {self.start:%Y-%m-%d %H:%M} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    # Who a booking is for, the one way every page, e-mail, feed and API output says it: a
    # phone booking and a block have no user, and a client may have no name or phone yet.
    @property
    def contact_name(self) -> str:
        if self.client_name or self.user is None:
            return self.client_name
        return self.user.get_full_name()

    @property
    def contact_phone(self) -> str:
        if self.client_phone or self.user is None:
            return self.client_phone
        return str(self.user.phone or "")

    @property
    def client_label(self) -> str:
        """«Иван Петров +7…», «Бронь по телефону: Иван», «Блокировка: ремонт»."""
        if self.kind == self.Kind.BLOCK:
            if self.note:
                return gettext("Block: %(reason)s") % {"reason": self.note}
            return gettext("Block")
        who = " ".join(part for part in (self.contact_name, self.contact_phone) if part)
        if self.kind == self.Kind.MANUAL or self.user is None:
            if who:
                return gettext("Phone booking: %(client)s") % {"client": who}
            return gettext("Phone booking")
        return who


class BookingEvent(models.Model):
    """One change of a booking's state: the history staff read in the admin."""

    booking = models.ForeignKey(
        Booking, on_delete=models.CASCADE, related_name="events", verbose_name=_("booking")
    )
    from_status = models.CharField(_("from status"), max_length=12, blank=True)
    to_status = models.CharField(_("to status"), max_length=12)
    action = models.CharField(_("action"), max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("booking state change")
        verbose_name_plural = _("booking state changes")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or '—'} → {self.to_status} ({self.action})"


class Payment(models.Model):
    """An online payment attempt for a booking at a payment provider."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SUCCEEDED = "succeeded", _("succeeded")
        FAILED = "failed", _("failed")
        # Money arrived that is not a payment of the booking (another amount or currency, or
        # too late): it confirms nothing and must go back to the client.
        REFUND_DUE = "refund_due", _("refund due")

    booking = models.ForeignKey(
        Booking, on_delete=models.PROTECT, related_name="payments", verbose_name=_("booking")
    )
    provider = models.CharField(_("provider"), max_length=20)
    amount = models.DecimalField(_("amount, ₽"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default=CURRENCY)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    external_id = models.CharField(_("provider's id"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="payment_amount_not_negative")
        ]

    def __str__(self) -> str:
        return f"{self.provider} #{self.pk} {self.amount} ({self.status})"


class Review(models.Model):
    """A client's rating (1–5) of a room after a completed booking; one per booking."""

    booking = models.OneToOneField(
        Booking, on_delete=models.CASCADE, related_name="review", verbose_name=_("booking")
    )
    room = models.ForeignKey(
        "venues.Room", on_delete=models.CASCADE, related_name="reviews", verbose_name=_("room")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reviews",
        verbose_name=_("client"),
    )
    rating = models.PositiveSmallIntegerField(_("rating"))
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="review_rating_1_to_5"
            )
        ]
        indexes = [models.Index(fields=["room", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.room_id}: {self.rating}"


def _new_token() -> str:
    return secrets.token_urlsafe(24)


class RoomCalendarFeed(models.Model):
    """The secret token of a room's iCal feed for the venue team (regenerating it revokes it)."""

    room = models.OneToOneField(
        "venues.Room", on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(_("token"), max_length=64, unique=True, default=_new_token)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("room calendar feed")
        verbose_name_plural = _("room calendar feeds")

    def __str__(self) -> str:
        return f"feed of room {self.room_id}"


class TsTzMultirangeField(models.Field):
    """PostgreSQL's `tstzmultirange` (psycopg reads it as a list of ranges)."""

    description = "A set of non-overlapping time ranges"

    def db_type(self, connection) -> str:
        return "tstzmultirange"


class OpenDay(models.Model):
    """A room's slots of one business day as `bookings.schedule` lays them out, stored so the
    free-time search can ask PostgreSQL (docs/availability.md).

    `open` is the union of the day's priced slots (a slot without a price band is closed),
    `origin` the start of its first slot and `slot_minutes` the grid, so a free run is aligned
    to the grid in SQL; `prices` holds each slot's price in kopecks from `origin` on (NULL:
    closed). `busy` is what the room's active bookings other than holds occupy (start to
    occupied_until) from the opening to four hours (the longest buffer) after the close; holds
    are read live, since an expired one is free before the expiry job runs. `open` and `prices`
    are rewritten by `bookings.services.open_time` when the schedule changes; `busy` by a
    trigger on bookings (migration 0005), whatever writes them. A day with no priced slot has
    no row.
    """

    room = models.ForeignKey(
        "venues.Room",
        on_delete=models.CASCADE,
        related_name="open_days",
        verbose_name=_("room"),
        db_index=False,  # the (room, day) index below serves it
    )
    day = models.DateField(_("business day"))
    origin = models.DateTimeField(_("first slot starts"))
    slot_minutes = models.PositiveSmallIntegerField(_("slot step"))
    open = TsTzMultirangeField(_("open time"))
    prices = ArrayField(models.IntegerField(null=True), verbose_name=_("slot prices, kopecks"))
    busy = TsTzMultirangeField(_("booked time"), default="{}")

    class Meta:
        verbose_name = _("open day")
        verbose_name_plural = _("open days")
        constraints = [
            # (day, room): the search reads one day of many rooms, one row per room.
            models.UniqueConstraint(fields=["day", "room"], name="open_day_one_per_room_and_day"),
        ]
        # The refreshes and the bookings trigger read one room's days.
        indexes = [models.Index(fields=["room", "day"], name="open_day_room_day")]

    def __str__(self) -> str:
        return f"{self.room_id} {self.day}"
