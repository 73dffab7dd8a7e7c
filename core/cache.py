"""The cache backend: django-redis, degrading to "nothing cached" while Redis cannot be reached."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from django_redis.cache import RedisCache as DjangoRedisCache
from django_redis.cache import omit_exception
from django_redis.client import DefaultClient
from django_redis.exceptions import ConnectionInterrupted

# After one call failed to reach Redis, calls fail at once for this long instead of each
# waiting for its timeout: a paused Redis costs a page one timeout, not one per cache call.
PAUSE_AFTER_FAILURE = 5.0
_down_until = 0.0  # time.monotonic() before which no call tries Redis

P = ParamSpec("P")
R = TypeVar("R")


class RedisUnavailableError(ConnectionError):
    """Redis failed a moment ago; not tried again yet."""


class _FailFast:
    """django-redis's client, whose calls fail at once for a while after one failed."""

    def __init__(self, client: object) -> None:
        self._client = client

    def __getattr__(self, name: str) -> object:
        attribute = getattr(self._client, name)
        if not callable(attribute):
            return attribute
        return self._guarded(attribute)

    @staticmethod
    def _guarded(method: Callable[P, R]) -> Callable[P, R]:
        def call(*args: P.args, **kwargs: P.kwargs) -> R:
            global _down_until
            if time.monotonic() < _down_until:
                raise ConnectionInterrupted(connection=None) from RedisUnavailableError()
            try:
                return method(*args, **kwargs)
            except ConnectionInterrupted:
                _down_until = time.monotonic() + PAUSE_AFTER_FAILURE
                raise

        return call


class RedisCache(DjangoRedisCache):
    """django-redis with IGNORE_EXCEPTIONS answers a miss to reads and writes when Redis is down,
    failing fast after a first failure; `add` answers "added" too. A lock taken with `add`
    (allauth's rate-limit lock) guards a counter that is not kept while Redis is down: "held by
    someone else" would answer every login with 429 until Redis is back."""

    @property
    def client(self) -> DefaultClient:
        return _FailFast(super().client)

    @omit_exception(return_value=True)
    def add(self, *args: object, **kwargs: object) -> bool:
        return bool(self.client.add(*args, **kwargs))
