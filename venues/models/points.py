"""Period rules of the share of a booking payable by points, for a venue or one of its rooms."""

from __future__ import annotations

import datetime

from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.periods import period_matches
from venues.models.venues import POINTS_PERCENT_MESSAGE, Room, Venue


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
