"""Shared write operations: recording an audit entry."""

from __future__ import annotations

from typing import Any

from django.db import models

from core.models import AuditLog


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditLog:
    """Record that `actor` did `action` to `obj`, inside the transaction that made the change."""
    return AuditLog.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        before=before,
        after=after,
    )
