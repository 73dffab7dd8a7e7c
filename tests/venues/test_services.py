"""The rules of venues' services: price bands, hours, rooms, venues, photos, team."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core import mail

from core import uploads
from core.errors import ApplicationError, Conflict, NotFound
from core.models import AuditLog
from tests.factories import PriceFactory, RoomFactory, UserFactory, VenueFactory
from tests.venues.conftest import png_bytes
from venues import services
from venues.models import (
    City,
    Holiday,
    Membership,
    OpeningHours,
    Organisation,
    Price,
    ScheduleException,
    Venue,
)

T = datetime.time
D = datetime.date
pytestmark = pytest.mark.django_db


TEN, FIVE_PM = T(10), T(17)


def _band(room, day_type="weekday", starts=TEN, ends=FIVE_PM, **extra):
    return services.price_band_check(
        room=room, day_type=day_type, starts=starts, ends=ends, **extra
    )


@pytest.fixture
def bare_room(venue_a):
    """A room of venue_a (open 10:00–02:00 daily) without any prices yet."""
    return RoomFactory(venue=venue_a, name="Пустой зал")


# --- price bands ---------------------------------------------------------------------------------


def test_bands_of_a_day_type_may_touch_but_not_overlap(bare_room, owner_a):
    services.price_create(
        actor=owner_a,
        room=bare_room,
        day_type="weekday",
        starts=T(10),
        ends=T(17),
        price_per_hour=Decimal("700"),
    )
    _band(bare_room, starts=T(17), ends=T(2))  # touching at 17:00 is fine
    with pytest.raises(ApplicationError, match="overlaps the band 10:00–17:00"):
        _band(bare_room, starts=T(16), ends=T(20))
    _band(bare_room, day_type="friday", starts=T(12), ends=T(20))  # another day type


def test_a_band_past_midnight_overlaps_an_early_morning_band(bare_room, owner_a):
    services.price_create(
        actor=owner_a,
        room=bare_room,
        day_type="saturday",
        starts=T(18),
        ends=T(2),
        price_per_hour=Decimal("1200"),
    )
    with pytest.raises(ApplicationError, match="overlaps"):
        _band(bare_room, day_type="saturday", starts=T(0), ends=T(1))
    _band(bare_room, day_type="saturday", starts=T(10), ends=T(18))


def test_overlapping_bands_are_allowed_when_their_validity_dates_do_not_overlap(bare_room, owner_a):
    services.price_create(
        actor=owner_a,
        room=bare_room,
        day_type="weekday",
        starts=T(10),
        ends=T(2),
        price_per_hour=Decimal("800"),
        valid_until=D(2026, 11, 30),
    )
    _band(bare_room, starts=T(10), ends=T(2), valid_from=D(2026, 12, 1))
    with pytest.raises(ApplicationError, match="overlaps"):
        _band(bare_room, starts=T(10), ends=T(2), valid_from=D(2026, 11, 30))
    with pytest.raises(ApplicationError, match="overlaps"):
        _band(bare_room, starts=T(12), ends=T(14))  # open-ended validity overlaps everything


@pytest.mark.parametrize(
    ("starts", "ends"),
    [(T(9), T(12)), (T(20), T(3)), (T(2), T(4)), (T(1), T(10))],
)
def test_a_band_outside_the_opening_hours_is_refused(bare_room, starts, ends):
    with pytest.raises(ApplicationError, match="outside the opening hours"):
        _band(bare_room, starts=starts, ends=ends)


@pytest.mark.parametrize(("starts", "ends"), [(T(10), T(2)), (T(0), T(2)), (T(23), T(1))])
def test_bands_inside_hours_that_cross_midnight_are_accepted(bare_room, starts, ends):
    _band(bare_room, starts=starts, ends=ends)


def test_a_band_on_days_the_venue_is_closed_is_refused(owner_a, org_a):
    venue = VenueFactory(organisation=org_a)
    OpeningHours.objects.create(venue=venue, weekday=5, opens=T(12), closes=T(20))
    room = RoomFactory(venue=venue)
    with pytest.raises(ApplicationError, match="no opening hours on these days"):
        _band(room, day_type="weekday", starts=T(12), ends=T(20))
    _band(room, day_type="saturday", starts=T(12), ends=T(20))
    _band(room, day_type="holiday", starts=T(12), ends=T(20))  # a holiday may fall on Saturday


def test_bad_prices_are_refused_and_nothing_is_saved(bare_room, owner_a):
    cases = [
        {"starts": T(12), "ends": T(12), "price_per_hour": Decimal("500")},
        {"starts": T(12), "ends": T(14), "price_per_hour": Decimal("-1")},
        {
            "starts": T(12),
            "ends": T(14),
            "price_per_hour": Decimal("500"),
            "valid_from": D(2026, 5, 2),
            "valid_until": D(2026, 5, 1),
        },
    ]
    for values in cases:
        with pytest.raises(ApplicationError):
            services.price_create(actor=owner_a, room=bare_room, day_type="weekday", **values)
    assert not Price.objects.filter(room=bare_room).exists()


def test_prices_keep_the_rooms_price_from_and_leave_an_audit_trail(bare_room, owner_a):
    assert bare_room.price_from is None
    evening = services.price_create(
        actor=owner_a,
        room=bare_room,
        day_type="weekday",
        starts=T(17),
        ends=T(2),
        price_per_hour=Decimal("1200"),
    )
    day = services.price_create(
        actor=owner_a,
        room=bare_room,
        day_type="weekday",
        starts=T(10),
        ends=T(17),
        price_per_hour=Decimal("800"),
    )
    bare_room.refresh_from_db()
    assert bare_room.price_from == Decimal("800.00")
    services.price_update(actor=owner_a, price=day, price_per_hour=Decimal("1500"))
    bare_room.refresh_from_db()
    assert bare_room.price_from == Decimal("1200.00")
    services.price_delete(actor=owner_a, price=evening)
    services.price_delete(actor=owner_a, price=day)
    bare_room.refresh_from_db()
    assert bare_room.price_from is None
    actions = list(
        AuditLog.objects.filter(object_type="venues.price").values_list("action", flat=True)
    )
    assert sorted(actions) == sorted(
        ["price.create", "price.create", "price.update", "price.delete", "price.delete"]
    )


def test_price_from_ignores_expired_prices_and_the_nightly_job_catches_up(bare_room):
    PriceFactory(
        room=bare_room,
        starts=T(10),
        ends=T(17),
        price_per_hour=Decimal("300"),
        valid_until=D(2026, 1, 31),
    )
    PriceFactory(room=bare_room, starts=T(17), ends=T(2), price_per_hour=Decimal("900"))
    services.price_from_refresh_all(today=D(2026, 1, 31))
    bare_room.refresh_from_db()
    assert bare_room.price_from == Decimal("300.00")
    services.price_from_refresh_all(today=D(2026, 2, 1))
    bare_room.refresh_from_db()
    assert bare_room.price_from == Decimal("900.00")


def test_updating_a_price_checks_against_the_other_bands_not_itself(room_a, owner_a):
    price = room_a.prices.get(day_type="weekday")  # 10:00–02:00
    services.price_update(actor=owner_a, price=price, price_per_hour=Decimal("950"))
    services.price_update(actor=owner_a, price=price, starts=T(12))
    price.refresh_from_db()
    assert (price.starts, price.price_per_hour) == (T(12), Decimal("950.00"))


# --- hours, exceptions, schedule freshness -------------------------------------------------------


def test_weekly_hours_replace_the_old_ones_and_confirm_the_schedule(venue_a, owner_a):
    now = datetime.datetime(2026, 3, 1, 9, 0, tzinfo=datetime.UTC)
    hours = {day: services.DayHours(opens=T(10), closes=T(2)) for day in range(5)}
    hours[5] = services.DayHours(opens=T(12), closes=T(4))
    hours[6] = None
    services.opening_hours_set(actor=owner_a, venue=venue_a, hours=hours, now=now)
    venue_a.refresh_from_db()
    assert venue_a.schedule_confirmed_at == now
    saved = {h.weekday: (h.opens, h.closes) for h in venue_a.opening_hours.all()}
    assert saved[5] == (T(12), T(4))
    assert 6 not in saved


def test_closing_equal_to_opening_is_refused_and_nothing_changes(venue_a, owner_a):
    before = list(venue_a.opening_hours.values_list("weekday", "opens", "closes"))
    hours = {0: services.DayHours(opens=T(10), closes=T(10)), 1: None}
    with pytest.raises(ApplicationError, match="closing time must differ"):
        services.opening_hours_set(actor=owner_a, venue=venue_a, hours=hours)
    assert list(venue_a.opening_hours.values_list("weekday", "opens", "closes")) == before
    venue_a.refresh_from_db()
    assert venue_a.schedule_confirmed_at is None


def test_exceptions_confirm_the_schedule_and_are_one_per_date(venue_a, owner_a):
    now = datetime.datetime(2026, 12, 1, 12, 0, tzinfo=datetime.UTC)
    services.schedule_exception_create(
        actor=owner_a,
        venue=venue_a,
        date=D(2026, 12, 31),
        is_closed=False,
        opens=T(10),
        closes=T(18),
        note="Предновогодний день",
        now=now,
    )
    venue_a.refresh_from_db()
    assert venue_a.schedule_confirmed_at == now
    with pytest.raises(Conflict):
        services.schedule_exception_create(
            actor=owner_a, venue=venue_a, date=D(2026, 12, 31), now=now
        )
    with pytest.raises(ApplicationError, match="special opening and closing"):
        services.schedule_exception_create(
            actor=owner_a, venue=venue_a, date=D(2027, 1, 1), is_closed=False, now=now
        )
    assert ScheduleException.objects.filter(venue=venue_a).count() == 1


def test_an_exception_is_for_today_up_to_two_years_ahead_in_the_venue_time_zone(venue_a, owner_a):
    # 23:30 UTC on 31 December is already 1 January in Moscow.
    now = datetime.datetime(2026, 12, 31, 23, 30, tzinfo=datetime.UTC)
    with pytest.raises(ApplicationError, match="in the past"):
        services.schedule_exception_create(
            actor=owner_a, venue=venue_a, date=D(2026, 12, 31), now=now
        )
    with pytest.raises(ApplicationError, match="two years ahead"):
        services.schedule_exception_create(
            actor=owner_a, venue=venue_a, date=D(2029, 1, 2), now=now
        )
    services.schedule_exception_create(actor=owner_a, venue=venue_a, date=D(2027, 1, 1), now=now)
    services.schedule_exception_create(actor=owner_a, venue=venue_a, date=D(2029, 1, 1), now=now)
    assert ScheduleException.objects.filter(venue=venue_a).count() == 2


def test_confirming_the_schedule_records_when(venue_a, owner_a):
    now = datetime.datetime(2026, 6, 1, 8, 0, tzinfo=datetime.UTC)
    services.schedule_confirm(actor=owner_a, venue=venue_a, now=now)
    venue_a.refresh_from_db()
    assert venue_a.schedule_confirmed_at == now
    assert AuditLog.objects.filter(action="venue.schedule_confirm").exists()


# --- venues and rooms ----------------------------------------------------------------------------


def _venue_values(city, **extra):
    return {
        "name": "Новая база",
        "city": city,
        "address": "ул. Ленина, 1",
        "timezone": "Asia/Yekaterinburg",
        **extra,
    }


def test_a_venue_gets_its_citys_time_zone_unless_told(org_a, owner_a, venue_a):
    venue = services.venue_create(
        actor=owner_a, organisation=org_a, **_venue_values(venue_a.city, timezone="")
    )
    assert venue.timezone == "Europe/Moscow"
    venue = services.venue_update(actor=owner_a, venue=venue, timezone="Asia/Vladivostok")
    assert Venue.objects.get(pk=venue.pk).timezone == "Asia/Vladivostok"


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"timezone": "Europe/Atlantis"}, "timezone"),
        ({"pay_at_venue": False, "pay_online": False}, "pay_at_venue"),
        ({"cancellation_fee_percent": 150}, "cancellation_fee_percent"),
    ],
)
def test_bad_venues_are_refused_with_the_field_named(org_a, owner_a, venue_a, extra, field):
    count = Venue.objects.count()
    with pytest.raises(ApplicationError) as error:
        services.venue_create(
            actor=owner_a, organisation=org_a, **_venue_values(venue_a.city, **extra)
        )
    assert field in error.value.fields
    assert Venue.objects.count() == count


def test_a_slot_step_must_divide_the_minimum_booking(venue_a, owner_a):
    with pytest.raises(ApplicationError) as error:
        services.room_create(
            actor=owner_a,
            venue=venue_a,
            name="Зал",
            kind="rehearsal",
            capacity=4,
            slot_minutes=60,
            min_booking_minutes=90,
        )
    assert "min_booking_minutes" in error.value.fields
    room = services.room_create(
        actor=owner_a,
        venue=venue_a,
        name="Зал",
        kind="rehearsal",
        capacity=4,
        slot_minutes=30,
        min_booking_minutes=90,
        equipment=["Marshall JCM800"],
    )
    with pytest.raises(ApplicationError):
        services.room_update(actor=owner_a, room=room, slot_minutes=60)
    room.refresh_from_db()
    assert room.slot_minutes == 30


# --- photos --------------------------------------------------------------------------------------


def test_photos_must_be_real_images_of_limited_size(venue_a, owner_a, upload, settings):
    photo = services.photo_add(actor=owner_a, venue=venue_a, image=upload())
    assert photo.image.name.endswith(".png")
    with pytest.raises(ApplicationError, match="not an image"):
        services.photo_add(
            actor=owner_a, venue=venue_a, image=upload("evil.png", b"<?php echo 1; ?>")
        )
    big = upload("big.png", png_bytes() + b"\0" * (uploads.MAX_BYTES + 1))
    with pytest.raises(ApplicationError, match="too large"):
        services.photo_add(actor=owner_a, venue=venue_a, image=big)
    gif = upload("anim.gif", png_bytes(image_format="GIF"), "image/gif")
    with pytest.raises(ApplicationError, match="JPEG, PNG or WebP"):
        services.photo_add(actor=owner_a, venue=venue_a, image=gif)
    assert venue_a.photos.count() == 1


# --- team ----------------------------------------------------------------------------------------


def test_an_invitation_is_mailed_and_accepted_only_by_its_addressee(
    org_a, owner_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(
            actor=owner_a, organisation=org_a, email="Newcomer@Example.com", role="manager"
        )
    assert mail.outbox[0].to == ["newcomer@example.com"]
    assert invitation.token in mail.outbox[0].body
    stranger = UserFactory(email="stranger@example.com")
    with pytest.raises(NotFound):
        services.invitation_accept(user=stranger, token=invitation.token)
    newcomer = UserFactory(email="newcomer@example.com")
    membership = services.invitation_accept(user=newcomer, token=invitation.token)
    assert (membership.organisation, membership.role) == (org_a, "manager")
    with pytest.raises(NotFound):  # used once
        services.invitation_accept(user=newcomer, token=invitation.token)
    with pytest.raises(Conflict, match="already a member"):
        services.invitation_create(
            actor=owner_a, organisation=org_a, email="newcomer@example.com", role="owner"
        )


def test_the_last_owner_can_be_neither_demoted_nor_removed(org_a, owner_a, manager_a):
    owner = Membership.objects.get(user=owner_a)
    with pytest.raises(Conflict, match="at least one owner"):
        services.membership_update(actor=owner_a, membership=owner, role="manager")
    with pytest.raises(Conflict, match="at least one owner"):
        services.membership_remove(actor=owner_a, membership=owner)
    manager = Membership.objects.get(user=manager_a)
    services.membership_update(actor=owner_a, membership=manager, role="owner")
    services.membership_update(actor=owner_a, membership=owner, role="manager")
    assert Membership.objects.get(pk=owner.pk).role == "manager"


def test_a_new_partner_owns_the_organisation_they_create():
    user = UserFactory()
    organisation = services.organisation_create(user=user, name="  Звук и Ко ")
    assert organisation.name == "Звук и Ко"
    assert Membership.objects.get(organisation=organisation).user == user
    with pytest.raises(ApplicationError):
        services.organisation_create(user=user, name="   ")


def test_staff_create_an_organisation_for_its_owner_and_rename_it(staff_user):
    owner = UserFactory()
    organisation = services.organisation_create(user=owner, name="Звук", actor=staff_user)
    assert Membership.objects.get(organisation=organisation).user == owner
    created = AuditLog.objects.get(action="organisation.create")
    assert (created.actor, created.after) == (staff_user, {"name": "Звук", "owner": owner.pk})
    services.organisation_update(actor=staff_user, organisation=organisation, name=" Звук и Ко ")
    assert Organisation.objects.get(pk=organisation.pk).name == "Звук и Ко"
    renamed = AuditLog.objects.get(action="organisation.update")
    assert (renamed.before, renamed.after) == ({"name": "Звук"}, {"name": "Звук и Ко"})
    with pytest.raises(ApplicationError, match="Enter a name"):
        services.organisation_update(actor=staff_user, organisation=organisation, name=" ")
    assert Organisation.objects.get(pk=organisation.pk).name == "Звук и Ко"


def test_staff_add_a_member_once(org_a, owner_a, staff_user):
    person = UserFactory()
    membership = services.membership_create(
        actor=staff_user, organisation=org_a, user=person, role="manager"
    )
    assert (membership.organisation, membership.role) == (org_a, "manager")
    assert AuditLog.objects.get(action="membership.create").actor == staff_user
    with pytest.raises(Conflict, match="already a member"):
        services.membership_create(actor=staff_user, organisation=org_a, user=owner_a, role="owner")
    with pytest.raises(ApplicationError, match="Choose a role"):
        services.membership_create(
            actor=staff_user, organisation=org_a, user=UserFactory(), role="boss"
        )
    assert org_a.memberships.count() == 2


# --- the staff's calendar: cities and holidays -------------------------------------------------


def test_cities_are_validated_audited_and_kept_while_venues_are_in_them(venue_a, staff_user):
    city = services.city_create(
        actor=staff_user, name="Казань", slug="kazan", timezone="Europe/Moscow"
    )
    services.city_update(actor=staff_user, city=city, timezone="Europe/Samara")
    assert City.objects.get(slug="kazan").timezone == "Europe/Samara"
    with pytest.raises(ApplicationError) as refused:
        services.city_update(actor=staff_user, city=city, timezone="Mars/Olympus")
    assert "Mars/Olympus" in refused.value.fields["timezone"][0]
    with pytest.raises(ApplicationError) as refused:
        services.city_create(
            actor=staff_user, name="Другая", slug="kazan", timezone="Europe/Moscow"
        )
    assert "slug" in refused.value.fields
    with pytest.raises(Conflict, match="venues in this city"):
        services.city_delete(actor=staff_user, city=venue_a.city)
    services.city_delete(actor=staff_user, city=City.objects.get(slug="kazan"))
    assert not City.objects.filter(slug="kazan").exists()
    audited = AuditLog.objects.filter(actor=staff_user).order_by("pk")
    actions = list(audited.values_list("action", flat=True))
    assert actions == ["city.create", "city.update", "city.delete"]


def test_holidays_are_one_per_date_and_audited(staff_user):
    holiday = services.holiday_create(actor=staff_user, date=D(2026, 6, 12), name="День России")
    with pytest.raises(ApplicationError) as refused:
        services.holiday_create(actor=staff_user, date=D(2026, 6, 12), name="Ещё один")
    assert "date" in refused.value.fields
    services.holiday_update(actor=staff_user, holiday=holiday, date=D(2026, 6, 13))
    assert Holiday.objects.get().date == D(2026, 6, 13)
    services.holiday_delete(actor=staff_user, holiday=holiday)
    assert not Holiday.objects.exists()
    audited = AuditLog.objects.filter(actor=staff_user).order_by("pk")
    actions = list(audited.values_list("action", flat=True))
    assert actions == ["holiday.create", "holiday.update", "holiday.delete"]


def test_an_exception_is_changed_by_the_rules_it_was_added_by(venue_a, owner_a):
    now = datetime.datetime(2026, 12, 1, 12, 0, tzinfo=datetime.UTC)
    first = services.schedule_exception_create(
        actor=owner_a, venue=venue_a, date=D(2026, 12, 31), now=now
    )
    services.schedule_exception_create(actor=owner_a, venue=venue_a, date=D(2027, 1, 1), now=now)
    services.schedule_exception_update(
        actor=owner_a, exception=first, is_closed=False, opens=T(10), closes=T(18), now=now
    )
    first.refresh_from_db()
    assert (first.is_closed, first.opens, first.closes) == (False, T(10), T(18))
    with pytest.raises(Conflict, match="already an exception"):
        services.schedule_exception_update(
            actor=owner_a, exception=first, date=D(2027, 1, 1), now=now
        )
    with pytest.raises(ApplicationError, match="in the past"):
        services.schedule_exception_update(
            actor=owner_a, exception=first, date=D(2026, 11, 30), now=now
        )
    with pytest.raises(ApplicationError, match="must differ"):
        services.schedule_exception_update(actor=owner_a, exception=first, closes=T(10), now=now)
    first = ScheduleException.objects.get(pk=first.pk)
    assert (first.date, first.closes) == (D(2026, 12, 31), T(18))
    assert AuditLog.objects.filter(action="venue.exception_update").count() == 1
