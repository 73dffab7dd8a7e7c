"""Events loyalty announces after commit (core.after_commit); its receivers e-mail the clients.

- `points_expiring`: `reminders=[{"user_id", "day" (ISO date), "points"}]`, claimed once each;
- `holiday_gifts_granted`: `grant_id`, `user_ids` of one batch of a holiday grant.
"""

from __future__ import annotations

from django.dispatch import Signal

points_expiring = Signal()
holiday_gifts_granted = Signal()
