"""Sign-up, e-mail confirmation, log-in and the sign-up form's errors."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _signup(client, **overrides):
    data = {
        "email": "new@example.com",
        "password1": "Very-Secret-42",
        "password2": "Very-Secret-42",
        "name": "Пётр",
        "phone": "+7 912 345-67-89",
        "birthday": "1990-05-17",
    } | overrides
    return client.post(reverse("account_signup"), data)


def test_signup_sends_confirmation_and_confirming_logs_in(client):
    response = _signup(client)
    assert response.status_code == 302
    user = User.objects.get(email="new@example.com")
    assert user.name == "Пётр"
    assert str(user.phone) == "+79123456789"
    assert str(user.birthday) == "1990-05-17"
    assert user.birthday_set_at is not None

    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject.startswith("[Бронька]")
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body).group(0)
    path = "/" + link.split("/", 3)[3]
    assert client.post(path).status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_unconfirmed_user_cannot_log_in(client):
    UserFactory(email="pending@example.com", verified=False)
    response = client.post(
        reverse("account_login"), {"login": "pending@example.com", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_signup_with_taken_email_is_a_form_error(client):
    UserFactory(email="taken@example.com")
    response = _signup(client, email="Taken@Example.com")
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert User.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("phone", "12345"),
        ("phone", "not a phone"),
        ("birthday", "2999-01-01"),
        ("birthday", "yesterday"),
    ],
)
def test_signup_with_bad_profile_fields_is_a_form_error(client, field, value):
    response = _signup(client, **{field: value})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not User.objects.exists()
    assert not mail.outbox


def test_failed_logins_are_rate_limited_even_for_the_right_password(client):
    UserFactory(email="victim@example.com")
    for attempt in range(5):
        response = client.post(
            reverse("account_login"), {"login": "victim@example.com", "password": "wrong"}
        )
        # The fifth failure locks the account for this address.
        assert response.status_code == (429 if attempt == 4 else 200)
    response = client.post(
        reverse("account_login"), {"login": "victim@example.com", "password": PASSWORD}
    )
    # The lockout (django-axes, tests/accounts/test_lockout.py) answers with its own page.
    assert response.status_code == 429
    assert "Слишком много неудачных попыток" in response.content.decode()
    assert client.get(reverse("accounts:profile")).status_code == 302
