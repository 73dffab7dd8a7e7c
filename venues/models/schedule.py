"""When venues are open: weekly hours, exceptions on given dates, and the public holidays."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from venues.models.venues import Venue


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
