"""Earning: tiers, the cashback plan (seeds' numbers) and the cashback lifecycle of bookings."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.db import connections

from bookings import services as booking_services
from loyalty import selectors, services
from loyalty.models import Account, Campaign, ClientTier, LedgerTransaction, Tier
from loyalty.selectors import ledger_audit
from tests.factories import BookingFactory, MembershipFactory, RoomFactory, UserFactory

# A Saturday evening in Moscow: 2030-03-02 19:00 MSK = 16:00 UTC.
START = datetime(2030, 3, 2, 16, 0, tzinfo=UTC)
END = START + timedelta(hours=2)


def wallet(user) -> int:
    account = Account.objects.filter(user=user, kind="wallet").first()
    return account.balance if account else 0


def pending(user) -> int:
    account = Account.objects.filter(user=user, kind="pending").first()
    return account.balance if account else 0


def tier(name) -> Tier:
    return Tier.objects.get(name=name)


@pytest.fixture
def room(db):
    return RoomFactory(venue__timezone="Europe/Moscow")


def plan(user, room, money, start=START):
    return selectors.cashback_plan(
        user=user, room=room, start=start, end=start + timedelta(hours=2), money=money, now=start
    )


# --- tiers --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_default_tiers_exist_bronze_silver_gold_platinum_with_seed_thresholds():
    rows = [(t.name, t.min_money_365d, t.cashback_percent) for t in selectors.tiers()]
    assert rows == [
        ("Бронза", Decimal("0.00"), Decimal("1.00")),
        ("Серебро", Decimal("30000.00"), Decimal("2.00")),
        ("Золото", Decimal("100000.00"), Decimal("3.00")),
        ("Платина", Decimal("200000.00"), Decimal("5.00")),
    ]


@pytest.mark.django_db
def test_tier_is_reached_by_money_or_by_sessions_whichever_is_higher():
    stats = selectors.TierStats
    assert selectors.tier_for(stats=stats(Decimal("0"), 0)).name == "Бронза"
    assert selectors.tier_for(stats=stats(Decimal("100000"), 0)).name == "Золото"
    assert selectors.tier_for(stats=stats(Decimal("99999.99"), 0)).name == "Серебро"
    assert selectors.tier_for(stats=stats(Decimal("0"), 100)).name == "Платина"
    assert selectors.tier_for(stats=stats(Decimal("200000"), 20)).name == "Платина"


@pytest.mark.django_db
def test_completing_a_booking_upgrades_at_once_and_only_the_nightly_job_downgrades(
    client_user, room, django_capture_on_commit_callbacks
):
    now = END + timedelta(minutes=1)
    BookingFactory(
        user=client_user,
        room=room,
        start=START,
        end=END,
        price=Decimal("100000"),
        status="confirmed",
    )
    with time_machine.travel(now, tick=False), django_capture_on_commit_callbacks(execute=True):
        booking_services.bookings_complete(now=now)
    assert ClientTier.objects.get(user=client_user).tier.name == "Золото"
    # A year later nothing was booked since: still gold until the nightly recalculation...
    later = now + timedelta(days=366)
    services.tier_upgrade(user=client_user, now=later)
    assert ClientTier.objects.get(user=client_user).tier.name == "Золото"
    call_command("runjob", "loyalty_tiers", now=later.isoformat())
    assert ClientTier.objects.get(user=client_user).tier.name == "Бронза"
    assert ClientTier.objects.get(user=client_user).since == later
    # ... which is safe to run again: nobody changes.
    assert services.tiers_recalculate(now=later) == 0


@pytest.mark.django_db
def test_nightly_job_also_raises_clients_and_progress_says_what_the_next_tier_needs(
    client_user, room
):
    BookingFactory(
        user=client_user,
        room=room,
        start=START,
        end=END,
        price=Decimal("25000"),
        status="completed",
    )
    assert services.tiers_recalculate(now=END + timedelta(hours=1)) == 1
    progress = selectors.tier_progress(user=client_user, now=END + timedelta(hours=1))
    assert progress.tier.name == "Бронза"
    assert progress.next_tier.name == "Серебро"
    assert progress.money_to_next == Decimal("5000")
    assert progress.sessions_to_next == 19


# --- the plan -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_plan_is_tier_percent_of_the_money_part_rounded_down(client_user, room):
    result = plan(client_user, room, Decimal("1999.99"))
    assert (result.platform_points, result.venue_points) == (19, 0)
    assert result.available_at == END + timedelta(hours=24)


@pytest.mark.django_db
def test_seed_five_percent_cashback_for_a_platinum_client(client_user, room):
    ClientTier.objects.create(user=client_user, tier=tier("Платина"), since=START, updated_at=START)
    assert plan(client_user, room, Decimal("2000")).points == 100


@pytest.mark.django_db
def test_venue_boost_is_venue_funded_and_the_total_is_capped_at_15_percent(client_user, room):
    room.venue.cashback_boost_percent = 10  # the field arrives from the spending branch
    ClientTier.objects.create(user=client_user, tier=tier("Платина"), since=START, updated_at=START)
    Campaign.objects.create(name="Промо", value=Decimal("5"))
    result = plan(client_user, room, Decimal("2000"))
    assert result.venue_points == 200
    assert result.platform_points == 100  # 5 + 5 platform, trimmed to 5 by the 15 % cap
    assert result.percent == Decimal("15")


@pytest.mark.django_db
def test_seed_2000_minimum_to_earn_below_it_nothing(client_user, room, settings):
    settings.LOYALTY_EARN_MIN_AMOUNT = 2000
    assert plan(client_user, room, Decimal("1999.99")).points == 0
    assert plan(client_user, room, Decimal("2000")).points == 20
    room.venue.earn_min_booking_amount = Decimal("3000")
    assert plan(client_user, room, Decimal("2500")).points == 0


@pytest.mark.django_db
def test_campaigns_match_on_window_weekday_hours_city_room_type_and_minimum(client_user, room):
    base = plan(client_user, room, Decimal("2000")).points
    assert base == 20
    # Saturday 19:00 local.
    Campaign.objects.create(name="выходные", value=Decimal("2"), weekdays=[5, 6])
    Campaign.objects.create(name="будни", value=Decimal("4"), weekdays=[0, 1, 2, 3, 4])
    Campaign.objects.create(
        name="вечер через полночь", value=Decimal("1"), time_from=time(18), time_to=time(2)
    )
    Campaign.objects.create(name="утро", value=Decimal("4"), time_from=time(8), time_to=time(12))
    Campaign.objects.create(
        name="март", value=Decimal("1"), date_from=date(2030, 3, 1), date_to=date(2030, 3, 31)
    )
    Campaign.objects.create(name="апрель", value=Decimal("4"), date_from=date(2030, 4, 1))
    Campaign.objects.create(name="другой тип", value=Decimal("4"), room_kind="photo")
    Campaign.objects.create(name="дорогие", value=Decimal("4"), min_amount=Decimal("5000"))
    Campaign.objects.create(name="выключена", value=Decimal("4"), is_active=False)
    Campaign.objects.create(name="чужая", value=Decimal("4"), venue=RoomFactory().venue)
    result = plan(client_user, room, Decimal("2000"))
    assert sorted(c.name for c in result.campaigns) == ["вечер через полночь", "выходные", "март"]
    assert result.points == 20 + 40 + 20 + 20


@pytest.mark.django_db
def test_a_night_campaign_counts_its_after_midnight_hours_for_the_day_it_began(client_user, room):
    # "Saturday nights 22:00–04:00, until 2 March": a booking at 01:00 on Sunday 3 March is in.
    Campaign.objects.create(
        name="ночь субботы",
        value=Decimal("4"),
        weekdays=[5],
        date_to=date(2030, 3, 2),
        time_from=time(22),
        time_to=time(4),
    )
    sunday_1am = datetime(2030, 3, 2, 22, 0, tzinfo=UTC)  # 01:00 MSK on Sunday
    saturday_1am = datetime(2030, 3, 1, 22, 0, tzinfo=UTC)  # 01:00 MSK on Saturday: Friday's night
    assert [c.name for c in plan(client_user, room, Decimal("2000"), sunday_1am).campaigns] == [
        "ночь субботы"
    ]
    assert plan(client_user, room, Decimal("2000"), sunday_1am).points == 20 + 80
    assert plan(client_user, room, Decimal("2000"), saturday_1am).campaigns == []


@pytest.mark.django_db
def test_a_venue_multiplier_campaign_is_funded_by_the_venue(client_user, room):
    Campaign.objects.create(
        name="x2", venue=room.venue, kind=Campaign.Kind.MULTIPLIER, value=Decimal("2")
    )
    result = plan(client_user, room, Decimal("3000"))
    assert (result.platform_points, result.venue_points) == (30, 30)


# --- the lifecycle ------------------------------------------------------------------------


@pytest.fixture
def request_booking(client_user, room):
    owner = MembershipFactory(organisation=room.venue.organisation, role="owner").user
    booking = BookingFactory(
        user=client_user,
        room=room,
        start=START,
        end=END,
        price=Decimal("2000"),
        status="requested",
    )
    return booking, owner


@pytest.mark.django_db
def test_confirm_pending_complete_then_available_24h_after_the_end(
    request_booking, client_user, django_capture_on_commit_callbacks
):
    booking, owner = request_booking
    room = booking.room
    room.venue.cashback_boost_percent = 0
    with django_capture_on_commit_callbacks(execute=True):
        booking_services.booking_confirm(booking_id=booking.pk, actor=owner, now=START)
    assert pending(client_user) == 20 and wallet(client_user) == 0
    with django_capture_on_commit_callbacks(execute=True):
        booking_services.bookings_complete(now=END)
    call_command("runjob", "loyalty_accrue", now=(END + timedelta(hours=23)).isoformat())
    assert wallet(client_user) == 0
    for _ in range(2):
        call_command("runjob", "loyalty_accrue", now=(END + timedelta(hours=24)).isoformat())
    assert wallet(client_user) == 20 and pending(client_user) == 0
    assert LedgerTransaction.objects.filter(booking=booking, kind="pending_release").count() == 1
    assert not ledger_audit().violations


@pytest.mark.django_db
@pytest.mark.parametrize("outcome", ["cancel", "no_show"])
def test_cancel_or_no_show_removes_the_pending_cashback(
    request_booking, client_user, outcome, django_capture_on_commit_callbacks
):
    booking, owner = request_booking
    with django_capture_on_commit_callbacks(execute=True):
        booking_services.booking_confirm(booking_id=booking.pk, actor=owner, now=START)
    assert pending(client_user) == 20
    with django_capture_on_commit_callbacks(execute=True):
        if outcome == "cancel":
            booking_services.booking_cancel(
                booking_id=booking.pk, actor=client_user, now=START - timedelta(days=2)
            )
        else:
            booking_services.booking_mark_no_show(
                booking_id=booking.pk, actor=owner, now=START + timedelta(minutes=30)
            )
    assert pending(client_user) == 0
    assert services.cashback_cancel(booking_id=booking.pk, now=END) == 0
    call_command("runjob", "loyalty_accrue", now=(END + timedelta(days=2)).isoformat())
    assert wallet(client_user) == 0
    assert not ledger_audit().violations


@pytest.mark.django_db
def test_a_lost_task_is_made_good_by_the_accrual_job_exactly_once(client_user, room):
    room.venue.save()
    booking = BookingFactory(
        user=client_user,
        room=room,
        start=START,
        end=END,
        price=Decimal("2000"),
        status="completed",
    )
    later = END + timedelta(hours=25)
    first = services.cashback_accrue(now=later)
    again = services.cashback_accrue(now=later)
    assert (first.credited, again.credited) == (1, 0)
    assert wallet(client_user) == 20
    # The confirmation task arriving late changes nothing either.
    services.cashback_pend(booking_id=booking.pk, now=later)
    assert wallet(client_user) == 20 and pending(client_user) == 0
    assert not ledger_audit().violations


@pytest.mark.django_db(transaction=True)
def test_two_accrual_workers_at_once_credit_each_booking_once():
    users = [UserFactory() for _ in range(6)]
    room = RoomFactory(venue__timezone="Europe/Moscow")
    for n, user in enumerate(users):
        start = START + timedelta(hours=3 * n)
        booking = BookingFactory(
            user=user,
            room=room,
            start=start,
            end=start + timedelta(hours=2),
            price=Decimal("2000"),
            status="confirmed",
        )
        if n % 2:
            services.cashback_pend(booking_id=booking.pk, now=START)
        booking.status = "completed"
        booking.save(update_fields=["status"])
    later = START + timedelta(days=3)
    barrier = threading.Barrier(2)
    results = []

    def worker():
        try:
            barrier.wait(timeout=30)
            results.append(services.cashback_accrue(now=later, batch_size=2))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 2
    assert [wallet(user) for user in users] == [20] * 6
    assert sum(r.released + r.credited for r in results) == 6
    assert not ledger_audit().violations
