"""The shared factories and personas build valid objects (the database accepts them)."""

import pytest


@pytest.mark.django_db
def test_personas_and_a_priced_room(room_a, owner_a, manager_a, administrator_a, owner_b):
    assert room_a.venue.opening_hours.count() == 7
    assert room_a.prices.count() == 5
    assert owner_a.memberships.get().organisation == room_a.venue.organisation
    assert owner_b.memberships.get().organisation != room_a.venue.organisation
