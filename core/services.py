"""Shared write operations: recording an audit entry."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import models

from core.models import AuditLog


def audit_record(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    action: str,
    obj: models.Model,
    before: dict[str, object] | None = None,
    after: dict[str, object] | None = None,
) -> AuditLog:
    """Record that `actor` did `action` to `obj`, inside the transaction that made the change."""
    return AuditLog.objects.create(
        actor_id=actor.pk if isinstance(actor, AbstractBaseUser) else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        before=before,
        after=after,
    )
