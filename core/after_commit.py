"""The one way work leaves a transaction: events announced, and tasks owed through the outbox.

Services announce what happened (`announce`); they never import tasks. Receivers of those
events, and jobs, queue the work that follows (`enqueue`), e-mails included (`core.emails`).
Receivers run at once, inside the change's transaction, so what they queue is written to the
outbox (`core.outbox`) with the change: a rolled-back change leaves nothing, and a committed one
always gets its tasks, even when the broker was down at the moment it committed. Event fields
are JSON values (ids, not objects), so that what is owed can be written down.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from celery import Task
from django.db import transaction
from django.dispatch import Signal

from core import outbox
from core.models import OutboxMessage

# The messages queued inside `batched()`, written together when it ends.
_batch: ContextVar[list[OutboxMessage] | None] = ContextVar("outbox_batch", default=None)


def announce(signal: Signal, *, sender: type, **fields: object) -> None:
    """Send `signal` with `fields` to its receivers, within the current transaction."""
    signal.send(sender=sender, **fields)


def enqueue(task: Task, *args: object) -> None:
    """Owe the Celery `task` with `args`: written now, published once the transaction commits."""
    batch = _batch.get()
    if batch is not None:
        batch.append(outbox.message_new(task.name, list(args)))
        return
    message = outbox.message_write(task.name, list(args))
    # Outside a transaction (a job's own step) Django runs this at once.
    transaction.on_commit(lambda: outbox.publish_after_commit([message]))


@contextmanager
def batched() -> Iterator[None]:
    """Inside a transaction, the tasks queued in this block are written in one INSERT when it
    ends and published together after commit (one UPDATE marks them sent): a hot path that owes
    several tasks pays two statements, not two per task. An exception discards them (the
    transaction rolls back anyway)."""
    messages: list[OutboxMessage] = []
    token = _batch.set(messages)
    try:
        yield
    finally:
        _batch.reset(token)
    if messages:
        outbox.messages_write(messages)
        transaction.on_commit(lambda: outbox.publish_after_commit(messages))
