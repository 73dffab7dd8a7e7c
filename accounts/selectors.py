"""Read operations on accounts."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.contrib.auth import authenticate
from django.http import HttpRequest

from accounts.models import User


def user_authenticate(*, request: HttpRequest, email: str, password: str) -> User | None:
    """The active user with this e-mail and password whose e-mail is confirmed, else None."""
    user = authenticate(request, email=email.strip().lower(), password=password)
    if user is None or not EmailAddress.objects.filter(user=user, verified=True).exists():
        return None
    return user
