"""The catalogue filter bookings adds: rooms free on a date, between two times, for some hours,
on the search page and in the rooms API, each room found with its earliest free window."""

from __future__ import annotations

from datetime import time, timedelta
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import DateField, QuerySet, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from bookings import selectors
from venues.extensions import SearchExtension
from venues.models import Room


def _fields() -> dict[str, forms.Field]:
    return {
        "free_date": forms.DateField(
            label=_("Free on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
        ),
        "free_from": forms.TimeField(
            label=_("between"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
        ),
        "free_to": forms.TimeField(
            label=_("and"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
        ),
        "free_hours": forms.DecimalField(
            label=_("for, hours"),
            required=False,
            min_value=Decimal("0.5"),
            max_value=Decimal(24),
            decimal_places=1,
            widget=forms.NumberInput(attrs={"step": "0.5"}),
        ),
    }


def _api_fields() -> dict[str, serializers.Field]:
    """The same filter as query parameters of the rooms API; a malformed one is a 400."""
    return {
        "free_date": serializers.DateField(
            required=False, help_text="Business day the room must be free on (YYYY-MM-DD)"
        ),
        "free_from": serializers.TimeField(
            required=False, help_text="Venue time the free run may start at (HH:MM; 00:00 if empty)"
        ),
        "free_to": serializers.TimeField(
            required=False,
            help_text="Venue time it must end by (HH:MM; at or before free_from: past midnight)",
        ),
        "free_hours": serializers.DecimalField(
            required=False,
            max_digits=3,
            decimal_places=1,
            min_value=Decimal("0.5"),
            max_value=Decimal(24),
            help_text="Length of the free run in hours (0.5 to 24; 1 if empty)",
        ),
    }


def _clean(values: dict[str, Any]) -> None:
    if values.get("free_date") is None:
        raise forms.ValidationError(_("Choose the date the room must be free on."))
    today = timezone.localdate()
    if values["free_date"] < today:
        raise forms.ValidationError(_("The date is in the past."))
    if values["free_date"] > today + timedelta(days=settings.BOOKINGS_HORIZON_DAYS):
        raise forms.ValidationError(
            _("Bookings open at most %(days)s days ahead.")
            % {"days": settings.BOOKINGS_HORIZON_DAYS}
        )


def _apply(rooms: QuerySet[Room], values: dict[str, Any]) -> QuerySet[Room]:
    # Each room found carries `free_window` and `free_price` (the selector) and `free_day`, so
    # its card can say when it is free and link to the slot picker with that time chosen.
    return selectors.rooms_free_between(
        rooms,
        date=values["free_date"],
        start_time=values.get("free_from") or time(0, 0),
        end_time=values.get("free_to") or time(0, 0),
        hours=values.get("free_hours") or 1,
    ).annotate(free_day=Value(values["free_date"], output_field=DateField()))


FREE_ON_DATE = SearchExtension(
    name="free_on_date", fields=_fields, api_fields=_api_fields, apply=_apply, clean=_clean
)
