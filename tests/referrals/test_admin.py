"""Staff in admin: an inviter is blocked with a reason, never by deleting their code."""

from __future__ import annotations

import pytest
from django.urls import reverse

from referrals import services
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_an_invite_code_cannot_be_deleted_in_admin(client, staff_user):
    code = services.invite_code_get_or_create(user=UserFactory())
    client.force_login(staff_user)
    delete = reverse("admin:referrals_invitecode_delete", args=[code.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert type(code).objects.filter(pk=code.pk).exists()
    page = client.get(reverse("admin:referrals_invitecode_changelist")).content.decode()
    assert "delete_selected" not in page
