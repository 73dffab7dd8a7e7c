"""Password reset by e-mail link, and its throttle."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_password_reset_link_sets_a_new_password(client):
    UserFactory(email="forgetful@example.com")
    response = client.post(reverse("account_reset_password"), {"email": "forgetful@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+/", mail.outbox[0].body).group(0)
    path = "/" + link.split("/", 3)[3]
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else path,
        {"password1": "Brand-New-Secret-9", "password2": "Brand-New-Secret-9"},
    )
    assert response.status_code == 302
    client.logout()
    # Through the login form: the lockout (django-axes) checks every login against its request.
    response = client.post(
        reverse("account_login"),
        {"login": "forgetful@example.com", "password": "Brand-New-Secret-9"},
    )
    assert response.status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_password_reset_requests_are_throttled_per_address(client):
    UserFactory(email="target@example.com")
    for _ in range(5):
        client.post(reverse("account_reset_password"), {"email": "target@example.com"})
    response = client.post(reverse("account_reset_password"), {"email": "target@example.com"})
    assert response.status_code == 429
    assert len(mail.outbox) == 5
