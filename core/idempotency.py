"""`Idempotency-Key` for POST endpoints: the same key answers the same, a new body is refused.

Wrap an API view method with `@idempotent`. Without the header the request runs as usual. With
it, the request is identified by (user, key); the first one runs and its answer (any status
below 500) is stored; a retry with the same method, path and body gets the stored answer back
(with `Idempotent-Replayed: true`); the same key with another request gets 422.

Concurrent duplicates are serialised by a PostgreSQL advisory lock on (user, key), taken on the
request's own connection outside any transaction, so the wrapped service can still open its own
durable transaction. The unique constraint on (user, key) is the backstop.

`@idempotent_in_transaction` is the lean form for a hot path (booking): no lock and no look-up
first. The view's service calls `store_within` inside the transaction that makes the change, so
the key commits with the change or not at all; a concurrent duplicate waits on the key's unique
index until the first commits, rolls back and replays the first's answer. A retry runs the view
again, which reaches the stored key (or a refusal whose answer cannot be stored) and replays.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import time
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Concatenate, ParamSpec, TypeVar

from django.db import IntegrityError, connection
from django.utils.translation import gettext as _
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.models import IdempotencyKey
from core.sql import insert_sql

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


def _key(request: Request) -> tuple[int, str] | None:
    """(the client's id, the Idempotency-Key) when one applies: a signed-in client sent it."""
    key = request.headers.get(HEADER)
    user_id = request.user.pk if request.user.is_authenticated else None
    return (user_id, key) if key and user_id is not None else None


def _key_too_long() -> Response:
    return _error(400, "invalid", _("The Idempotency-Key header is longer than 255 characters."))


def _answer(view: APIView, call: Callable[[], Response]) -> Response:
    """The view's response; errors are answers too (a 409 stays a 409 on retry)."""
    try:
        return call()
    except Exception as exc:  # unhandled ones re-raise from handle_exception
        return view.handle_exception(exc)


def _json(data: object) -> Mapping[str, object]:
    """What a stored answer keeps: the response data (an API object) as JSON carries it."""
    return json.loads(json.dumps(data, default=str))


def idempotent(
    method: Callable[Concatenate[View, AnyRequest, Params], Response],
) -> Callable[Concatenate[View, AnyRequest, Params], Response]:
    """Decorate an APIView method (post) so an `Idempotency-Key` header makes it safe to retry."""

    @functools.wraps(method)
    def wrapper(
        self: View, request: AnyRequest, *args: Params.args, **kwargs: Params.kwargs
    ) -> Response:
        found = _key(request)
        if found is None:
            return method(self, request, *args, **kwargs)
        user_id, key = found
        if len(key) > MAX_KEY_LENGTH:
            return _key_too_long()
        fingerprint = _fingerprint(request)
        lock = _lock_id(user_id, key)
        with connection.cursor() as cursor:
            # Session-level lock: a concurrent duplicate waits here until the first one has
            # stored its answer, then replays it instead of running the operation again.
            cursor.execute("SELECT pg_advisory_lock(%s)", [lock])
        try:
            stored = IdempotencyKey.objects.filter(user_id=user_id, key=key).first()
            if stored is not None:
                return _replay(stored, fingerprint)
            response = _answer(self, lambda: method(self, request, *args, **kwargs))
            if response.status_code < 500:
                # The advisory lock makes a duplicate impossible; the constraint is the backstop.
                with contextlib.suppress(IntegrityError):
                    IdempotencyKey.objects.create(
                        user_id=user_id,
                        key=key,
                        fingerprint=fingerprint,
                        response_status=response.status_code,
                        response_body=_json(response.data),
                    )
            return response
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [lock])

    _IDEMPOTENT.add(wrapper)
    return wrapper


# A key stored with its change whose answer is written just after commit (`store_within` with no
# body): a duplicate that finds it waits up to WAIT for the answer.
PENDING = 0
WAIT = 3.0


