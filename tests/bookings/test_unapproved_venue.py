"""A venue staff have not approved is nowhere a client looks, and cannot be booked by any path;
once approved it is everywhere (so the walk is not vacuous)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import translation

from bookings import services
from bookings.models import Booking
from core.errors import ApplicationError
from tests.bookings.conftest import at, book_payload
from venues.models import Venue

pytestmark = pytest.mark.django_db

DAY = "2026-12-02"  # the day after the frozen NOW


def _walk(client, client_api, room) -> dict[str, int | bool]:
    """What a visitor and a signed-in client meet on every public path to `room`."""
    venue = room.venue
    start = at(DAY, "19:00")
    payload = book_payload(room, start, start + timedelta(hours=2))
    catalogue = client.get("/", {"q": ""}).content.decode()
    return {
        "catalogue": room.name in catalogue or venue.name in catalogue,
        "api venues": venue.pk
        in [v["id"] for v in client_api.get("/api/v1/venues/").json()["results"]],
        "api rooms": room.pk
        in [r["id"] for r in client_api.get("/api/v1/rooms/").json()["results"]],
        "venue page": client.get(f"/venues/{venue.pk}/").status_code,
        "room page": client.get(f"/rooms/{room.pk}/").status_code,
        "book page": client.get(f"/rooms/{room.pk}/book/").status_code,
        "availability page": client.get(
            f"/rooms/{room.pk}/availability/", {"date": DAY}
        ).status_code,
        "api venue": client_api.get(f"/api/v1/venues/{venue.pk}/").status_code,
        "api room": client_api.get(f"/api/v1/rooms/{room.pk}/").status_code,
        "api availability": client_api.get(
            f"/api/v1/rooms/{room.pk}/availability/", {"date": DAY}
        ).status_code,
        "api quote": client_api.post("/api/v1/bookings/quote/", payload, format="json").status_code,
        "checkout": client.get(
            "/bookings/checkout/", {"room": room.pk, "start": start.isoformat(), "minutes": 120}
        ).status_code,
    }


def test_an_unapproved_venue_is_on_no_public_path_and_takes_no_booking(
    frozen, client, client_user, client_api, room_a
):
    client.force_login(client_user)
    approved = _walk(client, client_api, room_a)
    assert approved == {
        "catalogue": True, "api venues": True, "api rooms": True, "venue page": 200,
        "room page": 200, "book page": 200, "availability page": 200, "api venue": 200,
        "api room": 200, "api availability": 200, "api quote": 200, "checkout": 200,
    }  # fmt: skip

    for state in (Venue.Moderation.PENDING, Venue.Moderation.REJECTED):
        Venue.objects.filter(pk=room_a.venue_id).update(moderation=state, moderation_reason="x")
        room_a.venue.refresh_from_db()
        hidden = _walk(client, client_api, room_a)
        assert hidden.pop("catalogue") is False
        assert hidden.pop("api venues") is False
        assert hidden.pop("api rooms") is False
        assert hidden.pop("api quote") == 422
        assert set(hidden.values()) == {404}, hidden

        start = at(DAY, "19:00")
        response = client_api.post(
            "/api/v1/bookings/",
            book_payload(room_a, start, start + timedelta(hours=2)),
            format="json",
        )
        assert response.status_code == 422 and "room" in response.json()["error"]["fields"]
        # The requests above leave this thread in Russian, the site's language.
        with translation.override("en"), pytest.raises(ApplicationError, match="not taking"):
            services.booking_create(
                user=client_user, room=room_a, start=start,
                end=start + timedelta(hours=2), payment="venue",
            )  # fmt: skip
    assert not Booking.objects.exists()


def test_public_code_asks_for_public_venues_in_one_way():
    """Every public read and booking path filters on the one definition (venues.models
    PUBLIC_VENUE through `Venue.objects.public()`, `Room.objects.of_public_venues()`,
    `venue.is_public`): code that asks only whether a venue is published would show an
    unapproved one. The owner's switch itself is set by the services and shown on the
    dashboard, the only places allowed to name it."""
    root = Path(__file__).resolve().parents[2]
    allowed = {"venues/models/venues.py", "venues/services/venues.py", "venues/admin.py"}
    allowed |= {"venues/partner_api/venues.py", "templates/dashboard/index.html"}
    allowed |= {"templates/dashboard/venue.html"}
    offenders = []
    apps = [top for top in root.iterdir() if (top / "apps.py").exists()]
    for path in [*(p for app in apps for p in app.rglob("*.py")), *root.glob("templates/**/*")]:
        relative = path.relative_to(root).as_posix()
        if "/migrations/" in relative or not path.is_file():
            continue
        if "is_published" in path.read_text() and relative not in allowed:
            offenders.append(relative)
    assert offenders == []
