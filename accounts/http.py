"""Typed requests of a signed-in user, for views behind `login_required` or `IsAuthenticated`.

Django and DRF type `request.user` as "a user or AnonymousUser"; a view that only a signed-in
user reaches annotates its request with these, so the services it calls get a `User`.
"""

from __future__ import annotations

from django.http import HttpRequest
from rest_framework.request import Request

from accounts.models import User


class SignedInRequest(HttpRequest):
    user: User


class SignedInApiRequest(Request):
    user: User
