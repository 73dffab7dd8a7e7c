"""Read operations on venues, starting with the tenancy rule every partner lookup goes through.

Tenancy fails closed (STYLE.md rule 6): an object of an organisation the user is not a member of
does not exist for them (404); a member whose role may not do something gets 403.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import NotFound, PermissionDenied
from venues.models import Membership, Organisation, Room, Venue

Role = Membership.Role
# Who may change what: administrators see everything but change only day-to-day bookings.
EDITORS = (Role.OWNER, Role.MANAGER)
EVERYONE = (Role.OWNER, Role.MANAGER, Role.ADMINISTRATOR)


def organisations_for_user(user: User) -> QuerySet[Organisation]:
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__user=user)


def membership_role(*, user: User, organisation_id: int) -> str | None:
    if not user.is_authenticated:
        return None
    return (
        Membership.objects.filter(user=user, organisation_id=organisation_id)
        .values_list("role", flat=True)
        .first()
    )


def _check_role(*, user: User, organisation_id: int, roles: Iterable[str]) -> None:
    role = membership_role(user=user, organisation_id=organisation_id)
    if role is None:
        raise NotFound(_("Not found."))
    if role not in roles:
        raise PermissionDenied(_("Your role in this organisation does not allow this."))


def organisation_for_member(
    *, user: User, organisation_id: int, roles: Iterable[str] = EVERYONE
) -> Organisation:
    organisation = organisations_for_user(user).filter(pk=organisation_id).first()
    if organisation is None:
        raise NotFound(_("Not found."))
    _check_role(user=user, organisation_id=organisation.pk, roles=roles)
    return organisation


def venues_for_member(user: User) -> QuerySet[Venue]:
    """All venues of all organisations the user belongs to."""
    return Venue.objects.filter(organisation__in=organisations_for_user(user))


def venue_for_member(*, user: User, venue_id: int, roles: Iterable[str] = EVERYONE) -> Venue:
    """The venue if the user is a member of its organisation with one of `roles`."""
    venue = (
        venues_for_member(user).select_related("organisation", "city").filter(pk=venue_id).first()
    )
    if venue is None:
        raise NotFound(_("Not found."))
    _check_role(user=user, organisation_id=venue.organisation_id, roles=roles)
    return venue


def room_for_member(*, user: User, room_id: int, roles: Iterable[str] = EVERYONE) -> Room:
    """The room if the user is a member of its venue's organisation with one of `roles`."""
    room = (
        Room.objects.filter(venue__organisation__in=organisations_for_user(user))
        .select_related("venue", "venue__organisation", "venue__city")
        .filter(pk=room_id)
        .first()
    )
    if room is None:
        raise NotFound(_("Not found."))
    _check_role(user=user, organisation_id=room.venue.organisation_id, roles=roles)
    return room
