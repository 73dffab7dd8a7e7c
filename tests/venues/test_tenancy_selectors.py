"""The tenancy rule: a foreign organisation's objects are 404, a too-weak role is 403."""

import pytest

from core.errors import NotFound, PermissionDenied
from venues import selectors
from venues.models import EDITORS


@pytest.mark.django_db
def test_members_reach_their_venue_and_room_outsiders_get_not_found(
    room_a, owner_a, owner_b, client_user
):
    venue = room_a.venue
    assert selectors.venue_for_member(user=owner_a, venue_id=venue.pk) == venue
    assert selectors.room_for_member(user=owner_a, room_id=room_a.pk) == room_a
    for outsider in (owner_b, client_user):
        with pytest.raises(NotFound):
            selectors.venue_for_member(user=outsider, venue_id=venue.pk)
        with pytest.raises(NotFound):
            selectors.room_for_member(user=outsider, room_id=room_a.pk)
        with pytest.raises(NotFound):
            selectors.organisation_for_member(user=outsider, organisation_id=venue.organisation_id)


@pytest.mark.django_db
def test_administrators_see_but_cannot_edit(room_a, administrator_a):
    assert selectors.venue_for_member(user=administrator_a, venue_id=room_a.venue_id)
    with pytest.raises(PermissionDenied):
        selectors.venue_for_member(user=administrator_a, venue_id=room_a.venue_id, roles=EDITORS)
    with pytest.raises(PermissionDenied):
        selectors.room_for_member(user=administrator_a, room_id=room_a.pk, roles=EDITORS)
