"""Extension point of the catalogue search: apps above venues add filters to it.

bookings adds "free on date D between T1 and T2 for H hours" this way (venues must not import
bookings). An extension gives the form fields it needs and a function narrowing the rooms.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
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
