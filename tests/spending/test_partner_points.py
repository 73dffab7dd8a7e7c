"""The partner side of points: API and dashboard page, roles, bad input, and the preview."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from core.models import AuditLog
from tests.bookings.conftest import NOW
from venues.models import PointsRule

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_owner_patches_venue_loyalty(owner_a, venue_a):
    url = f"/api/v1/partner/venues/{venue_a.pk}/loyalty/"
    response = api(owner_a).patch(
        url,
        {"accepts_points": True, "max_points_percent": 25, "cashback_boost_percent": 3},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["accepts_points"], body["max_points_percent"], body["cashback_boost_percent"]) == (
        True,
        25,
        3,
    )
    assert body["accepts_points_now"] is False  # the schedule was never confirmed
    venue_a.refresh_from_db()
    assert venue_a.max_points_percent == 25


@pytest.mark.parametrize(
    "payload",
    [
        {"max_points_percent": 101},
        {"max_points_percent": -5},
        {"max_points_percent": "lots"},
        {"cashback_boost_percent": 11},
        {"max_points_percent": None},
        {"points_min_booking_amount": "-1"},
    ],
)
def test_bad_venue_loyalty_is_a_400_and_changes_nothing(owner_a, venue_a, payload):
    response = api(owner_a).patch(
        f"/api/v1/partner/venues/{venue_a.pk}/loyalty/", payload, format="json"
    )
    assert response.status_code == 400
    assert next(iter(payload)) in response.json()["error"]["fields"]
    venue_a.refresh_from_db()
    assert (venue_a.max_points_percent, venue_a.cashback_boost_percent) == (10, 0)


def test_administrator_reads_but_cannot_change(administrator_a, venue_a, room_a):
    client = api(administrator_a)
    assert client.get(f"/api/v1/partner/venues/{venue_a.pk}/loyalty/").status_code == 200
    url = f"/api/v1/partner/venues/{venue_a.pk}/loyalty/"
    assert client.patch(url, {"max_points_percent": 50}, format="json").status_code == 403
    url = f"/api/v1/partner/rooms/{room_a.pk}/loyalty/"
    assert client.patch(url, {"max_points_percent": 50}, format="json").status_code == 403
    url = f"/api/v1/partner/venues/{venue_a.pk}/points-rules/"
    assert client.post(url, {"weekdays": [1], "percent": 5}, format="json").status_code == 403
    assert not PointsRule.objects.exists()


def test_room_override_set_and_cleared(manager_a, room_a):
    client = api(manager_a)
    url = f"/api/v1/partner/rooms/{room_a.pk}/loyalty/"
    assert client.patch(url, {"max_points_percent": 40}, format="json").json() == {
        "id": room_a.pk,
        "max_points_percent": 40,
    }
    assert client.patch(url, {"max_points_percent": None}, format="json").status_code == 200
    room_a.refresh_from_db()
    assert room_a.max_points_percent is None
    assert client.patch(url, {"max_points_percent": 101}, format="json").status_code == 400


def test_rules_list_create_delete(owner_a, venue_a, room_a):
    client = api(owner_a)
    url = f"/api/v1/partner/venues/{venue_a.pk}/points-rules/"
    response = client.post(
        url,
        {
            "room": room_a.pk,
            "weekdays": [0, 1, 2, 3, 4],
            "time_from": "10:00",
            "time_to": "16:00",
            "percent": 50,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    rule = response.json()
    assert rule["room"] == room_a.pk and rule["time_to"] == "16:00"
    assert [r["id"] for r in client.get(url).json()] == [rule["id"]]
    assert client.delete(f"{url}{rule['id']}/").status_code == 204
    assert client.get(url).json() == []
    assert AuditLog.objects.filter(action="venue.points_rule_delete").count() == 1


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"weekdays": [7], "percent": 5}, "weekdays"),
        ({"weekdays": [1], "percent": 101}, "percent"),
        ({"percent": 5}, None),
        ({"date_from": "2026-12-10", "date_to": "2026-12-01", "percent": 5}, "date_to"),
        ({"time_from": "10:00", "time_to": "10:00", "percent": 5}, "time_to"),
        ({"weekdays": [1], "percent": 5, "room": 999999}, "room"),
        ({"weekdays": "monday", "percent": 5}, "weekdays"),
        ({"weekdays": [], "time_from": "10:00", "time_to": "16:00", "percent": 5}, "weekdays"),
    ],
)
def test_bad_rules_are_a_400(owner_a, venue_a, payload, field):
    response = api(owner_a).post(
        f"/api/v1/partner/venues/{venue_a.pk}/points-rules/", payload, format="json"
    )
    assert response.status_code in (400, 422)  # a broken schema; a rule's refusal
    if field:
        assert field in {key.split(".")[0] for key in response.json()["error"]["fields"]}
    assert not PointsRule.objects.exists()


def test_a_foreign_room_cannot_be_named_in_a_rule(owner_a, owner_b, venue_a):
    from tests.factories import RoomFactory

    foreign = RoomFactory(name="Чужой")
    response = api(owner_a).post(
        f"/api/v1/partner/venues/{venue_a.pk}/points-rules/",
        {"weekdays": [1], "percent": 5, "room": foreign.pk},
        format="json",
    )
    assert response.status_code == 422
    assert not PointsRule.objects.exists()


# --- dashboard page --------------------------------------------------------------------------


def test_page_saves_settings_and_shows_the_preview(client, owner_a, points_room):
    client.force_login(owner_a)
    venue = points_room.venue
    url = f"/dashboard/venues/{venue.pk}/points/"
    response = client.post(
        url,
        {
            "accepts_points": "on",
            "max_points_percent": "10",
            "cashback_boost_percent": "2",
            "points_min_booking_amount": "",
            "earn_min_booking_amount": "1000",
        },
    )
    assert response.status_code == 302
    venue.refresh_from_db()
    assert venue.max_points_percent == 10 and venue.earn_min_booking_amount == Decimal("1000.00")
    page = client.get(url).content.decode()
    # Next Saturday 19:00–22:00 at 1,000 ₽/h = 3,000 ₽, 10 % → 300 points.
    assert "300" in page and "3 000" in page.replace("\xa0", " ")


def test_page_refuses_bad_settings_with_a_form_error(client, owner_a, venue_a):
    client.force_login(owner_a)
    response = client.post(
        f"/dashboard/venues/{venue_a.pk}/points/",
        {"max_points_percent": "150", "cashback_boost_percent": "0"},
    )
    assert response.status_code == 400
    venue_a.refresh_from_db()
    assert venue_a.max_points_percent == 10


def test_page_adds_and_deletes_rules_and_room_shares(client, owner_a, room_a):
    client.force_login(owner_a)
    venue = room_a.venue
    base = f"/dashboard/venues/{venue.pk}/points/"
    response = client.post(
        base + "rules/",
        {"weekdays": ["5", "6"], "time_from": "18:00", "time_to": "23:00", "percent": "5"},
    )
    assert response.status_code == 302
    rule = PointsRule.objects.get()
    assert rule.weekdays == [5, 6]
    assert client.post(base + "rules/", {"percent": "5"}).status_code == 400
    assert client.post(f"{base}rules/{rule.pk}/delete/").status_code == 302
    assert not PointsRule.objects.exists()
    assert client.post(f"{base}rooms/{room_a.pk}/", {"max_points_percent": "30"}).status_code == 302
    room_a.refresh_from_db()
    assert room_a.max_points_percent == 30


def test_administrator_sees_the_page_read_only(client, administrator_a, venue_a):
    client.force_login(administrator_a)
    url = f"/dashboard/venues/{venue_a.pk}/points/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"max_points_percent": "50", "cashback_boost_percent": "0"})
    assert response.status_code == 403
    assert client.post(url + "rules/", {"weekdays": ["1"], "percent": "5"}).status_code == 403
    venue_a.refresh_from_db()
    assert venue_a.max_points_percent == 10


def test_page_is_in_the_venue_menu(client, owner_a, venue_a):
    client.force_login(owner_a)
    page = client.get(f"/dashboard/venues/{venue_a.pk}/").content.decode()
    assert f"/dashboard/venues/{venue_a.pk}/points/" in page
    assert NOW  # the clock is frozen for the preview
    assert dt
