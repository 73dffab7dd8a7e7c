"""Partner API of organisations, their members and invitations."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from accounts.http import SignedInApiRequest
from core.errors import NotFound
from venues import services
from venues.models import OWNERS, Membership
from venues.partner_api.base import PartnerView, validated


class PartnerOrganisationIn(serializers.Serializer):
    name = serializers.CharField(max_length=200)


class PartnerOrganisationOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    role = serializers.CharField(help_text="the caller's role")


class PartnerMemberOut(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField(source="user.email")
    name = serializers.CharField(source="user.name")
    role = serializers.CharField()


class PartnerRoleIn(serializers.Serializer):
    role = serializers.ChoiceField(choices=Membership.Role.choices)


class PartnerInvitationIn(serializers.Serializer):
    email = serializers.EmailField()
    role = serializers.ChoiceField(choices=Membership.Role.choices)


class PartnerInvitationOut(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    role = serializers.CharField()
    created_at = serializers.DateTimeField()


class OrganisationListView(PartnerView):
    """The caller's organisations (GET), or register a new one with the caller as owner (POST)."""

    @extend_schema(responses=PartnerOrganisationOut(many=True))
    def get(self, request: SignedInApiRequest) -> Response:
        rows = Membership.objects.filter(user=request.user).select_related("organisation")
        data = [
            {"id": m.organisation_id, "name": m.organisation.name, "role": m.role} for m in rows
        ]
        return Response(PartnerOrganisationOut(data, many=True).data)

    @extend_schema(request=PartnerOrganisationIn, responses={201: PartnerOrganisationOut})
    def post(self, request: SignedInApiRequest) -> Response:
        values = validated(PartnerOrganisationIn, request)
        organisation = services.organisation_create(user=request.user, name=values["name"])
        data = {"id": organisation.pk, "name": organisation.name, "role": Membership.Role.OWNER}
        return Response(PartnerOrganisationOut(data).data, status=status.HTTP_201_CREATED)


class MemberListView(PartnerView):
    """The organisation's members."""

    @extend_schema(responses=PartnerMemberOut(many=True))
    def get(self, request: SignedInApiRequest, organisation_id: int) -> Response:
        organisation = self.organisation(organisation_id)
        members = organisation.memberships.select_related("user").order_by("user__email")
        return Response(PartnerMemberOut(members, many=True).data)


class MemberDetailView(PartnerView):
    """Change a member's role or remove them (owners only)."""

    def _member(self, organisation_id: int, membership_id: int) -> Membership:
        organisation = self.organisation(organisation_id, roles=OWNERS)
        membership = (
            organisation.memberships.select_related("user").filter(pk=membership_id).first()
        )
        if membership is None:
            raise NotFound(_("Not found."))
        return membership

    @extend_schema(request=PartnerRoleIn, responses=PartnerMemberOut)
    def patch(
        self, request: SignedInApiRequest, organisation_id: int, membership_id: int
    ) -> Response:
        membership = self._member(organisation_id, membership_id)
        values = validated(PartnerRoleIn, request)
        if "role" in values:
            membership = services.membership_update(
                actor=request.user, membership=membership, role=values["role"]
            )
        return Response(PartnerMemberOut(membership).data)

    @extend_schema(responses={204: None})
    def delete(
        self, request: SignedInApiRequest, organisation_id: int, membership_id: int
    ) -> Response:
        membership = self._member(organisation_id, membership_id)
        services.membership_remove(actor=request.user, membership=membership)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationListView(PartnerView):
    """Open invitations (GET); invite someone by e-mail with a role (POST, owners)."""

    @extend_schema(responses=PartnerInvitationOut(many=True))
    def get(self, request: SignedInApiRequest, organisation_id: int) -> Response:
        organisation = self.organisation(organisation_id)
        invitations = organisation.invitations.filter(accepted_at__isnull=True)
        return Response(PartnerInvitationOut(invitations, many=True).data)

    @extend_schema(request=PartnerInvitationIn, responses={201: PartnerInvitationOut})
    def post(self, request: SignedInApiRequest, organisation_id: int) -> Response:
        organisation = self.organisation(organisation_id, roles=OWNERS)
        values = validated(PartnerInvitationIn, request)
        invitation = services.invitation_create(
            actor=request.user, organisation=organisation, **values
        )
        return Response(PartnerInvitationOut(invitation).data, status=status.HTTP_201_CREATED)


class InvitationDetailView(PartnerView):
    """Withdraw an open invitation (owners)."""

    @extend_schema(responses={204: None})
    def delete(
        self, request: SignedInApiRequest, organisation_id: int, invitation_id: int
    ) -> Response:
        organisation = self.organisation(organisation_id, roles=OWNERS)
        invitation = organisation.invitations.filter(
            pk=invitation_id, accepted_at__isnull=True
        ).first()
        if invitation is None:
            raise NotFound(_("Not found."))
        services.invitation_revoke(actor=request.user, invitation=invitation)
        return Response(status=status.HTTP_204_NO_CONTENT)
