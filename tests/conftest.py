"""Fixtures for every test: personas, API clients, and a clean cache."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    RoomFactory,
    UserFactory,
    VenueFactory,
    open_every_day,
    price_every_day,
)


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


# Personas (STYLE.md rule 13): a client, owner and manager of organisation A, an owner of B, staff.
@pytest.fixture
def org_a(db):
    return OrganisationFactory(name="Организация А")


@pytest.fixture
def org_b(db):
    return OrganisationFactory(name="Организация Б")


@pytest.fixture
def owner_a(org_a):
    return MembershipFactory(
        organisation=org_a, user__email="owner-a@example.com", role="owner"
    ).user


@pytest.fixture
def manager_a(org_a):
    return MembershipFactory(
        organisation=org_a, user__email="manager-a@example.com", role="manager"
    ).user


@pytest.fixture
def administrator_a(org_a):
    return MembershipFactory(
        organisation=org_a, user__email="admin-a@example.com", role="administrator"
    ).user


@pytest.fixture
def owner_b(org_b):
    return MembershipFactory(
        organisation=org_b, user__email="owner-b@example.com", role="owner"
    ).user


@pytest.fixture
def venue_a(org_a):
    venue = VenueFactory(organisation=org_a, name="Репбаза А")
    open_every_day(venue)
    return venue


@pytest.fixture
def room_a(venue_a):
    room = RoomFactory(venue=venue_a, name="Большой зал")
    price_every_day(room)
    return room
