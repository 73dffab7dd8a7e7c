"""Shared write helpers: the audit log, and checking and saving a model the way services do."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from core.errors import ApplicationError, Conflict
from core.models import AuditLog

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def audit_record(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    action: str,
    obj: models.Model,
    before: Mapping[str, object] | None = None,
    after: Mapping[str, object] | None = None,
) -> AuditLog:
    """Record that `actor` did `action` to `obj`, inside the transaction that made the change."""
    return AuditLog.objects.create(
        actor_id=actor.pk if isinstance(actor, AbstractBaseUser) else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        before=dict(before) if before is not None else None,
        after=dict(after) if after is not None else None,
    )


def json_value(value: object) -> object:
    """A field's value as the audit log stores it: ids for objects, text for dates and money."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, Decimal | datetime.date | datetime.time | datetime.datetime):
        return str(value)
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    return value


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, object]:
    """The named fields of `obj`, for an audit record's before / after."""
    return {name: json_value(getattr(obj, name)) for name in fields}


def full_clean(
    obj: models.Model, *, exclude: Iterable[str] = (), constraints: bool = False
) -> None:
    """Run the model's validators (and, with `constraints`, its constraints' checks); their
    messages become an ApplicationError with fields."""
    try:
        obj.full_clean(exclude=list(exclude), validate_constraints=constraints)
    except ValidationError as error:
        fields = {
            name: [str(m) for m in messages]
            for name, messages in error.message_dict.items()
            if name != "__all__"
        }
        general = error.message_dict.get("__all__")
        message = general[0] if general else _("Please correct the errors below.")
        raise ApplicationError(message, fields=fields) from error


def save_or_conflict(obj: models.Model, message: StrOrPromise) -> None:
    """Save; a database constraint the checks before did not foresee becomes a clear 409."""
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as error:
        raise Conflict(message) from error


def apply_values(obj: models.Model, values: Mapping[str, object], allowed: Iterable[str]) -> None:
    """Set the given fields of `obj`; a field outside `allowed` is refused."""
    allowed = set(allowed)
    for name, value in values.items():
        if name not in allowed:
            raise ApplicationError(_("Unknown field: %(name)s.") % {"name": name})
        setattr(obj, name, value)
