"""The catalogue filter bookings adds: rooms free on a date, between two times, for some hours."""

from __future__ import annotations

from datetime import time
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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


def _clean(values: dict[str, Any]) -> None:
    if values.get("free_date") is None:
        raise forms.ValidationError(_("Choose the date the room must be free on."))
    if values["free_date"] < timezone.localdate():
        raise forms.ValidationError(_("The date is in the past."))


def _apply(rooms: QuerySet[Room], values: dict[str, Any]) -> QuerySet[Room]:
    return selectors.rooms_free_between(
        rooms,
        date=values["free_date"],
        start_time=values.get("free_from") or time(0, 0),
        end_time=values.get("free_to") or time(0, 0),
        hours=values.get("free_hours") or 1,
    )


FREE_ON_DATE = SearchExtension(name="free_on_date", fields=_fields, apply=_apply, clean=_clean)
