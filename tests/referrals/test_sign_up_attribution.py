"""Invite links and typed codes attach a new user to the inviter; bad codes never block sign-up."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from accounts.models import User
from core.errors import ApplicationError
from referrals import services
from referrals.models import Referral
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _signup(client, email="friend@example.com", **extra):
    data = {
        "email": email,
        "password1": "Friend-Secret-77",
        "password2": "Friend-Secret-77",
        "name": "Друг",
    }
    return client.post(reverse("account_signup"), data | extra)


@pytest.fixture
def inviter():
    return UserFactory(email="inviter@example.com", phone="+79160000001")


@pytest.fixture
def code(inviter):
    return services.invite_code_get_or_create(user=inviter).code


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_following_the_link_remembers_the_code_through_sign_up(client, inviter, code):
    response = client.get(f"/r/{code.lower()}")
    assert response.status_code == 302 and response.url == reverse("account_signup")
    assert code in client.get(reverse("account_signup")).content.decode()
    _signup(client)
    referral = Referral.objects.get()
    assert (referral.inviter, referral.invitee.email, referral.status) == (
        inviter,
        "friend@example.com",
        "signed_up",
    )


def test_a_typed_code_is_applied(client, inviter, code):
    response = _signup(client, invite_code=f" {code.lower()} ")
    assert Referral.objects.get().inviter == inviter
    assert any(code in m for m in _messages(response))


@pytest.mark.parametrize("typed", ["NOSUCH99"])
def test_an_unknown_code_still_signs_up_and_says_it_was_not_applied(client, inviter, typed):
    response = _signup(client, invite_code=typed)
    assert User.objects.filter(email="friend@example.com").exists()
    assert not Referral.objects.exists()
    assert any("не применён" in m for m in _messages(response))


def test_a_blocked_code_still_signs_up_without_a_referral(client, inviter, code, staff_user):
    services.invite_code_block(invite=inviter.invite_code, actor=staff_user, reason="накрутка")
    response = _signup(client, invite_code=code)
    assert User.objects.filter(email="friend@example.com").exists()
    assert not Referral.objects.exists()
    assert any("не применён" in m for m in _messages(response))


@pytest.mark.parametrize(
    ("email", "phone"),
    [
        ("Inviter+second@example.com", ""),  # the same mailbox with a tag
        ("other@example.com", "+7 916 000-00-01"),  # the same phone
    ],
)
def test_self_referral_is_refused(client, inviter, code, email, phone):
    response = _signup(client, email=email, invite_code=code, phone=phone)
    assert User.objects.filter(email=email.lower()).exists()
    assert not Referral.objects.exists()
    assert any("собственный" in m for m in _messages(response))


def test_using_ones_own_code_is_refused(inviter, code):
    with pytest.raises(ApplicationError) as refused:
        services.referral_attach(invitee=inviter, code=code)
    assert refused.value.code == "self_referral"
    assert not Referral.objects.exists()


def test_a_logged_in_user_following_a_link_is_told_it_is_for_new_friends(client, inviter, code):
    client.force_login(UserFactory())
    response = client.get(f"/r/{code}")
    assert response.url == reverse("home")
    assert "referral_code" not in client.session


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("Ivan.Petrov+bands@GMail.com", "ivanpetrov@gmail.com"),
        ("ivan.petrov@googlemail.com", "ivanpetrov@gmail.com"),
        ("i.petrov@ya.ru", "i.petrov@yandex.ru"),
        ("i.petrov+x@mail.ru", "i.petrov@mail.ru"),
    ],
)
def test_email_normalisation(raw, normalised):
    assert services.email_normalise(raw) == normalised
