"""Fixtures for every test: personas, API clients, and a clean cache."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _clear_cache():
    # Rate-limit counters and cached values must not leak from one test into the next.
    cache.clear()
    yield


@pytest.fixture
def client_user(db):
    return UserFactory(email="client@example.com", name="Анна Клиентова")


@pytest.fixture
def staff_user(db):
    return UserFactory(email="staff@example.com", is_staff=True, is_superuser=True)


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def client_api(client_user) -> APIClient:
    api = APIClient()
    api.force_authenticate(client_user)
    return api
