"""Every existing room gets its secret calendar feed.

Feeds used to be made the first time a venue calendar page was opened (a write on a GET); now
a room gets its feed when it is created (bookings.receivers.on_room_created). This gives the
rooms made before that change theirs. Rooms that already have a feed keep their token.
"""

import secrets

from django.db import migrations


def create_feeds(apps, schema_editor):
    Room = apps.get_model("venues", "Room")
    RoomCalendarFeed = apps.get_model("bookings", "RoomCalendarFeed")
    missing = Room.objects.filter(calendar_feed__isnull=True).order_by("pk")
    RoomCalendarFeed.objects.bulk_create(
        (
            # The token as bookings.models._new_token makes it.
            RoomCalendarFeed(room_id=room_id, token=secrets.token_urlsafe(24))
            for room_id in missing.values_list("pk", flat=True).iterator()
        ),
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0002_booking_points_booking_points_cap_and_more"),
    ]

    operations = [
        migrations.RunPython(create_feeds, migrations.RunPython.noop),
    ]
