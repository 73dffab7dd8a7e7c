"""The partner dashboard through the test client: what owners, managers, administrators do."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from venues.models import Membership, OpeningHours, Organisation, Photo, Price, Room, Venue

pytestmark = pytest.mark.django_db


def _hours_post(opens="10:00", closes="02:00", **override):
    data = {}
    for day in range(7):
        data[f"open_{day}"] = "on"
        data[f"opens_{day}"] = opens
        data[f"closes_{day}"] = closes
    data.update(override)
    return data


def test_a_new_partner_registers_a_business_venue_room_hours_and_prices(client, venue_a):
    user = UserFactory(email="partner@example.com")
    client.force_login(user)
    assert client.get(reverse("dashboard:index"))["Location"] == reverse(
        "dashboard:organisation-create"
    )
    response = client.post(reverse("dashboard:organisation-create"), {"name": "Звук и Ко"})
    organisation = Organisation.objects.get(name="Звук и Ко")
    assert response["Location"] == reverse("dashboard:venue-create", args=[organisation.pk])

    response = client.post(
        reverse("dashboard:venue-create", args=[organisation.pk]),
        {
            "name": "Репбаза «Звук»",
            "city": venue_a.city.pk,
            "address": "ул. Бауманская, 1",
            "metro": "Бауманская",
            "timezone": "",
            "pay_at_venue": "on",
            "booking_mode": "instant",
            "cancellation_free_hours": 24,
            "cancellation_fee_percent": 50,
            "is_published": "on",
        },
    )
    venue = Venue.objects.get(organisation=organisation)
    assert response["Location"] == reverse("dashboard:hours", args=[venue.pk])
    assert venue.timezone == "Europe/Moscow"

    client.post(reverse("dashboard:hours", args=[venue.pk]), _hours_post())
    assert OpeningHours.objects.filter(venue=venue, opens="10:00", closes="02:00").count() == 7
    venue.refresh_from_db()
    assert venue.schedule_confirmed_at is not None

    client.post(
        reverse("dashboard:room-create", args=[venue.pk]),
        {
            "name": "Большой зал",
            "kind": "rehearsal",
            "capacity": 6,
            "equipment": "Marshall JCM800\nPearl Export, Shure SM58",
            "slot_minutes": 60,
            "min_booking_minutes": 60,
            "buffer_minutes": 0,
            "is_active": "on",
        },
    )
    room = Room.objects.get(venue=venue)
    assert room.equipment == ["Marshall JCM800", "Pearl Export", "Shure SM58"]
    response = client.post(
        reverse("dashboard:room", args=[venue.pk, room.pk]),
        {"day_type": "weekday", "starts": "18:00", "ends": "02:00", "price_per_hour": "1200"},
    )
    assert response.status_code == 302
    room.refresh_from_db()
    assert room.price_from == Decimal("1200.00")
    page = client.get(reverse("dashboard:room", args=[venue.pk, room.pk])).content.decode()
    assert "18:00–02:00" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"starts": "09:00", "ends": "12:00", "price_per_hour": "500"}, "outside the opening"),
        ({"starts": "12:00", "ends": "14:00", "price_per_hour": "-5"}, "more than zero"),
        ({"starts": "12:00", "ends": "12:00", "price_per_hour": "500"}, "must differ"),
        ({"starts": "20:00", "ends": "23:00", "price_per_hour": "500"}, "overlaps"),
    ],
)
def test_bad_price_bands_are_form_errors_and_nothing_is_saved(
    client, owner_a, room_a, data, message, settings
):
    settings.LANGUAGE_CODE = "en"
    client.force_login(owner_a)
    count = Price.objects.count()
    response = client.post(
        reverse("dashboard:room", args=[room_a.venue_id, room_a.pk]),
        {"day_type": "weekday", **data},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Price.objects.count() == count


def test_equal_opening_and_closing_is_a_form_error(client, owner_a, venue_a):
    client.force_login(owner_a)
    client.cookies["django_language"] = "en"  # pages are Russian unless the visitor switches
    response = client.post(
        reverse("dashboard:hours", args=[venue_a.pk]),
        _hours_post(opens_3="10:00", closes_3="10:00"),
    )
    assert response.status_code == 400
    assert "must differ from the opening time" in response.content.decode()
    assert not OpeningHours.objects.filter(venue=venue_a, closes="10:00").exists()


def test_uploading_a_non_image_is_a_form_error(client, owner_a, venue_a, upload):
    client.force_login(owner_a)
    response = client.post(
        reverse("dashboard:photos", args=[venue_a.pk]),
        {"image": upload("fake.jpg", b"not a picture at all", "image/jpeg")},
    )
    assert response.status_code == 400
    assert not Photo.objects.exists()
    response = client.post(reverse("dashboard:photos", args=[venue_a.pk]), {"image": upload()})
    assert response.status_code == 302
    assert Photo.objects.filter(venue=venue_a).count() == 1


def test_an_unknown_time_zone_is_a_form_error(client, owner_a, venue_a):
    client.force_login(owner_a)
    response = client.post(
        reverse("dashboard:venue-edit", args=[venue_a.pk]),
        {
            "name": venue_a.name,
            "city": venue_a.city_id,
            "address": venue_a.address,
            "timezone": "Mars/Olympus",
            "pay_at_venue": "on",
            "booking_mode": "instant",
            "cancellation_free_hours": 24,
            "cancellation_fee_percent": 0,
        },
    )
    assert response.status_code == 400
    assert "Mars/Olympus" in response.content.decode()
    venue_a.refresh_from_db()
    assert venue_a.timezone == "Europe/Moscow"


def test_administrators_see_the_venue_but_may_not_change_prices_hours_or_team(
    client, administrator_a, room_a, owner_a
):
    venue = room_a.venue
    client.force_login(administrator_a)
    assert client.get(reverse("dashboard:venue", args=[venue.pk])).status_code == 200
    assert client.get(reverse("dashboard:room", args=[venue.pk, room_a.pk])).status_code == 200
    assert client.get(reverse("dashboard:team", args=[venue.organisation_id])).status_code == 200
    price = room_a.prices.first()
    membership = Membership.objects.get(user=owner_a)
    forbidden = [
        (reverse("dashboard:room", args=[venue.pk, room_a.pk]), {"day_type": "weekday"}),
        (reverse("dashboard:price-edit", args=[venue.pk, room_a.pk, price.pk]), {}),
        (reverse("dashboard:price-delete", args=[venue.pk, room_a.pk, price.pk]), {}),
        (reverse("dashboard:hours", args=[venue.pk]), _hours_post()),
        (reverse("dashboard:schedule-confirm", args=[venue.pk]), {}),
        (reverse("dashboard:exceptions", args=[venue.pk]), {"date": "2026-12-31"}),
        (reverse("dashboard:team", args=[venue.organisation_id]), {"email": "x@example.com"}),
        (
            reverse("dashboard:member-update", args=[venue.organisation_id, membership.pk]),
            {"role": "administrator"},
        ),
        (reverse("dashboard:venue-edit", args=[venue.pk]), {}),
    ]
    for url, data in forbidden:
        assert client.post(url, data).status_code == 403, url
    assert Price.objects.filter(room=room_a).count() == 5
    assert Membership.objects.get(user=owner_a).role == "owner"


def test_the_owner_invites_a_member_who_accepts(
    client, owner_a, org_a, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(owner_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("dashboard:team", args=[org_a.pk]),
            {"email": "new@example.com", "role": "administrator"},
        )
    assert response.status_code == 302
    link = next(word for word in mailoutbox[0].body.split() if "/dashboard/invitations/" in word)
    newcomer = UserFactory(email="new@example.com")
    client.force_login(newcomer)
    path = link[link.index("/dashboard/") :]
    assert client.get(path).status_code == 200
    client.post(path)
    assert Membership.objects.get(user=newcomer).role == "administrator"


def test_the_schedule_button_sets_the_confirmation_time(client, manager_a, venue_a):
    client.force_login(manager_a)
    client.post(reverse("dashboard:schedule-confirm", args=[venue_a.pk]))
    venue_a.refresh_from_db()
    assert venue_a.schedule_confirmed_at is not None


def test_the_venue_side_navigation_lists_registered_pages_for_the_role(
    client, owner_a, administrator_a, venue_a
):
    client.force_login(owner_a)
    page = client.get(reverse("dashboard:venue", args=[venue_a.pk])).content.decode()
    assert reverse("dashboard:hours", args=[venue_a.pk]) in page
    client.force_login(administrator_a)
    page = client.get(reverse("dashboard:venue", args=[venue_a.pk])).content.decode()
    assert reverse("dashboard:hours", args=[venue_a.pk]) not in page
    assert reverse("dashboard:rooms", args=[venue_a.pk]) in page
