"""The profile page and /api/v1/me/: edit name, phone and birthday."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.models import AuditLog

pytestmark = pytest.mark.django_db


def test_profile_page_saves_and_audits(client, client_user):
    client.force_login(client_user)
    response = client.post(
        reverse("accounts:profile"),
        {"name": "Анна", "phone": "89161234567", "birthday": "1995-02-03"},
    )
    assert response.status_code == 302
    client_user.refresh_from_db()
    assert (client_user.name, str(client_user.phone), str(client_user.birthday)) == (
        "Анна",
        "+79161234567",
        "1995-02-03",
    )
    record = AuditLog.objects.get(action="profile.update")
    assert record.actor == client_user
    assert record.after["birthday"] == "1995-02-03"


def test_profile_page_rejects_future_birthday_and_changes_nothing(client, client_user):
    client.force_login(client_user)
    response = client.post(
        reverse("accounts:profile"), {"name": "X", "phone": "", "birthday": "2999-01-01"}
    )
    assert response.status_code == 200
    assert "birthday" in response.context["form"].errors
    client_user.refresh_from_db()
    assert client_user.name == "Анна Клиентова"
    assert client_user.birthday is None


def test_profile_page_needs_login(client):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert reverse("account_login") in response.url


def test_api_me_reads_and_patches(client_api, client_user):
    assert client_api.get("/api/v1/me/").json()["email"] == "client@example.com"
    response = client_api.patch("/api/v1/me/", {"phone": "+7 (903) 111-22-33"}, format="json")
    assert response.status_code == 200
    assert response.json()["phone"] == "+79031112233"
    client_user.refresh_from_db()
    assert client_user.name == "Анна Клиентова"


@pytest.mark.parametrize(
    ("body", "status"),
    [({"phone": "abc"}, 400), ({"birthday": "2999-01-01"}, 422), ({"birthday": "nope"}, 400)],
)
def test_api_me_rejects_bad_input_with_field_errors(client_api, client_user, body, status):
    response = client_api.patch("/api/v1/me/", body, format="json")
    assert response.status_code == status
    error = response.json()["error"]
    assert error["code"] == ("invalid" if status == 400 else "rule")
    assert list(error["fields"]) == list(body)
    client_user.refresh_from_db()
    assert client_user.phone == "" and client_user.birthday is None


def test_api_me_needs_authentication(api_client):
    response = api_client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["error"]["code"] == "not_authenticated"
