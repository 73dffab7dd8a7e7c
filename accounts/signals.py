"""Events accounts announces to higher apps (loyalty listens), after commit (core.after_commit).

`profile_updated` is sent with `sender=User` and `user_id=<int>` once a profile change has
committed.
"""

from __future__ import annotations

from django.dispatch import Signal

profile_updated = Signal()
