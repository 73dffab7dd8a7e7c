"""Write operations on accounts."""

from __future__ import annotations

from datetime import date, datetime

from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import signals
from accounts.models import User
from core.after_commit import announce
from core.errors import ApplicationError
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


# What staff may change of someone's access in admin (groups and permissions are not used).
ACCESS_FIELDS = ("is_active", "is_staff", "is_superuser")


def user_create(*, actor: User, email: str, password: str) -> User:
    """Staff add a user with a password (the add form has validated it); audited."""
    if User.objects.filter(email__iexact=email.strip()).exists():
        message = _("A user with this e-mail already exists.")
        raise ApplicationError(message, fields={"email": [message]})
    with transaction.atomic():
        user = User.objects.create_user(email, password)
        audit_record(actor=actor, action="user.create", obj=user, after={"email": user.email})
    return user


def user_access_update(
    *,
    actor: User,
    user: User,
    is_active: bool | None = None,
    is_staff: bool | None = None,
    is_superuser: bool | None = None,
) -> User:
    """Staff switch a user's account on or off, or their staff rights; audited."""
    wanted = {"is_active": is_active, "is_staff": is_staff, "is_superuser": is_superuser}
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        before = {name: getattr(user, name) for name in ACCESS_FIELDS}
        for name, value in wanted.items():
            if value is not None:
                setattr(user, name, value)
        after = {name: getattr(user, name) for name in ACCESS_FIELDS}
        if after != before:
            user.save(update_fields=list(ACCESS_FIELDS))
            audit_record(actor=actor, action="user.access", obj=user, before=before, after=after)
    return user


def sessions_clear_expired(*, now: datetime) -> int:
    """Delete the sessions that expired before `now`; returns how many."""
    deleted, _ = Session.objects.filter(expire_date__lt=now).delete()
    return deleted
