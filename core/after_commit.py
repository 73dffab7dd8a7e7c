"""The one way work leaves a transaction: events announced, and tasks owed through the outbox.

Services announce what happened (`announce`); they never import tasks. Receivers of those
events, and jobs, queue the work that follows (`enqueue`), e-mails included (`core.emails`).
Receivers run at once, inside the change's transaction, so what they queue is written to the
outbox (`core.outbox`) with the change: a rolled-back change leaves nothing, and a committed one
always gets its tasks, even when the broker was down at the moment it committed. Event fields
are JSON values (ids, not objects), so that what is owed can be written down.
"""

from __future__ import annotations

from celery import Task
from django.db import transaction
from django.dispatch import Signal

from core import outbox


def announce(signal: Signal, *, sender: type, **fields: object) -> None:
    """Send `signal` with `fields` to its receivers, within the current transaction."""
    signal.send(sender=sender, **fields)


def enqueue(task: Task, *args: object) -> None:
    """Owe the Celery `task` with `args`: written now, published once the transaction commits."""
    message = outbox.message_write(task.name, list(args))
    # Outside a transaction (a job's own step) Django runs this at once.
    transaction.on_commit(lambda: outbox.publish_after_commit(message))
