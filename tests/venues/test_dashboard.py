"""The partner dashboard through the test client: what owners, managers, administrators do."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from tests.factories import RoomFactory, UserFactory
from venues import services
from venues.models import (
    Invitation,
    Membership,
    OpeningHours,
    Organisation,
    Photo,
    Price,
    Room,
    Venue,
)

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


def _venue_post(venue: Venue, **override) -> dict:
    data = {
        "name": venue.name,
        "city": venue.city_id,
        "address": venue.address,
        "timezone": venue.timezone,
        "booking_mode": venue.booking_mode,
        "cancellation_free_hours": venue.cancellation_free_hours,
        "cancellation_fee_percent": venue.cancellation_fee_percent,
        "is_published": "on",
    }
    data.update(override)
    return data


def test_a_venue_without_any_way_to_pay_is_a_friendly_form_error(client, owner_a, venue_a):
    client.force_login(owner_a)
    response = client.post(reverse("dashboard:venue-edit", args=[venue_a.pk]), _venue_post(venue_a))
    page = response.content.decode()
    assert response.status_code == 400
    assert "Выберите хотя бы один способ оплаты." in page
    assert "venue_has_payment_mode" not in page
    venue_a.refresh_from_db()
    assert venue_a.pay_at_venue


def test_the_dashboard_counts_every_member_of_the_team(client, owner_a, manager_a, venue_a):
    client.force_login(owner_a)
    page = client.get(reverse("dashboard:index")).content.decode()
    assert "Команда: 2 человека" in page


def test_exceptions_are_listed_by_date_and_show_the_year_when_not_this_year(
    client, owner_a, room_a
):
    today = timezone.localdate()
    later = datetime.date(today.year + 1, 1, 7)
    soon = today + datetime.timedelta(days=1)
    for day in (later, soon):
        services.schedule_exception_create(actor=owner_a, venue=room_a.venue, date=day)
    client.force_login(owner_a)
    page = client.get(reverse("dashboard:exceptions", args=[room_a.venue.pk])).content.decode()
    assert page.index(f"{soon.day} ") < page.index(f"7 января {later.year}")
    services.room_price_from_refresh(room_id=room_a.pk)
    public = client.get(reverse("venues:venue", args=[room_a.venue.pk])).content.decode()
    assert f"7 января {later.year}" in public


def test_confirming_the_schedule_returns_to_the_page_and_refuses_an_all_closed_week(
    client, owner_a, venue_a
):
    client.force_login(owner_a)
    here = reverse("dashboard:rooms", args=[venue_a.pk])
    page = client.get(here).content.decode()
    assert "Подтвердить расписание" in page and f'value="{here}"' in page
    url = reverse("dashboard:schedule-confirm", args=[venue_a.pk])
    assert client.post(url, {"next": here})["Location"] == here
    assert client.post(url, {"next": "https://evil.example/"})["Location"] == reverse(
        "dashboard:venue", args=[venue_a.pk]
    )
    OpeningHours.objects.filter(venue=venue_a).delete()
    Venue.objects.filter(pk=venue_a.pk).update(schedule_confirmed_at=None)
    response = client.post(url, {"next": here}, follow=True)
    assert "Все дни отмечены как выходные" in response.content.decode()
    assert Venue.objects.get(pk=venue_a.pk).schedule_confirmed_at is None


def test_a_room_without_prices_says_it_is_hidden_and_has_no_dangling_separator(
    client, owner_a, venue_a
):
    room = RoomFactory(venue=venue_a, name="Пустой", is_active=True)
    client.force_login(owner_a)
    page = client.get(reverse("dashboard:room", args=[venue_a.pk, room.pk])).content.decode()
    assert "не показывается в каталоге, пока у него нет цены" in page
    assert "</a> · \n" not in page and "</a> · </span>" not in page


def test_deleting_things_asks_for_confirmation(client, owner_a, manager_a, room_a, org_a_objects):
    client.force_login(owner_a)
    venue = room_a.venue
    pages = [
        reverse("dashboard:photos", args=[venue.pk]),
        reverse("dashboard:exceptions", args=[venue.pk]),
        reverse("dashboard:price-edit", args=[venue.pk, room_a.pk, org_a_objects["price_id"]]),
        reverse("dashboard:team", args=[venue.organisation_id]),
    ]
    for url in pages:
        assert "data-confirm=" in client.get(url).content.decode(), url


def test_a_huge_picture_is_refused_as_too_large_in_pixels(client, owner_a, venue_a, upload):
    buffer = io.BytesIO()
    Image.new("1", (16000, 16000)).save(buffer, format="PNG")
    client.force_login(owner_a)
    response = client.post(
        reverse("dashboard:photos", args=[venue_a.pk]),
        {"image": upload(name="huge.png", content=buffer.getvalue())},
    )
    assert response.status_code == 400
    assert "слишком большая по размеру в пикселях" in response.content.decode()


def test_an_empty_business_name_is_a_400_like_other_invalid_forms(client, owner_a):
    client.force_login(owner_a)
    response = client.post(reverse("dashboard:organisation-create"), {"name": "  "})
    assert response.status_code == 400


def test_the_english_business_form_has_an_english_example(client, owner_a):
    client.force_login(owner_a)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("dashboard:organisation-create")).content.decode()
    assert "Sound &amp; Co" in page and "Звук" not in page


def test_someone_elses_invitation_explains_itself_without_revealing_the_address(client, org_a):
    Invitation.objects.create(
        organisation=org_a, email="secret-person@example.com", role="manager", token="tok-x"
    )
    other = UserFactory(email="other@example.com")
    client.force_login(other)
    response = client.get(reverse("dashboard:invitation", args=["tok-x"]))
    page = response.content.decode()
    assert response.status_code == 404
    assert "Это приглашение для другого адреса" in page
    assert "secret-person" not in page
    assert reverse("account_logout") in page
    assert not other.memberships.exists()
