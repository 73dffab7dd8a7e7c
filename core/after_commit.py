"""The one way work leaves a transaction: events announced and tasks queued once it commits.

Services announce what happened (`announce`); they never import tasks. Receivers of those
events, and jobs, queue the work that follows (`enqueue`), e-mails included (`core.emails`).
Nothing here runs inside the transaction: a rolled-back change announces nothing and queues
nothing. Event fields are JSON values (ids, not objects), so that what is owed can be written
down and delivered later.
"""

from __future__ import annotations

from collections.abc import Callable

from celery import Task
from django.db import transaction
from django.dispatch import Signal


def _on_commit(work: Callable[[], object]) -> None:
    # Outside a transaction (a receiver runs after commit) Django runs `work` at once.
    transaction.on_commit(work)


def announce(signal: Signal, *, sender: type, **fields: object) -> None:
    """Send `signal` with `fields` once the current transaction commits."""
    _on_commit(lambda: signal.send(sender=sender, **fields))


def enqueue(task: Task, *args: object) -> None:
    """Queue the Celery `task` with `args` once the current transaction commits."""
    _on_commit(lambda: task.apply_async(args))
