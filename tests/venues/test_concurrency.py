"""Two owners adding overlapping price bands at the same moment: exactly one band is saved."""

from __future__ import annotations

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection

from core.errors import ApplicationError
from tests.factories import MembershipFactory, RoomFactory, VenueFactory, open_every_day
from venues import services
from venues.models import Price

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_overlapping_bands_never_both_save():
    owner = MembershipFactory(role="owner").user
    venue = VenueFactory(organisation=owner.memberships.get().organisation)
    open_every_day(venue)
    rooms = [RoomFactory(venue=venue, name=f"Зал {n}") for n in range(4)]
    for round_number, room in enumerate(rooms):
        barrier = threading.Barrier(4)
        outcomes = []

        def add(start_hour, room=room, barrier=barrier, outcomes=outcomes):
            try:
                barrier.wait(timeout=10)
                services.price_create(
                    actor=owner,
                    room=room,
                    day_type="weekday",
                    starts=datetime.time(start_hour),
                    ends=datetime.time(start_hour + 4),
                    price_per_hour=Decimal("700"),
                )
                outcomes.append("saved")
            except ApplicationError:
                outcomes.append("refused")
            finally:
                connection.close()

        # 12–16, 13–17, 14–18, 15–19 all overlap one another.
        threads = [threading.Thread(target=add, args=(12 + n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert sorted(outcomes) == ["refused", "refused", "refused", "saved"], round_number
        assert Price.objects.filter(room=room).count() == 1
