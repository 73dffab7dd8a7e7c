"""The demo data: two cities, a dozen venues, forty rooms, loaded once however often it runs."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from demo.venues import OWNER_ORGANISATION, VENUES
from loyalty.models import Campaign
from tests.factories import OrganisationFactory, VenueFactory
from venues import services
from venues.models import City, Membership, Organisation, Price, Room, Venue

pytestmark = pytest.mark.django_db


def test_seed_demo_twice_adds_nothing_the_second_time():
    call_command("seed_demo", verbosity=0)
    counts = (Venue.objects.count(), Room.objects.count(), Price.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (Venue.objects.count(), Room.objects.count(), Price.objects.count()) == counts
    assert set(City.objects.values_list("slug", flat=True)) == {"moscow", "spb"}
    assert 10 <= counts[0] <= 14
    assert counts[1] == 40
    assert set(Room.objects.values_list("kind", flat=True)) == set(Room.Kind.values)

    owned = Membership.objects.get(user__email="owner@example.com", role="owner")
    assert owned.organisation.venues.count() >= 2
    late = Venue.objects.filter(opening_hours__closes__lt="06:00").distinct()
    assert late.count() >= 3  # rehearsal bases open past midnight
    assert not Room.objects.filter(price_from__isnull=True).exists()


def test_seed_demo_finds_its_data_by_its_own_keys_not_by_names_users_choose():
    """Users name organisations, venues and campaigns like demo ones: seed_demo still runs, twice,
    and neither duplicates its data nor takes theirs."""
    theirs = [OrganisationFactory(name=org_name) for org_name in {row[0] for row in VENUES}]
    twin = OrganisationFactory(name=OWNER_ORGANISATION)
    VenueFactory(organisation=twin, name=VENUES[0][1])
    Campaign.objects.create(name="Дневные будни", kind=Campaign.Kind.EXTRA_PERCENT, value=1)
    call_command("seed_demo", verbosity=0)
    counts = (Organisation.objects.count(), Venue.objects.count(), Campaign.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (Organisation.objects.count(), Venue.objects.count(), Campaign.objects.count()) == counts
    assert Venue.objects.filter(organisation__in=[*theirs, twin]).count() == 1
    assert not Membership.objects.filter(organisation__in=[*theirs, twin]).exists()
    demo_owner = Membership.objects.get(user__email="owner@example.com")
    assert demo_owner.organisation.venues.filter(name=VENUES[0][1]).exists()


def test_every_demo_price_obeys_the_price_rules():
    call_command("seed_demo", verbosity=0)
    for price in Price.objects.select_related("room__venue"):
        services.price_band_check(
            room=price.room,
            day_type=price.day_type,
            starts=price.starts,
            ends=price.ends,
            valid_from=price.valid_from,
            valid_until=price.valid_until,
            exclude_id=price.pk,
        )
    weekday = Price.objects.filter(day_type="weekday", room__kind="rehearsal")
    assert weekday.filter(starts="17:00").exists()  # an evening band
    evening = weekday.filter(starts="17:00").first()
    day = weekday.get(room=evening.room, ends="17:00")
    assert evening.price_per_hour > day.price_per_hour
