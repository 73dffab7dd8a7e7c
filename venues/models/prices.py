"""Hourly prices of rooms by day type and time band."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from venues.models.venues import Room

PRICE_POSITIVE_MESSAGE = _("The price must be more than zero.")


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
