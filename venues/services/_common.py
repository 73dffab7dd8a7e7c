"""Helpers every venues service shares: snapshots for the audit log, validation, saving."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from core.errors import ApplicationError, Conflict


def json_value(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, Decimal | datetime.date | datetime.time | datetime.datetime):
        return str(value)
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    return value


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    return {name: json_value(getattr(obj, name)) for name in fields}


def full_clean(obj: models.Model, *, exclude: Iterable[str] = ()) -> None:
    """Run the model's validators; their messages become an ApplicationError with fields."""
    try:
        obj.full_clean(exclude=list(exclude), validate_constraints=False)
    except ValidationError as error:
        fields = {
            name: [str(m) for m in messages]
            for name, messages in error.message_dict.items()
            if name != "__all__"
        }
        general = error.message_dict.get("__all__")
        message = general[0] if general else _("Please correct the errors below.")
        raise ApplicationError(message, fields=fields) from error


def save_or_conflict(obj: models.Model, message: str) -> None:
    """Save; a database constraint the checks above did not foresee becomes a clear 409."""
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as error:
        raise Conflict(message) from error


def apply_values(obj: models.Model, values: Mapping[str, Any], allowed: Iterable[str]) -> None:
    allowed = set(allowed)
    for name, value in values.items():
        if name not in allowed:
            raise ApplicationError(_("Unknown field: %(name)s.") % {"name": name})
        setattr(obj, name, value)
