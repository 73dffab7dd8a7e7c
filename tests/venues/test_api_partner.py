"""The partner API: what the dashboard does, through JSON, with the same rules and error shape."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from venues.models import Membership, OpeningHours, Price, Room, Venue

pytestmark = pytest.mark.django_db


def _api(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_an_owner_builds_a_venue_through_the_api(owner_a, org_a, venue_a):
    api = _api(owner_a)
    response = api.post(
        f"/api/v1/partner/organisations/{org_a.pk}/venues/",
        {"name": "API-база", "city": "moscow", "address": "ул. Тверская, 5"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    venue_id = response.data["id"]
    assert response.data["timezone"] == "Europe/Moscow"

    days = [{"weekday": d, "opens": "10:00", "closes": "02:00"} for d in range(6)]
    days.append({"weekday": 6, "closed": True})
    response = api.put(f"/api/v1/partner/venues/{venue_id}/hours/", {"days": days}, format="json")
    assert response.status_code == 200
    assert response.data["schedule_confirmed_at"] is not None
    assert OpeningHours.objects.filter(venue_id=venue_id).count() == 6

    response = api.post(
        f"/api/v1/partner/venues/{venue_id}/rooms/",
        {"name": "Зал", "kind": "rehearsal", "capacity": 5, "equipment": ["Fender Twin"]},
        format="json",
    )
    assert response.status_code == 201
    room_id = response.data["id"]
    response = api.post(
        f"/api/v1/partner/rooms/{room_id}/prices/",
        {"day_type": "weekday", "starts": "18:00", "ends": "02:00", "price_per_hour": "1100"},
        format="json",
    )
    assert response.status_code == 201
    assert Room.objects.get(pk=room_id).price_from == Decimal("1100.00")
    response = api.patch(
        f"/api/v1/partner/prices/{response.data['id']}/", {"price_per_hour": "1000"}, format="json"
    )
    assert response.data["price_per_hour"] == "1000.00"

    listed = api.get("/api/v1/partner/venues/").data
    assert {v["name"] for v in listed} == {"API-база", venue_a.name}


def _price(starts, ends, price, day_type="weekday"):
    return {"day_type": day_type, "starts": starts, "ends": ends, "price_per_hour": price}


@pytest.mark.parametrize(
    ("payload", "field", "status"),
    [
        (_price("08:00", "11:00", "1"), "starts", 422),  # before opening: a rule
        (_price("12:00", "13:00", "-1"), "price_per_hour", 400),
        (_price("12:00", "14:00", "1"), "starts", 422),  # overlaps the 10:00–02:00 band
        (_price("12:00", "14:00", "1", day_type="someday"), "day_type", 400),
        (_price("25:00", "14:00", "1"), "starts", 400),
        (_price("12:00", "14:00", "1e99"), "price_per_hour", 400),
    ],
)
def test_bad_prices_are_a_4xx_naming_the_field_and_nothing_is_saved(
    owner_a, room_a, payload, field, status
):
    count = Price.objects.count()
    response = _api(owner_a).post(
        f"/api/v1/partner/rooms/{room_a.pk}/prices/", payload, format="json"
    )
    assert response.status_code == status
    assert field in response.json()["error"]["fields"], response.json()
    assert Price.objects.count() == count


def test_bad_venue_room_and_hours_input_is_a_400(owner_a, venue_a, room_a):
    api = _api(owner_a)
    response = api.patch(
        f"/api/v1/partner/venues/{venue_a.pk}/", {"timezone": "Europe/Narnia"}, format="json"
    )
    assert response.status_code == 422
    assert "timezone" in response.json()["error"]["fields"]
    response = api.patch(
        f"/api/v1/partner/rooms/{room_a.pk}/",
        {"slot_minutes": 60, "min_booking_minutes": 90},
        format="json",
    )
    assert response.status_code == 422
    assert "min_booking_minutes" in response.json()["error"]["fields"]
    response = api.put(
        f"/api/v1/partner/venues/{venue_a.pk}/hours/",
        {"days": [{"weekday": 0, "opens": "10:00", "closes": "10:00"}]},
        format="json",
    )
    assert response.status_code == 400
    assert OpeningHours.objects.filter(venue=venue_a).count() == 7
    assert Venue.objects.get(pk=venue_a.pk).timezone == "Europe/Moscow"
    assert Room.objects.get(pk=room_a.pk).min_booking_minutes == 60


def test_photos_upload_validated_images_only(owner_a, venue_a, upload):
    api = _api(owner_a)
    url = f"/api/v1/partner/venues/{venue_a.pk}/photos/"
    response = api.post(url, {"image": upload("x.png", b"GIF89a nonsense")}, format="multipart")
    assert response.status_code == 422
    assert "image" in response.json()["error"]["fields"]
    response = api.post(url, {"image": upload()}, format="multipart")
    assert response.status_code == 201
    assert response.data["url"].startswith("http://testserver/media/")


def test_administrators_get_403_on_prices_hours_and_team(administrator_a, room_a, owner_a):
    api = _api(administrator_a)
    venue, org = room_a.venue, room_a.venue.organisation
    price = room_a.prices.first()
    owner_membership = Membership.objects.get(user=owner_a)
    assert api.get(f"/api/v1/partner/venues/{venue.pk}/").status_code == 200
    assert api.get(f"/api/v1/partner/rooms/{room_a.pk}/prices/").status_code == 200
    calls = [
        ("post", f"/api/v1/partner/rooms/{room_a.pk}/prices/", {"day_type": "weekday"}),
        ("patch", f"/api/v1/partner/prices/{price.pk}/", {"price_per_hour": "1"}),
        ("delete", f"/api/v1/partner/prices/{price.pk}/", None),
        ("put", f"/api/v1/partner/venues/{venue.pk}/hours/", {"days": []}),
        ("post", f"/api/v1/partner/venues/{venue.pk}/confirm-schedule/", None),
        ("post", f"/api/v1/partner/organisations/{org.pk}/invitations/", {"email": "a@b.cd"}),
        (
            "patch",
            f"/api/v1/partner/organisations/{org.pk}/members/{owner_membership.pk}/",
            {"role": "manager"},
        ),
    ]
    for method, url, data in calls:
        response = getattr(api, method)(url, data, format="json")
        assert response.status_code == 403, (method, url, response.status_code)
        assert response.json()["error"]["code"] == "permission_denied"
    assert Price.objects.filter(room=room_a).count() == 5
    assert OpeningHours.objects.filter(venue=venue).count() == 7


def test_a_person_without_an_organisation_creates_one(client_user):
    api = _api(client_user)
    assert api.get("/api/v1/partner/organisations/").data == []
    response = api.post("/api/v1/partner/organisations/", {"name": "Студия Ля"}, format="json")
    assert response.status_code == 201
    assert response.data["role"] == "owner"


def test_the_openapi_schema_documents_the_venues_endpoints(api_client):
    schema = api_client.get("/api/schema/", {"format": "json"}).json()
    for path in [
        "/api/v1/rooms/",
        "/api/v1/venues/{venue_id}/",
        "/api/v1/partner/rooms/{room_id}/prices/",
        "/api/v1/partner/venues/{venue_id}/hours/",
    ]:
        assert path in schema["paths"], path


def test_prices_outside_new_hours_are_kept_and_pointed_out(client, owner_a, room_a):
    venue = room_a.venue
    days = [{"weekday": d, "opens": "10:00", "closes": "23:00"} for d in range(6)]
    days.append({"weekday": 6, "closed": True})
    response = _api(owner_a).put(
        f"/api/v1/partner/venues/{venue.pk}/hours/", {"days": days}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert len(response.data["days"]) == 7 and response.data["days"][6]["closed"] is True
    outside = {(p["day_type"], p["starts"]) for p in response.data["prices_outside_hours"]}
    # 10:00–02:00 bands no longer fit 10:00–23:00; Sunday is closed; holidays fit no day either.
    assert outside == {(t, "10:00") for t in ("weekday", "friday", "saturday", "sunday", "holiday")}
    assert room_a.prices.count() == 5

    client.force_login(owner_a)
    data = {f"open_{d}": "on" for d in range(7)}
    data.update({f"opens_{d}": "10:00" for d in range(7)})
    data.update({f"closes_{d}": "22:00" for d in range(7)})
    response = client.post(reverse("dashboard:hours", args=[venue.pk]), data, follow=True)
    assert "выходят за часы работы" in response.content.decode()
    assert room_a.prices.count() == 5
