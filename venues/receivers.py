"""Receivers of venues' own events: the e-mails (connected in VenuesConfig.ready)."""

from __future__ import annotations

from core.emails import email_send_on_commit
from venues import signals


def email_invitation(sender: type, invitation_id: int, **kwargs: object) -> None:
    email_send_on_commit("venues.invitation", [{"invitation_id": invitation_id}])


def email_schedule_reminder(sender: type, venue_id: int, days: int, **kwargs: object) -> None:
    email_send_on_commit("venues.schedule_reminder", [{"venue_id": venue_id, "days": days}])


def email_points_paused(sender: type, venue_id: int, days: int, **kwargs: object) -> None:
    email_send_on_commit("venues.points_paused", [{"venue_id": venue_id, "days": days}])


def email_venue_moderated(sender: type, venue_id: int, **kwargs: object) -> None:
    email_send_on_commit("venues.moderated", [{"venue_id": venue_id}])


def connect() -> None:
    signals.invitation_created.connect(email_invitation, dispatch_uid="venues.invitation")
    signals.schedule_reminder_due.connect(
        email_schedule_reminder, dispatch_uid="venues.schedule_reminder"
    )
    signals.points_paused.connect(email_points_paused, dispatch_uid="venues.points_paused")
    signals.venue_moderated.connect(email_venue_moderated, dispatch_uid="venues.moderated")
