"""The cache backend: django-redis, degrading to "nothing cached" while Redis cannot be reached."""

from __future__ import annotations

from django_redis.cache import RedisCache as DjangoRedisCache
from django_redis.cache import omit_exception


class RedisCache(DjangoRedisCache):
    """django-redis with IGNORE_EXCEPTIONS answers a miss to reads and writes when Redis is down;
    `add` answers "added" too. A lock taken with `add` (allauth's rate-limit lock) guards a counter
    that is not kept while Redis is down: "held by someone else" would answer every login with
    429 until Redis is back."""

    @omit_exception(return_value=True)
    def add(self, *args: object, **kwargs: object) -> bool:
        return bool(self.client.add(*args, **kwargs))
