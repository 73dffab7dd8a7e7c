"""The rooms' calendar feeds: a room gets its feed when the venue team creates it (once, whatever
runs twice), the rooms made before that got theirs from a data migration, and the calendar page
only reads them: a room without a feed shows no link and a button that makes one."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse

from bookings import services
from bookings.models import RoomCalendarFeed
from tests.admin_pages import open_form
from tests.factories import RoomFactory
from venues import services as venue_services
from venues.models import Room

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def test_a_room_the_team_creates_gets_its_feed_once(
    owner_a, venue_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        room = venue_services.room_create(
            actor=owner_a, venue=venue_a, name="Малый зал", kind="rehearsal", capacity=4
        )
    feed = RoomCalendarFeed.objects.get(room=room)
    # Running the work again (a retried task, a replayed event) keeps the same link.
    assert services.room_feed_create(room_id=room.pk) == feed
    assert RoomCalendarFeed.objects.get(room=room).token == feed.token


def test_a_feed_for_a_room_that_is_gone_is_nothing(db):
    assert services.room_feed_create(room_id=987654321) is None
    assert not RoomCalendarFeed.objects.exists()


def test_the_calendar_page_only_reads_feeds(client, owner_a, venue_a, room_a):
    client.force_login(owner_a)
    page = client.get(f"/dashboard/venues/{venue_a.pk}/calendar/")
    assert page.status_code == 200
    assert "/calendar/rooms/" not in page.content.decode()  # no feed, no link
    assert not RoomCalendarFeed.objects.exists()  # and looking made none
    url = f"/dashboard/venues/{venue_a.pk}/rooms/{room_a.pk}/feed/"
    assert f'action="{url}"' in page.content.decode()
    client.post(url)
    feed = RoomCalendarFeed.objects.get(room=room_a)
    page = client.get(f"/dashboard/venues/{venue_a.pk}/calendar/")
    assert f"/calendar/rooms/{feed.token}.ics" in page.content.decode()


def test_the_data_migration_gives_existing_rooms_a_feed_and_keeps_tokens(room_a, room_feed):
    other = RoomFactory(venue=room_a.venue)
    migration = importlib.import_module("bookings.migrations.0003_room_calendar_feeds")
    migration.create_feeds(apps, None)
    migration.create_feeds(apps, None)  # twice: once
    assert RoomCalendarFeed.objects.get(room=room_a).token == room_feed.token
    assert RoomCalendarFeed.objects.filter(room=other).count() == 1


def test_the_demo_rooms_have_their_feeds():
    call_command("seed_demo", verbosity=0)
    assert Room.objects.count() == RoomCalendarFeed.objects.count() > 0


def test_a_room_staff_add_in_admin_gets_its_feed(
    client, staff_user, venue_a, django_capture_on_commit_callbacks
):
    client.force_login(staff_user)
    add = reverse("admin:venues_room_add")
    data = open_form(client, add)
    data.update(venue=venue_a.pk, name="Студия", kind="rehearsal", capacity="4")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(add, data)
    assert response.status_code == 302, response.context["errors"]
    assert RoomCalendarFeed.objects.filter(room__name="Студия").exists()
