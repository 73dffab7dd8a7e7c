"""Write operations on accounts."""

from __future__ import annotations

from datetime import date, datetime

from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from accounts import signals
from accounts.models import User
from core.after_commit import announce
from core.services import audit_record


def profile_update(
    *, user: User, name: str, phone, birthday: date | None, actor: User | None = None
) -> User:
    """Change a user's name, phone and birthday; remember when the birthday changed."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        before = {
            "name": user.name,
            "phone": str(user.phone or ""),
            "birthday": str(user.birthday or ""),
        }
        if birthday != user.birthday:
            user.birthday_set_at = timezone.now() if birthday else None
        user.name = name
        user.phone = phone or ""
        user.birthday = birthday
        user.save(update_fields=["name", "phone", "birthday", "birthday_set_at"])
        after = {
            "name": user.name,
            "phone": str(user.phone or ""),
            "birthday": str(user.birthday or ""),
        }
        if before != after:
            audit_record(
                actor=actor or user, action="profile.update", obj=user, before=before, after=after
            )
            announce(signals.profile_updated, sender=User, user_id=user.pk)
    return user


def sessions_clear_expired(*, now: datetime) -> int:
    """Delete the sessions that expired before `now`; returns how many."""
    deleted, _ = Session.objects.filter(expire_date__lt=now).delete()
    return deleted
