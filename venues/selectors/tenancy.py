"""Tenancy: the rule every partner-side lookup goes through (STYLE.md rule 6).

Tenancy fails closed: an object of an organisation the user is not a member of does not exist
for them (404); a member whose role may not do something gets 403.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import NotFound, PermissionDenied
from venues.models import (
    EDITORS,
    EVERYONE,
    Membership,
    Organisation,
    PointsRule,
    Price,
    Room,
    Venue,
)

Role = Membership.Role


def organisations_for_user(user: User) -> QuerySet[Organisation]:
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__user=user)


@dataclass(frozen=True)
class MemberOrganisation:
    """An organisation as one of its members sees it on the dashboard's first page."""

    organisation: Organisation  # annotated with `member_count`; venues with `room_count`
    role: str

    @property
    def role_label(self) -> str:
        return str(Membership.Role(self.role).label)

    @property
    def can_edit(self) -> bool:
        return self.role in EDITORS


def member_organisations(user: User) -> list[MemberOrganisation]:
    """The user's organisations by name with their team size, their venues and the user's role."""
    organisations = (
        organisations_for_user(user)
        # A subquery: counting `memberships` after the filter on the same relation would count
        # only the caller's own membership.
        .annotate(
            member_count=Subquery(
                Membership.objects.filter(organisation=OuterRef("pk"))
                .order_by()
                .values("organisation")
                .annotate(n=Count("pk"))
                .values("n"),
                output_field=IntegerField(),
            ),
            my_role=Subquery(
                Membership.objects.filter(organisation=OuterRef("pk"), user=user).values("role")[:1]
            ),
        )
        .prefetch_related(
            Prefetch(
                "venues",
                queryset=Venue.objects.select_related("city")
                .annotate(room_count=Count("rooms"))
                .order_by("name"),
            )
        )
        .order_by("name")
    )
    return [MemberOrganisation(organisation=o, role=o.my_role) for o in organisations]


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


def price_for_member(*, user: User, price_id: int, roles: Iterable[str] = EVERYONE) -> Price:
    """The price if the user is a member of its room's venue's organisation with one of `roles`."""
    price = (
        Price.objects.filter(room__venue__organisation__in=organisations_for_user(user))
        .select_related("room", "room__venue")
        .filter(pk=price_id)
        .first()
    )
    if price is None:
        raise NotFound(_("Not found."))
    _check_role(user=user, organisation_id=price.room.venue.organisation_id, roles=roles)
    return price


def points_rule_for_member(
    *, user: User, venue_id: int, rule_id: int, roles: Iterable[str] = EVERYONE
) -> PointsRule:
    venue = venue_for_member(user=user, venue_id=venue_id, roles=roles)
    rule = PointsRule.objects.filter(venue=venue, pk=rule_id).select_related("room").first()
    if rule is None:
        raise NotFound(_("Not found."))
    return rule
