"""The outbox: Celery tasks owed by committed changes, published after commit or by a job later.

`core.after_commit.enqueue` writes an `OutboxMessage` in the change's own transaction and
publishes it once that commits. When the broker is down or slow, the publish fails within the
broker's timeouts (see CELERY_BROKER_TRANSPORT_OPTIONS), the failure is logged, and the caller's
answer is not held up: the `core_outbox_drain` job publishes what is still owed once the broker
is back. A message can so be published twice (published, then the process died before marking
it sent), never lost; every task must be safe to run twice.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from datetime import datetime, timedelta

from celery import current_app
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

from core.jobs import register
from core.models import OutboxMessage

logger = logging.getLogger(__name__)

# The publish right after commit has this long before the drain job may publish the message too.
GRACE = timedelta(minutes=1)
# A drain run holds the messages it took this long; a run that died leaves them to a later one.
LEASE = timedelta(minutes=2)
# After a failed publish, requests stop trying for a while: one slow broker timeout per window
# instead of one per task of every request.
PAUSE_AFTER_FAILURE = 5.0
KEEP_SENT = timedelta(days=7)
BATCH = 500

BROKER_ERRORS = (OperationalError, RedisError, OSError)
_broker_down_until = 0.0  # time.monotonic() before which requests do not try the broker


def message_new(task_name: str, args: list[object]) -> OutboxMessage:
    """The (unsaved) message owing the task `task_name(*args)`."""
    return OutboxMessage(task=task_name, args=args, available_at=timezone.now() + GRACE)


def message_write(task_name: str, args: list[object]) -> OutboxMessage:
    """Owe the task `task_name(*args)`: a row in the current transaction (if any)."""
    message = message_new(task_name, args)
    message.save()
    return message


def messages_write(messages: list[OutboxMessage]) -> None:
    """Owe several tasks: one INSERT in the current transaction."""
    OutboxMessage.objects.bulk_create(messages)


def _publish(message: OutboxMessage) -> bool:
    """Hand `message` to the broker; on failure note why on the row (the drain job retries)."""
    try:
        # No retries here: the outbox is the retry, and the caller must not wait for it.
        current_app.tasks[message.task].apply_async(message.args, retry=False)
    except BROKER_ERRORS as error:
        logger.warning(
            "task not published, the outbox keeps it",
            extra={"task": message.task, "outbox_id": message.pk, "error": str(error)},
        )
        OutboxMessage.objects.filter(pk=message.pk).update(last_error=str(error)[:1000])
        return False
    return True


def _mark_sent(messages: list[OutboxMessage]) -> None:
    if messages:
        OutboxMessage.objects.filter(pk__in=[m.pk for m in messages]).update(sent_at=timezone.now())


def publish_after_commit(messages: list[OutboxMessage]) -> None:
    """Try to publish `messages` now (they are committed) and mark the ones published in one
    UPDATE; after a failure the rest wait for the drain job."""
    global _broker_down_until
    sent: list[OutboxMessage] = []
    for message in messages:
        if time.monotonic() < _broker_down_until:
            break
        if not _publish(message):
            _broker_down_until = time.monotonic() + PAUSE_AFTER_FAILURE
            break
        sent.append(message)
    _mark_sent(sent)


def outbox_drain(*, now: datetime, batch: int = BATCH) -> tuple[int, int]:
    """Publish the messages still owed (oldest first); returns (published, still pending).

    Messages are taken with SKIP LOCKED and leased, so two drains never publish one message
    at once, and the publishing itself happens outside the transaction."""
    with transaction.atomic(durable=True):
        ids = list(
            OutboxMessage.objects.filter(sent_at__isnull=True, available_at__lte=now)
            .order_by("pk")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:batch]
        )
        OutboxMessage.objects.filter(pk__in=ids).update(
            available_at=now + LEASE, attempts=F("attempts") + 1
        )
    published = 0
    for message in _in_order(ids):
        if not _publish(message):
            break  # the broker is still down: the rest waits for the next run
        _mark_sent([message])  # at once: a drain that dies later does not publish it again
        published += 1
    OutboxMessage.objects.filter(sent_at__lt=now - KEEP_SENT).delete()
    return published, OutboxMessage.objects.filter(sent_at__isnull=True).count()


def _in_order(ids: list[int]) -> Iterable[OutboxMessage]:
    return OutboxMessage.objects.filter(pk__in=ids).order_by("pk").iterator()


@register(
    "core_outbox_drain",
    every=timedelta(minutes=1),
    description="Publish the tasks that could not be published when their change committed",
)
def drain(*, now: datetime) -> str:
    published, pending = outbox_drain(now=now)
    return f"published {published} outbox messages, {pending} still pending"
