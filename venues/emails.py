"""E-mails of venues (see core.emails): invitations, schedule freshness, staff review."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.urls import reverse

from core.emails import Email, Item, email_kind
from venues.models import SCHEDULE_FRESH_DAYS, Invitation, Membership, Venue


@email_kind("venues.invitation", template="venues/email/invitation")
def invitation(items: list[Item]) -> list[Email]:
    """Items `{"invitation_id"}`: someone is invited to join an organisation."""
    invitations = Invitation.objects.select_related("organisation").in_bulk(
        [int(item["invitation_id"]) for item in items]
    )
    emails = []
    for item in items:
        found = invitations.get(int(item["invitation_id"]))
        if found is None or found.accepted_at is not None:
            continue
        link = settings.SITE_URL + reverse("dashboard:invitation", args=[found.token])
        emails.append(
            Email(item=item, to=[found.email], context={"invitation": found, "link": link})
        )
    return emails


def _to_owners(
    items: list[Item], context: Callable[[Item, Venue], dict[str, object]]
) -> list[Email]:
    """One e-mail per item to the owners of its venue (`{"venue_id", ...}`), with `context`."""
    venues = Venue.objects.in_bulk([int(item["venue_id"]) for item in items])
    owners: dict[int, list[str]] = {}
    for organisation_id, email in Membership.objects.filter(
        organisation__venues__in=venues.values(), role=Membership.Role.OWNER
    ).values_list("organisation_id", "user__email"):
        owners.setdefault(organisation_id, []).append(email)
    emails = []
    for item in items:
        venue = venues.get(int(item["venue_id"]))
        if venue is None or not owners.get(venue.organisation_id):
            continue
        link = settings.SITE_URL + reverse("dashboard:venue", args=[venue.pk])
        emails.append(
            Email(
                item=item,
                to=owners[venue.organisation_id],
                context={"venue": venue, "link": link, **context(item, venue)},
            )
        )
    return emails


def _schedule(item: Item, venue: Venue) -> dict[str, object]:
    days = int(item["days"])
    return {"days": days, "left": max(SCHEDULE_FRESH_DAYS - days, 1)}


@email_kind("venues.schedule_reminder", template="venues/email/schedule_reminder")
def schedule_reminder(items: list[Item]) -> list[Email]:
    """Items `{"venue_id", "days"}`: the schedule was confirmed `days` ago."""
    return _to_owners(items, _schedule)


@email_kind("venues.points_paused", template="venues/email/points_paused")
def points_paused(items: list[Item]) -> list[Email]:
    """Items `{"venue_id", "days"}`: the schedule went stale and points stopped."""
    return _to_owners(items, _schedule)


@email_kind("venues.moderated", template="venues/email/moderated")
def moderated(items: list[Item]) -> list[Email]:
    """Items `{"venue_id"}`: staff approved or rejected the venue. The state is read when the
    e-mail is built, so a decision changed meanwhile is told as it stands."""
    return _to_owners(items, lambda item, venue: {})
