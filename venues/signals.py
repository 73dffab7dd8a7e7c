"""Events venues announces after commit (core.after_commit); its receivers e-mail the people.

- `invitation_created`: `invitation_id`;
- `schedule_reminder_due`: `venue_id`, `days` since the schedule was last confirmed;
- `points_paused`: `venue_id`, `days`: the schedule went stale and points stopped;
- `room_created`: `room_id` (bookings gives the room its calendar feed);
- `venue_moderated`: `venue_id`: staff approved or rejected the venue.
"""

from __future__ import annotations

from django.dispatch import Signal

invitation_created = Signal()
schedule_reminder_due = Signal()
points_paused = Signal()
room_created = Signal()
venue_moderated = Signal()
