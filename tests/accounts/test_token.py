"""POST /api/v1/auth/token/: e-mail and password in, token out; the token authenticates."""

from __future__ import annotations

import pytest

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_token_with_email_and_password_authenticates_later_calls(api_client, client_user):
    response = api_client.post(
        "/api/v1/auth/token/", {"email": "client@example.com", "password": PASSWORD}
    )
    assert response.status_code == 200
    token = response.json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api_client.get("/api/v1/me/").json()["email"] == "client@example.com"


@pytest.mark.parametrize(
    "body",
    [
        {"email": "client@example.com", "password": "wrong"},
        {"email": "nobody@example.com", "password": PASSWORD},
    ],
)
def test_token_with_wrong_credentials_is_refused(api_client, client_user, body):
    response = api_client.post("/api/v1/auth/token/", body)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "auth_failed"


def test_token_with_missing_fields_names_them(api_client, db):
    response = api_client.post("/api/v1/auth/token/", {"email": "not-an-email"}, format="json")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"email", "password"}
