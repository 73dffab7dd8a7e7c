"""Extension points of the catalogue: apps above venues add search filters and the cashback %.

bookings adds "free on date D between T1 and T2 for H hours" this way (venues must not import
bookings). An extension gives the form fields it needs and a function narrowing the rooms.
loyalty registers the cashback % a visitor earns, shown on room cards and in the rooms API.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet


@dataclass(frozen=True)
class SearchExtension:
    name: str
    fields: Callable[[], dict[str, forms.Field]]
    # (rooms, the cleaned values of this extension's fields) -> rooms; called only when at
    # least one of its fields was filled in.
    apply: Callable[[QuerySet, dict[str, Any]], QuerySet]
    # Checks across the extension's fields; raises forms.ValidationError with a message.
    clean: Callable[[dict[str, Any]], None] = lambda values: None


EXTENSIONS: list[SearchExtension] = []


def register(extension: SearchExtension) -> None:
    if all(existing.name != extension.name for existing in EXTENSIONS):
        EXTENSIONS.append(extension)


# The cashback % a visitor earns at a venue before campaigns, for room cards and the rooms API.
# loyalty registers it (venues must not import loyalty); None: no loyalty programme installed.
CashbackPercent = Callable[[Any, Any], Decimal]
_cashback: list[CashbackPercent] = []


def register_cashback(function: CashbackPercent) -> None:
    _cashback[:] = [function]


def cashback_percent(request: Any, venue: Any) -> Decimal | None:
    """The cashback % `request`'s visitor earns at `venue` (tier + boost, within the cap)."""
    return _cashback[0](request, venue) if _cashback else None
