"""The login lockout's two questions to us (django-axes, see settings): which account a login
attempt names, and what a locked-out client is told."""

from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

# The field naming the account: the token API's and allauth's `email`, allauth's form `login`,
# the admin's `username`.
LOGIN_FIELDS = ("email", "login", "username")


def login_name(request: HttpRequest, credentials: Mapping[str, object] | None) -> str:
    """The account an attempt is for, spelt one way, so "A@x.ru" and "a@x.ru " count together."""
    values = credentials or request.POST
    for field in LOGIN_FIELDS:
        value = values.get(field)
        if value:
            return str(value).strip().lower()
    return ""


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: Mapping[str, object] | None = None,
) -> HttpResponse:
    """429 with a clear message: JSON in the API's error shape for /api/, a page otherwise."""
    message = _("Too many failed login attempts. Try again later.")
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"error": {"code": "locked_out", "message": message, "fields": {}}}, status=429
        )
    else:
        response = render(request, "account/lockout.html", {"message": message}, status=429)
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response