@dataclass
class _Claim:
    user_id: int
    key: str
    fingerprint: str
    pk: int | None = None  # the stored row, once written
    pending: bool = False  # stored without its answer, which is written after commit


_claim: ContextVar[_Claim | None] = ContextVar("idempotency_claim", default=None)


class KeyTaken(Exception):
    """Another request stored this key meanwhile: roll back and replay its answer."""


def _store(claim: _Claim, status: int, body: Mapping[str, object] | None) -> bool:
    """Insert the key with its answer (`body` None: PENDING); False if it is stored already."""
    row = IdempotencyKey(
        user_id=claim.user_id,
        key=claim.key,
        fingerprint=claim.fingerprint,
        response_status=status if body is not None else PENDING,
        response_body=_json(body) if body is not None else None,
    )
    sql, params = insert_sql(row, ignore_conflicts=True)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchone()
    if found is None:
        return False
    claim.pk, claim.pending = found[0], body is None
    return True


def store_within(status: int, body: Mapping[str, object] | None) -> None:
    """Inside the transaction of the change made by an `@idempotent_in_transaction` view: store
    the request's key with its answer (None: the answer needs the commit, e.g. a provider's
    payment URL; it is written right after). Nothing without an Idempotency-Key. Raises
    `KeyTaken` (the transaction must roll back) when another request stored the key."""
    claim = _claim.get()
    if claim is not None and not _store(claim, status, body):
        raise KeyTaken


def _replay_stored(claim: _Claim) -> Response:
    """The answer stored under the claim's key, waiting a little for a PENDING one."""
    deadline = time.monotonic() + WAIT
    while True:
        stored = IdempotencyKey.objects.filter(user_id=claim.user_id, key=claim.key).first()
        if stored is not None and stored.response_status != PENDING:
            return _replay(stored, claim.fingerprint)
        if time.monotonic() > deadline:
            return _error(
                409,
                "idempotency_key_in_progress",
                _("A request with this Idempotency-Key is still being processed. Retry later."),
            )
        time.sleep(0.02)  # the first request is between its commit and writing its answer


def idempotent_in_transaction(
    method: Callable[Concatenate[View, AnyRequest, Params], Response],
) -> Callable[Concatenate[View, AnyRequest, Params], Response]:
    """Like `@idempotent`, for a view whose service calls `store_within` in its transaction."""

    @functools.wraps(method)
    def wrapper(
        self: View, request: AnyRequest, *args: Params.args, **kwargs: Params.kwargs
    ) -> Response:
        found = _key(request)
        if found is None:
            return method(self, request, *args, **kwargs)
        user_id, key = found
        if len(key) > MAX_KEY_LENGTH:
            return _key_too_long()
        claim = _Claim(user_id=user_id, key=key, fingerprint=_fingerprint(request))
        token = _claim.set(claim)
        try:
            response = method(self, request, *args, **kwargs)
        except KeyTaken:
            return _replay_stored(claim)
        except Exception as exc:
            # Errors are answers too (a 409 stays a 409 on retry); unhandled ones re-raise.
            response = self.handle_exception(exc)
        finally:
            _claim.reset(token)
        if response.status_code >= 500:
            return response
        body = _json(response.data)
        if claim.pk is None:
            # Refused before any change: store the refusal, unless the key was stored meanwhile
            # (a retry of a request that went through): then that answer is the one.
            if not _store(claim, response.status_code, body):
                return _replay_stored(claim)
        elif claim.pending:
            IdempotencyKey.objects.filter(pk=claim.pk).update(
                response_status=response.status_code, response_body=body
            )
        return response

    _IDEMPOTENT.add(wrapper)
    return wrapper


def idempotency_keys_clear(*, now: datetime, older_than_hours: int = 48) -> int:
    """Forget stored answers older than `older_than_hours` (clients retry within minutes)."""
    deleted, _details = IdempotencyKey.objects.filter(
        created_at__lt=now - timedelta(hours=older_than_hours)
    ).delete()
    return deleted
