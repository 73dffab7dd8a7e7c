"""Guessing passwords: one lockout (django-axes) by account and address for the login form, the
API token and the admin; addresses come from core.addresses.client_ip, which believes
X-Forwarded-For only from TRUSTED_PROXIES, and the API's throttles count by the same address."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.views import APIView

from core.addresses import client_ip
from core.throttling import ClientIpThrottle
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
TOKEN = "/api/v1/auth/token/"


def _token(api: APIClient, email: str, password: str, forwarded_for: str = "", remote="1.1.1.1"):
    return api.post(
        TOKEN,
        {"email": email, "password": password},
        HTTP_X_FORWARDED_FOR=forwarded_for,
        REMOTE_ADDR=remote,
    )


def test_rotating_x_forwarded_for_does_not_escape_the_token_throttle(api_client, db):
    codes = [
        _token(api_client, f"guess{n}@example.com", "wrong", f"203.0.113.{n}").status_code
        for n in range(12)
    ]
    assert codes[:10] == [422] * 10
    assert codes[10:] == [429, 429]


def test_rotating_x_forwarded_for_does_not_escape_the_lockout(api_client, client_user):
    codes = [
        _token(api_client, "client@example.com", "wrong", f"198.51.100.{n}").status_code
        for n in range(5)
    ]
    assert codes == [422, 422, 422, 422, 429]  # the fifth failure locks
    response = _token(api_client, "Client@Example.com ", PASSWORD, "198.51.100.77")
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "locked_out"
    assert response.json()["error"]["message"]
    assert int(response["Retry-After"]) > 0
    assert not Token.objects.exists()


def test_the_login_form_the_token_and_the_admin_share_one_lockout(client, staff_user):
    api = APIClient()
    login = reverse("account_login")
    for _ in range(2):
        client.post("/admin/login/", {"username": "staff@example.com", "password": "wrong"})
    for _ in range(2):
        assert _token(api, "staff@example.com", "wrong", remote="127.0.0.1").status_code == 422
    client.post(login, {"login": "staff@example.com", "password": "wrong"})
    # The fifth failure locked the account for this address, whichever door it came through.
    page = client.post(login, {"login": "staff@example.com", "password": PASSWORD})
    assert page.status_code == 429
    assert "Слишком много неудачных попыток" in page.content.decode()
    admin = client.post(
        "/admin/login/?next=/admin/", {"username": "staff@example.com", "password": PASSWORD}
    )
    assert admin.status_code == 429
    assert client.get("/admin/").status_code == 302  # still not signed in
    assert _token(api, "staff@example.com", PASSWORD, remote="127.0.0.1").status_code == 429
    # The lock is on this account from this address: the owner elsewhere still signs in...
    assert _token(api, "staff@example.com", PASSWORD, remote="192.0.2.9").status_code == 200
    # ...and here too once the cool-off has passed.
    with time_machine.travel(datetime.timedelta(minutes=16)):
        assert _token(api, "staff@example.com", PASSWORD, remote="127.0.0.1").status_code == 200


def test_behind_a_trusted_proxy_the_forwarded_address_counts(api_client, settings, db):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    UserFactory(email="a@example.com")
    # Behind our proxy, every client has its own counter: ten guessers are not one.
    for n in range(12):
        response = _token(api_client, "a@example.com", "wrong", f"203.0.113.{n}", "10.0.0.2")
        assert response.status_code == 422
    # The one who guessed five times from one address is locked out there, and only there.
    for _ in range(4):
        _token(api_client, "a@example.com", "wrong", "203.0.113.1", "10.0.0.2")
    assert _token(api_client, "a@example.com", PASSWORD, "203.0.113.1", "10.0.0.2").status_code == (
        429
    )
    assert _token(
        api_client, "a@example.com", PASSWORD, "203.0.113.99", "10.0.0.2"
    ).status_code == (200)


@pytest.mark.parametrize(
    ("trusted", "remote", "forwarded", "expected"),
    [
        ([], "1.1.1.1", "9.9.9.9", "1.1.1.1"),  # no trusted proxy: the header is anyone's
        (["10.0.0.0/8"], "1.1.1.1", "9.9.9.9", "1.1.1.1"),  # not from our proxy
        (["10.0.0.0/8"], "10.0.0.2", "9.9.9.9", "9.9.9.9"),
        # The client may write anything on the left; only what our proxies appended counts.
        (["10.0.0.0/8"], "10.0.0.2", "6.6.6.6, 9.9.9.9", "9.9.9.9"),
        (["10.0.0.0/8"], "10.0.0.2", "9.9.9.9, 10.1.1.1", "9.9.9.9"),
        (["10.0.0.0/8"], "10.0.0.2", "not-an-address", "10.0.0.2"),
        (["10.0.0.0/8"], "10.0.0.2", "", "10.0.0.2"),
        (["2001:db8::/32"], "2001:db8::1", "2a00::5", "2a00::5"),
    ],
)
def test_client_ip_believes_forwarded_for_only_from_trusted_proxies(
    settings, trusted, remote, forwarded, expected
):
    settings.TRUSTED_PROXIES = trusted
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def _views(resolver: URLResolver):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _views(pattern)
        elif isinstance(pattern, URLPattern):
            view = getattr(pattern.callback, "cls", None)
            if isinstance(view, type) and issubclass(view, APIView):
                yield view


def test_every_api_throttle_counts_clients_by_client_ip():
    """The class: a view that sets its own throttle classes must still count by client_ip."""
    views = set(_views(get_resolver()))
    throttled = {view for view in views if getattr(view, "throttle_scope", None)}
    assert any(view.__name__ == "TokenObtainView" for view in throttled)
    wrong = {
        f"{view.__module__}.{view.__name__}: {throttle.__name__}"
        for view in views
        for throttle in view.throttle_classes
        if throttle.get_ident is not ClientIpThrottle.get_ident
    }
    assert wrong == set()
    assert all(view.throttle_classes for view in throttled)
