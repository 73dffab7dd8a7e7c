"""Findings of the QA walk-through of the venues area, each pinned by a test."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from tests.factories import MembershipFactory, PriceFactory, RoomFactory, UserFactory
from venues import services
from venues.models import Invitation, OpeningHours, Price, Room, ScheduleException, Venue

pytestmark = pytest.mark.django_db


def _api(user) -> APIClient:
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.force_authenticate(user)
    return api


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


# --- 2. no raw constraint names ---


def test_a_venue_without_any_way_to_pay_is_a_friendly_form_error(client, owner_a, venue_a):
    client.force_login(owner_a)
    response = client.post(reverse("dashboard:venue-edit", args=[venue_a.pk]), _venue_post(venue_a))
    page = response.content.decode()
    assert response.status_code == 400
    assert "Выберите хотя бы один способ оплаты." in page
    assert "venue_has_payment_mode" not in page
    venue_a.refresh_from_db()
    assert venue_a.pay_at_venue


def test_every_venues_constraint_has_its_own_message():
    from django.apps import apps

    for model in apps.get_app_config("venues").get_models():
        for constraint in model._meta.constraints:
            message = str(constraint.violation_error_message)
            assert "%(name)s" not in message and constraint.name not in message, constraint.name


# --- 3. the team count on /dashboard/ ---


def test_the_dashboard_counts_every_member_of_the_team(client, owner_a, manager_a, venue_a):
    client.force_login(owner_a)
    page = client.get(reverse("dashboard:index")).content.decode()
    assert "Команда: 2 человека" in page


# --- 4. exception dates ---


@pytest.mark.parametrize(
    ("days", "message"),
    [(-1, "The date is in the past."), (2 * 366 + 1, "no more than two years ahead")],
)
def test_exceptions_in_the_past_or_far_ahead_are_refused_on_web_and_api(
    client, owner_a, venue_a, days, message
):
    day = timezone.localdate() + datetime.timedelta(days=days)
    response = _api(owner_a).post(
        f"/api/v1/partner/venues/{venue_a.pk}/exceptions/", {"date": str(day)}, format="json"
    )
    assert response.status_code == 400
    assert message in response.json()["error"]["fields"]["date"][0]
    client.force_login(owner_a)
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("dashboard:exceptions", args=[venue_a.pk]), {"date": str(day), "is_closed": "on"}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ScheduleException.objects.exists()


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


# --- 5. prices above zero ---


def test_a_zero_price_is_refused_on_web_and_api(client, owner_a, room_a):
    count = Price.objects.count()
    data = {"day_type": "weekday", "starts": "03:00", "ends": "02:00", "price_per_hour": "0"}
    response = _api(owner_a).post(f"/api/v1/partner/rooms/{room_a.pk}/prices/", data, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["price_per_hour"] == [
        "The price must be more than zero."
    ]
    client.force_login(owner_a)
    response = client.post(reverse("dashboard:room", args=[room_a.venue.pk, room_a.pk]), data)
    assert response.status_code == 400
    assert "Цена должна быть больше нуля." in response.content.decode()
    assert Price.objects.count() == count
    with pytest.raises(IntegrityError), transaction.atomic():
        PriceFactory(room=room_a, price_per_hour=Decimal(0), starts=datetime.time(3))


# --- 6. room names unique per venue ---


def test_a_second_room_of_the_same_name_in_a_venue_is_refused(client, owner_a, room_a):
    response = _api(owner_a).post(
        f"/api/v1/partner/venues/{room_a.venue.pk}/rooms/",
        {"name": "БОЛЬШОЙ ЗАЛ", "kind": "rehearsal", "capacity": 5},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["error"]["fields"]["name"] == [
        "This venue already has a room with this name."
    ]
    client.force_login(owner_a)
    response = client.post(
        reverse("dashboard:room-create", args=[room_a.venue.pk]),
        {
            "name": "большой зал",
            "kind": "rehearsal",
            "capacity": 5,
            "slot_minutes": 60,
            "min_booking_minutes": 60,
            "buffer_minutes": 0,
        },
    )
    assert response.status_code == 400
    assert "В этом объекте уже есть зал с таким названием." in response.content.decode()
    assert Room.objects.count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        RoomFactory(venue=room_a.venue, name="Большой ЗАЛ")
    RoomFactory(name="Большой зал")  # another venue may use the name


# --- 7. one rule for capacity, clear 400s on the public API ---


@pytest.mark.parametrize("capacity", [0, -1, 1001, 32767])
def test_capacity_is_1_to_1000_on_web_and_api_with_one_message(client, owner_a, venue_a, capacity):
    message = "Capacity is from 1 to 1000 people."
    response = _api(owner_a).post(
        f"/api/v1/partner/venues/{venue_a.pk}/rooms/",
        {"name": "Зал", "kind": "rehearsal", "capacity": capacity},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["capacity"] == [message]
    client.force_login(owner_a)
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("dashboard:room-create", args=[venue_a.pk]),
        {
            "name": "Зал",
            "kind": "rehearsal",
            "capacity": capacity,
            "slot_minutes": 60,
            "min_booking_minutes": 60,
            "buffer_minutes": 0,
        },
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    response = APIClient(HTTP_ACCEPT_LANGUAGE="en").get("/api/v1/rooms/", {"capacity": capacity})
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["capacity"] == [message]
    assert not Room.objects.exists()


def test_non_numbers_get_the_same_message_on_web_and_api(client, owner_a, venue_a):
    response = APIClient(HTTP_ACCEPT_LANGUAGE="en").get(
        "/api/v1/rooms/", {"capacity": "abc"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.json()["error"]["fields"]["capacity"] == ["Enter a whole number."]
    response = _api(owner_a).post(
        f"/api/v1/partner/venues/{venue_a.pk}/rooms/",
        {"name": "Зал", "kind": "rehearsal", "capacity": "abc"},
        format="json",
    )
    assert response.json()["error"]["fields"]["capacity"] == ["Enter a whole number."]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"city": "bogus"}, "city"),
        ({"page": "abc"}, "page"),
        ({"page": "0"}, "page"),
        ({"page_size": "x"}, "page_size"),
    ],
)
def test_bad_catalogue_parameters_are_a_400_naming_the_parameter(room_a, query, field):
    for url in ("/api/v1/rooms/", "/api/v1/venues/"):
        response = APIClient(HTTP_ACCEPT_LANGUAGE="en").get(url, query)
        assert response.status_code == 400, (url, query)
        assert field in response.json()["error"]["fields"]


# --- 8. the weekly hours through the API ---


def test_putting_hours_without_every_weekday_is_a_400_and_changes_nothing(owner_a, venue_a):
    before = list(OpeningHours.objects.filter(venue=venue_a).values_list("weekday", "opens"))
    response = _api(owner_a).put(
        f"/api/v1/partner/venues/{venue_a.pk}/hours/",
        {"days": [{"weekday": 0, "opens": "12:00", "closes": "20:00"}]},
        format="json",
    )
    assert response.status_code == 400
    assert "missing" in response.json()["error"]["fields"]["days"][0]
    after = list(OpeningHours.objects.filter(venue=venue_a).values_list("weekday", "opens"))
    assert after == before


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


# --- 9. polish ---


@pytest.mark.parametrize("page_number", ["0", "-1", "abc"])
def test_a_page_below_one_on_home_is_the_first_page(client, room_a, page_number):
    for number in range(21):  # two pages
        RoomFactory(venue=room_a.venue, name=f"Зал {number}", price_from=Decimal(500 + number))
    response = client.get(reverse("home"), {"page": page_number})
    assert response.context["page"].number == 1


def test_the_room_page_reads_well_in_russian(client, room_a):
    venue = room_a.venue
    OpeningHours.objects.filter(venue=venue, weekday=0).update(closes=datetime.time(0))
    room_a.area_m2 = 10
    room_a.save()
    PriceFactory(
        room=room_a,
        day_type="weekday",
        starts=datetime.time(3),
        ends=datetime.time(4),
        valid_from=datetime.date(2020, 1, 1),
        valid_until=datetime.date(2020, 1, 2),
    )
    services.room_price_from_refresh(room_id=room_a.pk)
    page = client.get(reverse("venues:room", args=[room_a.pk])).content.decode()
    assert "10 м²" in page and "m²" not in page
    assert "с 10:00 до полуночи" in page
    assert "с 10:00 до 02:00 следующего дня" in page
    assert "следующей ночи" not in page
    assert "Europe/Moscow" not in page and "(UTC+3)" in page
    assert "<th>Праздник</th>" in page


def test_price_table_rows_go_by_start_time():
    from venues.selectors import price_table

    def band(starts, ends, valid_from=None):
        return Price(
            day_type="weekday",
            starts=datetime.time(starts),
            ends=datetime.time(ends),
            valid_from=valid_from,
        )

    rows = price_table([band(17, 2), band(10, 17, datetime.date(2026, 1, 1)), band(10, 2)])
    assert [(r.starts.hour, r.ends.hour) for r in rows] == [(10, 17), (10, 2), (17, 2)]


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


def test_a_free_cancellation_policy_does_not_mention_a_zero_fee(client, room_a):
    Venue.objects.filter(pk=room_a.venue.pk).update(
        cancellation_fee_percent=0, cancellation_free_hours=12
    )
    services.room_price_from_refresh(room_id=room_a.pk)
    page = client.get(reverse("venues:venue", args=[room_a.venue.pk])).content.decode()
    assert "Бесплатная отмена в любое время до начала." in page
    assert "0%" not in page


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


# --- 10. the admin's venue page ---


def test_the_admin_venue_page_does_not_list_every_room_per_photo(
    client, staff_user, room_a, django_assert_max_num_queries
):
    from venues.models import Photo

    venue = room_a.venue
    for number in range(30):
        RoomFactory(venue=venue, name=f"Зал {number}")
    for _ in range(5):
        Photo.objects.create(venue=venue, room=room_a, image="photos/x.png")
    MembershipFactory(organisation=venue.organisation)
    client.force_login(staff_user)
    with django_assert_max_num_queries(30):
        response = client.get(reverse("admin:venues_venue_change", args=[venue.pk]))
    assert response.status_code == 200
    assert "Зал 29</option>" not in response.content.decode()  # no select of every room
