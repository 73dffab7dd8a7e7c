"""factory_boy factories shared by the tests."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import factory
from allauth.account.models import EmailAddress
from PIL import Image

from accounts.models import User
from venues.extensions import schedule_changed
from venues.services import room_price_from_refresh

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    name = factory.Faker("name", locale="ru_RU")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        """A confirmed e-mail unless `verified=False` is passed."""
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "venues.Organisation"

    name = factory.Sequence(lambda n: f"Организация {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "venues.Membership"

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    role = "owner"


class CityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "venues.City"
        django_get_or_create = ["slug"]

    name = "Москва"
    slug = "moscow"
    timezone = "Europe/Moscow"


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "venues.Venue"

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Репбаза №{n}")
    city = factory.SubFactory(CityFactory)
    address = "ул. Тверская, 1"
    metro = "Тверская"
    timezone = factory.SelfAttribute("city.timezone")
    # In the catalogue; tests of staff review create pending venues through venues.services.
    moderation = "approved"


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "venues.Room"

    venue = factory.SubFactory(VenueFactory)
    name = factory.Sequence(lambda n: f"Зал {n}")
    kind = "rehearsal"
    capacity = 6
    equipment = factory.LazyFunction(lambda: ["Marshall JCM800", "Pearl Export"])
    slot_minutes = 60
    min_booking_minutes = 60


class OpeningHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "venues.OpeningHours"

    venue = factory.SubFactory(VenueFactory)
    weekday = 0
    opens = datetime.time(10, 0)
    closes = datetime.time(2, 0)


class PriceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "venues.Price"

    room = factory.SubFactory(RoomFactory)
    day_type = "weekday"
    starts = datetime.time(10, 0)
    ends = datetime.time(2, 0)
    price_per_hour = Decimal("900.00")


def open_every_day(venue, opens=datetime.time(10, 0), closes=datetime.time(2, 0)) -> None:
    """Give a venue the same hours on all seven weekdays (10:00–02:00 unless told otherwise)."""
    for weekday in range(7):
        OpeningHoursFactory(venue=venue, weekday=weekday, opens=opens, closes=closes)


def price_every_day(
    room, price_per_hour=Decimal("900.00"), starts=datetime.time(10, 0), ends=datetime.time(2, 0)
):
    """One hourly price for every day type over one band (10:00–02:00 unless told otherwise)."""
    for day_type in ("weekday", "friday", "saturday", "sunday", "holiday"):
        PriceFactory(
            room=room, day_type=day_type, starts=starts, ends=ends, price_per_hour=price_per_hour
        )
    # The catalogue lists rooms by their cached lowest price and finds free time in the stored
    # open time, as the price services keep them.
    room_price_from_refresh(room_id=room.pk)
    schedule_changed(room_ids=[room.pk])


def png_bytes(size=(8, 8), image_format="PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (120, 60, 200)).save(buffer, format=image_format)
    return buffer.getvalue()


class BookingFactory(factory.django.DjangoModelFactory):
    """A confirmed two-hour booking paid at the venue; each one an hour after the last, so they
    never clash in one room. Tests of the booking rules go through bookings.services instead."""

    class Meta:
        model = "bookings.Booking"

    room = factory.SubFactory(RoomFactory)
    user = factory.SubFactory(UserFactory)
    kind = "client"
    status = "confirmed"
    start = factory.Sequence(
        lambda n: (
            datetime.datetime(2030, 1, 7, 10, tzinfo=datetime.UTC) + datetime.timedelta(hours=3 * n)
        )
    )
    end = factory.LazyAttribute(lambda o: o.start + datetime.timedelta(hours=2))
    occupied_until = factory.SelfAttribute("end")
    price = Decimal("1800.00")
    money_due = factory.SelfAttribute("price")
    free_cancellation_until = factory.LazyAttribute(
        lambda o: o.start - datetime.timedelta(hours=24)
    )
    cancellation_fee_percent = 0
