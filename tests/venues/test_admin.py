"""Staff in Django admin: every venues page renders, and writes go through the services."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.factories import MembershipFactory, RoomFactory
from venues.models import Photo

pytestmark = pytest.mark.django_db


def test_every_venues_admin_page_renders(client, staff_user, room_a, org_a_objects):
    client.force_login(staff_user)
    models = [m for m in admin.site._registry if m._meta.app_label == "venues"]
    assert len(models) == 11
    for model in models:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        assert client.get(reverse(f"{prefix}_changelist"), {"q": "а"}).status_code == 200
        assert client.get(reverse(f"{prefix}_add")).status_code == 200
        obj = model.objects.first()
        if obj is not None:
            url = reverse(f"{prefix}_change", args=[obj.pk])
            assert client.get(url).status_code == 200, url


def test_the_admin_venue_page_does_not_list_every_room_per_photo(
    client, staff_user, room_a, django_assert_max_num_queries
):
    venue = room_a.venue
    for number in range(30):
        RoomFactory(venue=venue, name=f"Зал {number}")
    for _ in range(5):
        Photo.objects.create(venue=venue, room=room_a, image="photos/x.png")
    MembershipFactory(organisation=venue.organisation)
    client.force_login(staff_user)
    with django_assert_max_num_queries(30):
        response = client.get(reverse("admin:venues_venue_change", args=[venue.pk]))
    assert response.status_code == 200
    assert "Зал 29</option>" not in response.content.decode()  # no select of every room
