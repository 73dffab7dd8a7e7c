"""Organisations, their members and invitations: who belongs to a partner business."""

from __future__ import annotations

import datetime
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.after_commit import announce
from core.errors import ApplicationError, Conflict, NotFound
from core.services import audit_record, full_clean, save_or_conflict
from venues import signals
from venues.models import Invitation, Membership, Organisation

Role = Membership.Role


def _organisation_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ApplicationError(_("Enter a name."), fields={"name": [_("Enter a name.")]})
    return name


@transaction.atomic
def organisation_create(*, user: User, name: str, actor: User | None = None) -> Organisation:
    """A person becomes a partner: a new organisation with them as its owner.

    `actor` is who did it when it is not the owner themselves (staff, in admin).
    """
    name = _organisation_name(name)
    organisation = Organisation.objects.create(name=name)
    Membership.objects.create(organisation=organisation, user=user, role=Role.OWNER)
    after: dict[str, object] = {"name": name}
    if actor is not None:
        after["owner"] = user.pk
    audit_record(actor=actor or user, action="organisation.create", obj=organisation, after=after)
    return organisation


@transaction.atomic
def organisation_update(*, actor: User, organisation: Organisation, name: str) -> Organisation:
    """Rename the organisation."""
    before = organisation.name
    organisation.name = _organisation_name(name)
    organisation.save(update_fields=["name"])
    audit_record(
        actor=actor,
        action="organisation.update",
        obj=organisation,
        before={"name": before},
        after={"name": organisation.name},
    )
    return organisation


@transaction.atomic
def invitation_create(
    *, actor: User, organisation: Organisation, email: str, role: str
) -> Invitation:
    """Invite someone by e-mail; the e-mail goes out after commit."""
    email = (email or "").strip().lower()
    if role not in Role.values:
        raise ApplicationError(_("Choose a role."), fields={"role": [_("Choose a role.")]})
    if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        message = _("This person is already a member.")
        raise Conflict(message, fields={"email": [message]})
    invitation = Invitation(
        organisation=organisation,
        email=email,
        role=role,
        token=secrets.token_urlsafe(32),
        invited_by=actor,
    )
    full_clean(invitation, exclude=["token", "invited_by"])
    if Invitation.objects.filter(
        organisation=organisation, email=email, accepted_at__isnull=True
    ).exists():
        message = _("This address has already been invited.")
        raise Conflict(message, fields={"email": [message]})
    save_or_conflict(invitation, _("This address has already been invited."))
    audit_record(
        actor=actor,
        action="invitation.create",
        obj=invitation,
        after={"email": email, "role": role},
    )
    announce(signals.invitation_created, sender=Invitation, invitation_id=invitation.pk)
    return invitation


@transaction.atomic
def invitation_accept(
    *, user: User, token: str, now: datetime.datetime | None = None
) -> Membership:
    """The invited person joins; an invitation is only for the address it was sent to."""
    invitation = (
        Invitation.objects.select_for_update()
        .filter(token=token, accepted_at__isnull=True, email__iexact=user.email)
        .first()
    )
    if invitation is None:
        raise NotFound(_("This invitation does not exist or has been used."))
    membership, created = Membership.objects.get_or_create(
        organisation_id=invitation.organisation_id, user=user, defaults={"role": invitation.role}
    )
    invitation.accepted_at = now or timezone.now()
    invitation.save(update_fields=["accepted_at"])
    audit_record(
        actor=user,
        action="invitation.accept",
        obj=invitation,
        after={"role": membership.role, "created": created},
    )
    return membership


@transaction.atomic
def invitation_revoke(*, actor: User, invitation: Invitation) -> None:
    audit_record(
        actor=actor,
        action="invitation.revoke",
        obj=invitation,
        before={"email": invitation.email, "role": invitation.role},
    )
    invitation.delete()


def _lock_owners(organisation_id: int) -> list[Membership]:
    # Locking the owners' rows serialises two concurrent demotions, so one always remains.
    return list(
        Membership.objects.select_for_update().filter(
            organisation_id=organisation_id, role=Role.OWNER
        )
    )


@transaction.atomic
def membership_create(
    *, actor: User, organisation: Organisation, user: User, role: str
) -> Membership:
    """Add a person to the organisation with a role, without an invitation (staff, in admin)."""
    if role not in Role.values:
        raise ApplicationError(_("Choose a role."), fields={"role": [_("Choose a role.")]})
    if Membership.objects.filter(organisation=organisation, user=user).exists():
        message = _("This person is already a member.")
        raise Conflict(message, fields={"user": [message]})
    membership = Membership(organisation=organisation, user=user, role=role)
    save_or_conflict(membership, _("This person is already a member."))
    audit_record(
        actor=actor,
        action="membership.create",
        obj=membership,
        after={"user": user.pk, "role": role},
    )
    return membership


@transaction.atomic
def membership_update(*, actor: User, membership: Membership, role: str) -> Membership:
    if role not in Role.values:
        raise ApplicationError(_("Choose a role."), fields={"role": [_("Choose a role.")]})
    owners = _lock_owners(membership.organisation_id)
    if membership.role == Role.OWNER and role != Role.OWNER and len(owners) <= 1:
        raise Conflict(_("An organisation must keep at least one owner."))
    before = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    audit_record(
        actor=actor,
        action="membership.update",
        obj=membership,
        before={"role": before},
        after={"role": role},
    )
    return membership


@transaction.atomic
def membership_remove(*, actor: User, membership: Membership) -> None:
    owners = _lock_owners(membership.organisation_id)
    if membership.role == Role.OWNER and len(owners) <= 1:
        raise Conflict(_("An organisation must keep at least one owner."))
    audit_record(
        actor=actor,
        action="membership.remove",
        obj=membership,
        before={"user": membership.user_id, "role": membership.role},
    )
    membership.delete()
