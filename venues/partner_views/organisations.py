"""Dashboard pages of organisations: the way in, the member's businesses, the team."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.http import SignedInRequest
from core.errors import ApplicationError, NotFound
from core.forms import add_application_error
from venues import selectors, services
from venues.forms import InvitationForm, MembershipRoleForm, OrganisationForm
from venues.models import OWNERS, Invitation, Membership, Organisation
from venues.partner import PartnerRequest, organisation_page
from venues.partner_views.base import render_page


def start(request: HttpRequest) -> HttpResponse:
    """«For venues»: what the dashboard offers and the way in (sign up, create a business)."""
    if request.user.is_authenticated and selectors.organisations_for_user(request.user).exists():
        return redirect("dashboard:index")
    return render(request, "dashboard/start.html")


@login_required
def index(request: SignedInRequest) -> HttpResponse:
    organisations = selectors.member_organisations(request.user)
    if not organisations:
        return redirect("dashboard:organisation-create")
    return render(request, "dashboard/index.html", {"organisations": organisations})


@login_required
def organisation_create(request: SignedInRequest) -> HttpResponse:
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_create(
                user=request.user, name=form.cleaned_data["name"]
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, _("Your business is registered. Now add a venue."))
            return redirect("dashboard:venue-create", organisation_id=organisation.pk)
    return render(
        request,
        "dashboard/organisation_form.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@organisation_page(write_roles=OWNERS)
def team(request: PartnerRequest, organisation: Organisation) -> HttpResponse:
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_create(
                actor=request.user, organisation=organisation, **form.cleaned_data
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]}
            )
            return redirect("dashboard:team", organisation_id=organisation.pk)
    members = organisation.memberships.select_related("user").order_by("role", "user__email")
    invitations = organisation.invitations.filter(accepted_at__isnull=True)
    return render_page(
        request,
        "dashboard/team.html",
        {
            "organisation": organisation,
            "members": members,
            "invitations": invitations,
            "form": form,
            "role_choices": Membership.Role.choices,
            "is_owner": request.partner_role == Membership.Role.OWNER,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@organisation_page(roles=OWNERS)
def member_update(
    request: PartnerRequest, organisation: Organisation, membership_id: int
) -> HttpResponse:
    membership = get_object_or_404(organisation.memberships, pk=membership_id)
    form = MembershipRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a role."))
    else:
        try:
            services.membership_update(
                actor=request.user, membership=membership, role=form.cleaned_data["role"]
            )
            messages.success(request, _("Role changed."))
        except ApplicationError as error:
            messages.error(request, str(error.message))
    return redirect("dashboard:team", organisation_id=organisation.pk)


@require_POST
@organisation_page(roles=OWNERS)
def member_remove(
    request: PartnerRequest, organisation: Organisation, membership_id: int
) -> HttpResponse:
    membership = get_object_or_404(organisation.memberships, pk=membership_id)
    try:
        services.membership_remove(actor=request.user, membership=membership)
        messages.success(request, _("Member removed."))
    except ApplicationError as error:
        messages.error(request, str(error.message))
    return redirect("dashboard:team", organisation_id=organisation.pk)


@require_POST
@organisation_page(roles=OWNERS)
def invitation_revoke(
    request: PartnerRequest, organisation: Organisation, invitation_id: int
) -> HttpResponse:
    invitation = get_object_or_404(
        organisation.invitations, pk=invitation_id, accepted_at__isnull=True
    )
    services.invitation_revoke(actor=request.user, invitation=invitation)
    messages.success(request, _("Invitation withdrawn."))
    return redirect("dashboard:team", organisation_id=organisation.pk)


@login_required
def invitation(request: SignedInRequest, token: str) -> HttpResponse:
    """The invited person accepts; the invitation exists only for the address it was sent to."""
    found = (
        Invitation.objects.select_related("organisation")
        .filter(token=token, accepted_at__isnull=True)
        .first()
    )
    if found is None:
        raise Http404(_("This invitation does not exist or has been used."))
    if found.email.lower() != request.user.email.lower():
        # Say whose it is not, never whose it is: the address stays private.
        return render(request, "dashboard/invitation_other.html", status=404)
    if request.method == "POST":
        try:
            services.invitation_accept(user=request.user, token=token)
        except NotFound as error:
            raise Http404(str(error)) from error
        messages.success(
            request, _("You joined %(organisation)s.") % {"organisation": found.organisation}
        )
        return redirect("dashboard:index")
    return render(request, "dashboard/invitation.html", {"invitation": found})
