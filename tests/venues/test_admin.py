"""Staff in Django admin: every venues page renders, and writes go through the services."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from core.models import AuditLog
from tests.admin_pages import audited as _audited
from tests.admin_pages import open_form as _open
from tests.admin_pages import refused as _refused
from tests.factories import MembershipFactory, RoomFactory, UserFactory
from venues.models import (
    City,
    Holiday,
    Invitation,
    Membership,
    Organisation,
    Photo,
    ScheduleException,
    Venue,
)

pytestmark = pytest.mark.django_db


def test_every_venues_admin_page_renders(client, staff_user, room_a, org_a_objects):
    client.force_login(staff_user)
    models = [m for m in admin.site._registry if m._meta.app_label == "venues"]
    assert len(models) == 11
    for model in models:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        assert client.get(reverse(f"{prefix}_changelist"), {"q": "а"}).status_code == 200
        assert client.get(reverse(f"{prefix}_add")).status_code == 200
        obj = model.objects.first()
        if obj is not None:
            url = reverse(f"{prefix}_change", args=[obj.pk])
            assert client.get(url).status_code == 200, url


def test_the_admin_venue_page_does_not_list_every_room_per_photo(
    client, staff_user, room_a, django_assert_max_num_queries
):
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


# --- writes go through the services ------------------------------------------------------------
#
# Each test drives the admin pages as a staff member would: it opens a page, changes what a person
# would change, and saves. A valid save goes through the service (the audit log names the staff
# user); a save the service refuses shows its message on the form, with a 200, and changes nothing.


@pytest.fixture
def staff(client, staff_user):
    client.force_login(staff_user)
    client.cookies["django_language"] = "en"
    return client


def _url(model: str, view: str, *args) -> str:
    return reverse(f"admin:venues_{model}_{view}", args=args)


def _add_row(data: dict, prefix: str, **values) -> None:
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    data.update({f"{prefix}-{index}-{name}": value for name, value in values.items()})


def _row(data: dict, prefix: str, field: str, value) -> int:
    """The index of the inline row whose `field` shows `value`."""
    for key, shown in data.items():
        if key.startswith(f"{prefix}-") and key.endswith(f"-{field}") and shown == str(value):
            return int(key.split("-")[-2])
    raise LookupError(f"no {prefix} row with {field}={value}")


def test_a_price_changed_in_admin_refreshes_the_rooms_price_from_and_is_audited(
    staff, staff_user, room_a
):
    price = room_a.prices.get(day_type="weekday")
    url = _url("price", "change", price.pk)
    data = _open(staff, url)
    data["price_per_hour"] = "700.00"
    assert staff.post(url, data).status_code == 302
    room_a.refresh_from_db()
    assert room_a.price_from == Decimal("700.00")
    entry = _audited("price.update", staff_user)
    assert (entry.before["price_per_hour"], entry.after["price_per_hour"]) == ("900.00", "700.00")


def test_a_price_outside_the_opening_hours_is_refused_in_admin(staff, room_a):
    price = room_a.prices.get(day_type="weekday")
    url = _url("price", "change", price.pk)
    data = _open(staff, url)
    data.update(starts="03:00", ends="05:00", price_per_hour="100.00")
    _refused(staff.post(url, data), "is outside the opening hours")
    price.refresh_from_db()
    assert (price.starts, price.price_per_hour) == (datetime.time(10), Decimal("900.00"))
    assert room_a.__class__.objects.get(pk=room_a.pk).price_from == Decimal("900.00")
    assert not AuditLog.objects.filter(action="price.update").exists()


def test_the_prices_of_a_room_are_edited_on_its_admin_page_through_the_price_services(
    staff, staff_user, room_a
):
    url = _url("room", "change", room_a.pk)
    data = _open(staff, url)
    _add_row(data, "prices", day_type="weekday", starts="12:00", ends="14:00", price_per_hour="1")
    _refused(staff.post(url, data), "overlaps the band 10:00–02:00")
    assert room_a.prices.count() == 5

    data = _open(staff, url)
    weekday = _row(data, "prices", "day_type", "weekday")
    data[f"prices-{weekday}-price_per_hour"] = "500.00"
    data[f"prices-{_row(data, 'prices', 'day_type', 'holiday')}-DELETE"] = "on"
    assert staff.post(url, data).status_code == 302
    room_a.refresh_from_db()
    assert room_a.price_from == Decimal("500.00")
    assert room_a.prices.count() == 4
    _audited("price.update", staff_user)
    _audited("price.delete", staff_user)


def test_a_room_is_changed_and_added_in_admin_by_the_room_rules(staff, staff_user, room_a):
    url = _url("room", "change", room_a.pk)
    data = _open(staff, url)
    _refused(staff.post(url, {**data, "capacity": "0"}), "Capacity is from 1 to 1000 people.")
    data.update(name="Малый зал", max_points_percent="30")
    assert staff.post(url, data).status_code == 302
    room_a.refresh_from_db()
    assert (room_a.name, room_a.capacity, room_a.max_points_percent) == ("Малый зал", 6, 30)
    _audited("room.update", staff_user)
    _audited("room.loyalty_update", staff_user)

    venue_url = _url("venue", "change", room_a.venue.pk)
    data = _open(staff, venue_url)
    row = dict(kind="rehearsal", capacity="4", slot_minutes="60", min_booking_minutes="60")
    _add_row(data, "rooms", name="МАЛЫЙ ЗАЛ", **row)
    _refused(staff.post(venue_url, data), "This venue already has a room with this name.")
    data = _open(staff, venue_url)
    _add_row(data, "rooms", name="Студия", is_active="on", **row)
    assert staff.post(venue_url, data).status_code == 302
    assert room_a.venue.rooms.get(name="Студия").capacity == 4
    _audited("room.create", staff_user)


def test_a_venue_is_changed_and_added_in_admin_by_the_venue_rules(
    staff, staff_user, venue_a, org_a
):
    url = _url("venue", "change", venue_a.pk)
    data = _open(staff, url)
    del data["pay_at_venue"]
    _refused(staff.post(url, data), "Choose at least one way to pay.")
    assert Venue.objects.get(pk=venue_a.pk).pay_at_venue

    data = _open(staff, url)
    data.update(name="Репбаза «Новая»", max_points_percent="25")
    assert staff.post(url, data).status_code == 302
    venue_a.refresh_from_db()
    assert (venue_a.name, venue_a.max_points_percent) == ("Репбаза «Новая»", 25)
    _audited("venue.update", staff_user)
    assert _audited("venue.loyalty_update", staff_user).after["max_points_percent"] == 25

    data = _open(staff, _url("venue", "add"))
    data.update(organisation=org_a.pk, name="Вторая", city=venue_a.city_id, address="ул. Ленина, 2")
    data.update(timezone="Asia/Yekaterinburg", pay_online="on", cashback_boost_percent="5")
    assert staff.post(_url("venue", "add"), data).status_code == 302
    created = Venue.objects.get(name="Вторая")
    assert (created.organisation, created.timezone) == (org_a, "Asia/Yekaterinburg")
    assert (created.pay_online, created.cashback_boost_percent) == (True, 5)
    _audited("venue.create", staff_user)
    assert _audited("venue.loyalty_update", staff_user).after["cashback_boost_percent"] == 5


def test_the_weekly_hours_are_set_in_admin_as_one_week(staff, staff_user, venue_a):
    url = _url("venue", "change", venue_a.pk)
    data = _open(staff, url)
    monday = _row(data, "opening_hours", "weekday", 0)
    data[f"opening_hours-{monday}-closes"] = "10:00"
    _refused(staff.post(url, data), "the closing time must differ from the opening time")
    assert venue_a.opening_hours.get(weekday=0).closes == datetime.time(2)

    data[f"opening_hours-{monday}-closes"] = "23:00"
    data[f"opening_hours-{_row(data, 'opening_hours', 'weekday', 6)}-DELETE"] = "on"
    assert staff.post(url, data).status_code == 302
    assert venue_a.opening_hours.get(weekday=0).closes == datetime.time(23)
    assert not venue_a.opening_hours.filter(weekday=6).exists()
    assert AuditLog.objects.filter(action="venue.hours_set").count() == 1
    _audited("venue.hours_set", staff_user)
    assert Venue.objects.get(pk=venue_a.pk).schedule_confirmed_at is not None

    hours = venue_a.opening_hours.get(weekday=1)
    hours_url = _url("openinghours", "change", hours.pk)
    data = _open(staff, hours_url)
    data["opens"] = "12:00"
    assert staff.post(hours_url, data).status_code == 302
    assert venue_a.opening_hours.get(weekday=1).opens == datetime.time(12)
    assert AuditLog.objects.filter(action="venue.hours_set").count() == 2


def test_exceptions_are_added_in_admin_for_dates_from_today(staff, staff_user, venue_a):
    url = _url("scheduleexception", "add")
    data = _open(staff, url)
    data.update(venue=venue_a.pk, date="2001-01-01", is_closed="on")
    _refused(staff.post(url, data), "The date is in the past.")
    assert not ScheduleException.objects.exists()
    data["date"] = str(timezone.localdate() + datetime.timedelta(days=3))
    assert staff.post(url, data).status_code == 302
    exception = ScheduleException.objects.get()
    _audited("venue.exception_create", staff_user)

    url = _url("scheduleexception", "change", exception.pk)
    data = _open(staff, url)
    del data["is_closed"]
    _refused(staff.post(url, data), "Enter the special opening and closing times")
    data.update(opens="12:00", closes="18:00")
    assert staff.post(url, data).status_code == 302
    assert ScheduleException.objects.get().opens == datetime.time(12)
    _audited("venue.exception_update", staff_user)


def test_holidays_and_cities_are_kept_by_staff_through_their_services(staff, staff_user, venue_a):
    url = _url("holiday", "add")
    data = {"date": "2026-06-12", "name": "День России"}
    assert staff.post(url, data).status_code == 302
    _audited("holiday.create", staff_user)
    _refused(staff.post(url, {**data, "name": "Ещё раз"}), "Holiday with this Date already exists.")
    assert Holiday.objects.count() == 1
    holiday = Holiday.objects.get()
    response = staff.post(_url("holiday", "delete", holiday.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not Holiday.objects.exists()
    _audited("holiday.delete", staff_user)

    city = venue_a.city
    url = _url("city", "change", city.pk)
    data = _open(staff, url)
    _refused(staff.post(url, {**data, "timezone": "Mars/Olympus"}), "Unknown time zone")
    assert City.objects.get(pk=city.pk).timezone == "Europe/Moscow"
    assert staff.post(url, {**data, "timezone": "Europe/Samara"}).status_code == 302
    assert City.objects.get(pk=city.pk).timezone == "Europe/Samara"
    assert Venue.objects.get(pk=venue_a.pk).timezone == "Europe/Moscow"  # venues keep theirs
    _audited("city.update", staff_user)


def test_an_organisation_is_added_for_its_owner_and_keeps_one(staff, staff_user, owner_a, org_a):
    owner = UserFactory(email="new-owner@example.com")
    url = _url("organisation", "add")
    data = _open(staff, url)
    data.update(name="Звук и Ко", owner=owner.pk)
    assert staff.post(url, data).status_code == 302
    organisation = Organisation.objects.get(name="Звук и Ко")
    assert organisation.memberships.get().user == owner
    assert _audited("organisation.create", staff_user).after["owner"] == owner.pk

    url = _url("organisation", "change", org_a.pk)
    data = _open(staff, url)
    row = _row(data, "memberships", "role", "owner")
    _refused(
        staff.post(url, {**data, f"memberships-{row}-role": "manager"}),
        "An organisation must keep at least one owner.",
    )
    _refused(
        staff.post(url, {**data, f"memberships-{row}-DELETE": "on", "name": "Другое"}),
        "An organisation must keep at least one owner.",
    )
    assert Membership.objects.get(user=owner_a).role == "owner"
    assert Organisation.objects.get(pk=org_a.pk).name == org_a.name  # nothing of it was saved

    _add_row(data, "memberships", user=UserFactory().pk, role="manager")
    assert staff.post(url, {**data, "name": "Организация А+"}).status_code == 302
    assert org_a.memberships.filter(role="manager").count() == 1
    assert Organisation.objects.get(pk=org_a.pk).name == "Организация А+"
    _audited("membership.create", staff_user)
    _audited("organisation.update", staff_user)


def test_a_refused_delete_in_admin_deletes_nothing(staff, owner_a, manager_a):
    owner = Membership.objects.get(user=owner_a)
    response = staff.post(_url("membership", "delete", owner.pk), {"post": "yes"}, follow=True)
    assert "An organisation must keep at least one owner." in response.content.decode()
    manager = Membership.objects.get(user=manager_a)
    response = staff.post(
        _url("membership", "changelist"),
        {"action": "delete_selected", "_selected_action": [owner.pk, manager.pk], "post": "yes"},
        follow=True,
    )
    assert "An organisation must keep at least one owner." in response.content.decode()
    assert Membership.objects.count() == 2
    _refused(
        staff.post(
            _url("membership", "add"),
            {"organisation": owner.organisation_id, "user": manager_a.pk, "role": "owner"},
        ),
        "This person is already a member.",
    )


def test_staff_send_and_withdraw_invitations_but_never_edit_them(
    staff, staff_user, org_a, owner_a, mailoutbox, django_capture_on_commit_callbacks
):
    url = _url("invitation", "add")
    data = {"organisation": org_a.pk, "email": "owner-a@example.com", "role": "manager"}
    _refused(staff.post(url, data), "This person is already a member.")
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(url, {**data, "email": "newcomer@example.com"})
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert mailoutbox[0].to == ["newcomer@example.com"]
    assert _audited("invitation.create", staff_user).after["email"] == "newcomer@example.com"

    page = staff.get(_url("invitation", "change", invitation.pk)).content.decode()
    assert invitation.token in page and 'name="token"' not in page and 'name="email"' not in page
    assert (
        staff.post(_url("invitation", "delete", invitation.pk), {"post": "yes"}).status_code == 302
    )
    assert not Invitation.objects.exists()
    _audited("invitation.revoke", staff_user)


def test_photos_added_in_admin_are_checked_like_the_dashboards(staff, staff_user, venue_a, upload):
    url = _url("photo", "add")
    data = {"venue": venue_a.pk, "image": upload(name="notes.png", content=b"not a picture")}
    _refused(staff.post(url, data), "This file is not an image.")
    assert not Photo.objects.exists()
    assert staff.post(url, {"venue": venue_a.pk, "image": upload()}).status_code == 302
    photo = Photo.objects.get()
    _audited("photo.add", staff_user)
    assert staff.post(_url("photo", "delete", photo.pk), {"post": "yes"}).status_code == 302
    assert not Photo.objects.exists()
    _audited("photo.delete", staff_user)
