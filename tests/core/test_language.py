"""Russian by default on pages, English on request; the API negotiates."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_pages_are_russian_even_for_an_english_browser_until_switched(client):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="ru"' in html and "Войти" in html


def test_api_messages_follow_accept_language(api_client, db):
    response = api_client.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Authentication credentials were not provided." in response.json()["error"]["message"]


def test_language_switch_renders_english(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get("/").content.decode()
    assert 'lang="en"' in html
    assert "Log in" in html and "Войти" not in html
