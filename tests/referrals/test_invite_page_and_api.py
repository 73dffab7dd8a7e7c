"""The "Invite friends" page and GET /api/v1/me/referrals/."""

from __future__ import annotations

import pytest
from django.urls import reverse

from referrals import services
from referrals.models import Referral
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_invite_page_shows_a_stable_link_and_counts(client, client_user):
    client.force_login(client_user)
    first = client.get(reverse("referrals:invite"))
    code = client_user.invite_code.code
    assert f"/r/{code}" in first.content.decode()
    assert client.get(reverse("referrals:invite")).context["summary"].code == code


def test_api_counts_friends_by_stage_and_points(
    client_api, client_user, django_assert_max_num_queries
):
    code = services.invite_code_get_or_create(user=client_user).code
    for n, status in enumerate(["signed_up", "qualified", "rewarded", "not_rewarded"]):
        friend = UserFactory(name=f"Друг {n}")
        Referral.objects.create(
            inviter=client_user,
            invitee=friend,
            code=code,
            status=status,
            inviter_points=300 if status == "rewarded" else 0,
        )
    with django_assert_max_num_queries(6):
        body = client_api.get("/api/v1/me/referrals/").json()
    assert body["code"] == code
    assert body["link"].endswith(f"/r/{code}")
    assert (body["signed_up"], body["qualified"], body["rewarded"], body["points_earned"]) == (
        4,
        2,
        1,
        300,
    )
    assert len(body["friends"]) == 4
    assert "@" not in str(body["friends"])


def test_api_needs_authentication(api_client, db):
    assert api_client.get("/api/v1/me/referrals/").status_code == 401
