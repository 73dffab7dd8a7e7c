"""`Idempotency-Key` for POST endpoints: the same key answers the same, a new body is refused.

Wrap an API view method with `@idempotent`. Without the header the request runs as usual. With
it, the request is identified by (user, key); the first one runs and its answer (any status
below 500) is stored; a retry with the same method, path and body gets the stored answer back
(with `Idempotent-Replayed: true`); the same key with another request gets 422.

Concurrent duplicates are serialised by a PostgreSQL advisory lock on (user, key), taken on the
request's own connection outside any transaction, so the wrapped service can still open its own
durable transaction. The unique constraint on (user, key) is the backstop.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Concatenate, ParamSpec, TypeVar

from django.db import IntegrityError, connection
from django.utils.translation import gettext as _
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.models import IdempotencyKey

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255


def _fingerprint(request: Request) -> str:
    try:
        body = json.dumps(request.data, sort_keys=True, default=str)
    except (TypeError, ValueError):
        body = repr(request.data)
    raw = f"{request.method} {request.path}\n{body}"
    return hashlib.sha256(raw.encode()).hexdigest()


def _lock_id(user_id: int, key: str) -> int:
    digest = hashlib.sha256(f"idempotency:{user_id}:{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _error(status: int, code: str, message: str) -> Response:
    return Response({"error": {"code": code, "message": message, "fields": {}}}, status=status)


def _replay(stored: IdempotencyKey, fingerprint: str) -> Response:
    if stored.fingerprint != fingerprint:
        return _error(
            422,
            "idempotency_key_reused",
            _("This Idempotency-Key was already used for a different request."),
        )
    response = Response(stored.response_body, status=stored.response_status)
    response["Idempotent-Replayed"] = "true"
    return response


View = TypeVar("View", bound=APIView)
AnyRequest = TypeVar("AnyRequest", bound=Request)
Params = ParamSpec("Params")


# The wrapped view methods, so the API schema can document the header and its answers.
_IDEMPOTENT: set[object] = set()


def is_idempotent(handler: object) -> bool:
    """Whether `handler` (a view method, bound or not) was wrapped with `@idempotent`."""
    return getattr(handler, "__func__", handler) in _IDEMPOTENT


def idempotent(
    method: Callable[Concatenate[View, AnyRequest, Params], Response],
) -> Callable[Concatenate[View, AnyRequest, Params], Response]:
    """Decorate an APIView method (post) so an `Idempotency-Key` header makes it safe to retry."""

    @functools.wraps(method)
    def wrapper(
        self: View, request: AnyRequest, *args: Params.args, **kwargs: Params.kwargs
    ) -> Response:
        key = request.headers.get(HEADER)
        if not key or not request.user.is_authenticated:
            return method(self, request, *args, **kwargs)
        if len(key) > MAX_KEY_LENGTH:
            return _error(
                400, "invalid", _("The Idempotency-Key header is longer than 255 characters.")
            )
        fingerprint = _fingerprint(request)
        lock = _lock_id(request.user.pk, key)
        with connection.cursor() as cursor:
            # Session-level lock: a concurrent duplicate waits here until the first one has
            # stored its answer, then replays it instead of running the operation again.
            cursor.execute("SELECT pg_advisory_lock(%s)", [lock])
        try:
            stored = IdempotencyKey.objects.filter(user=request.user, key=key).first()
            if stored is not None:
                return _replay(stored, fingerprint)
            try:
                response = method(self, request, *args, **kwargs)
            except Exception as exc:
                # Errors are answers too (a 409 stays a 409 on retry); unhandled ones re-raise.
                response = self.handle_exception(exc)
            if response.status_code < 500:
                # The advisory lock makes a duplicate impossible; the constraint is the backstop.
                with contextlib.suppress(IntegrityError):
                    IdempotencyKey.objects.create(
                        user=request.user,
                        key=key,
                        fingerprint=fingerprint,
                        response_status=response.status_code,
                        response_body=json.loads(json.dumps(response.data, default=str)),
                    )
            return response
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [lock])

    _IDEMPOTENT.add(wrapper)
    return wrapper


def idempotency_keys_clear(*, now: datetime, older_than_hours: int = 48) -> int:
    """Forget stored answers older than `older_than_hours` (clients retry within minutes)."""
    deleted, _details = IdempotencyKey.objects.filter(
        created_at__lt=now - timedelta(hours=older_than_hours)
    ).delete()
    return deleted
