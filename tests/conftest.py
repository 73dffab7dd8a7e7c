"""Fixtures for every test: personas, API clients, and a clean cache."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.utils import timezone
from rest_framework.test import APIClient

from loyalty.models import Campaign
from tests.factories import (
    BookingFactory,
    MembershipFactory,
    OrganisationFactory,
    RoomFactory,
    UserFactory,
    VenueFactory,
    open_every_day,
    png_bytes,
    price_every_day,
)
from venues.models import Invitation, Photo, PointsRule, ScheduleException


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


@pytest.fixture(autouse=True)
def _default_tiers(request):
    """The default loyalty tiers come from a data migration; a transactional test truncates them,
    so put them back for every test that uses the database (cashback depends on them)."""
    if request.node.get_closest_marker("django_db") is None:
        return
    restore_default_tiers()


def restore_default_tiers() -> None:
    import importlib

    from loyalty.models import Tier

    if not Tier.objects.exists():
        defaults = importlib.import_module("loyalty.migrations.0005_default_tiers").DEFAULT_TIERS
        Tier.objects.bulk_create(
            Tier(name=name, min_money_365d=money, min_sessions_365d=sessions, cashback_percent=pct)
            for name, money, sessions, pct in defaults
        )


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


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    # Uploaded test photos go to a temporary folder, never into .data/media.
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def org_a_objects(org_a, owner_a, manager_a, room_a, client_user):
    """One of every partner object of organisation A, keyed by the URL kwarg that names it
    (tests/test_partner_tenancy.py fills every partner URL with these)."""
    return partner_objects(org_a, manager_a, room_a, client_user)


def partner_objects(org_a, manager_a, room_a, client_user) -> dict:
    """Create one of every partner object of `org_a` (see org_a_objects)."""
    venue = room_a.venue
    invitation = Invitation.objects.create(
        organisation=org_a, email="newcomer@example.com", role="manager", token="tok-a-123"
    )
    exception = ScheduleException.objects.create(
        venue=venue, date=datetime.date(2026, 12, 31), is_closed=True, note="Новый год"
    )
    photo = Photo.objects.create(venue=venue, image=ContentFile(png_bytes(), name="a.png"))
    start = timezone.now().replace(minute=0, second=0, microsecond=0) + datetime.timedelta(days=2)
    booking = BookingFactory(
        room=room_a,
        user=client_user,
        status="requested",
        start=start,
        end=start + datetime.timedelta(hours=2),
    )
    points_rule = PointsRule.objects.create(venue=venue, weekdays=[5], percent=20)
    campaign = Campaign.objects.create(name="Кампания А", venue=venue, value=2)
    return {
        "campaign_id": campaign.pk,
        "organisation_id": org_a.pk,
        "venue_id": venue.pk,
        "room_id": room_a.pk,
        "price_id": room_a.prices.first().pk,
        "membership_id": manager_a.memberships.get(organisation=org_a).pk,
        "invitation_id": invitation.pk,
        "exception_id": exception.pk,
        "photo_id": photo.pk,
        "token": invitation.token,
        "booking_id": booking.pk,
        "action": "confirm",
        "rule_id": points_rule.pk,
    }
