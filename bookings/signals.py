"""Events of a booking's life, announced after commit (core.after_commit).

Each is sent with `sender=Booking` and `booking_id=<int>`. bookings' own receivers queue the
client's e-mails; loyalty and referrals listen to move points. A receiver only queues tasks.
"""

from __future__ import annotations

from django.dispatch import Signal

booking_requested = Signal()  # a request the venue has to answer
booking_confirmed = Signal()  # confirmed: booked at once, request accepted, or paid online
booking_declined = Signal()  # the venue (or the timeout) declined a request
booking_cancelled = Signal()
booking_rescheduled = Signal()  # moved to another time, repriced
booking_reminder_due = Signal()  # the session is within the reminder window
booking_completed = Signal()
booking_no_show = Signal()
