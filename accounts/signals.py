"""Events accounts tells higher apps about (loyalty listens), sent after commit."""

from __future__ import annotations

from django.db import transaction
from django.dispatch import Signal

# Sent with `sender=User` and `user_id=<int>` once a profile change has committed.
profile_updated = Signal()


def send_after_commit(signal: Signal, user_id: int) -> None:
    from accounts.models import User

    transaction.on_commit(lambda: signal.send(sender=User, user_id=user_id))
