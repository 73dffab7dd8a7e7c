"""The free-time search in SQL against the slot engine (`bookings.schedule`, the reference for
booking): on random small venues the same rooms are found, with the same earliest free window and
the price the booking quote gives; and the stored open time follows schedule and booking changes.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import IntegrityError, transaction
from hypothesis import HealthCheck, given
from hypothesis import settings as examples
from hypothesis import strategies as st

from bookings import selectors, services
from bookings.models import Booking, OpenDay
from bookings.schedule import FREE, ScheduleData, occupied_intervals, with_status
from tests.bookings.conftest import NOW
from tests.factories import RoomFactory, VenueFactory, price_every_day
from venues import services as venue_services
from venues.extensions import schedule_changed
from venues.models import Holiday, OpeningHours, Price, Room, ScheduleException

pytestmark = pytest.mark.django_db


TODAY = NOW.date()
DAY_TYPES = ["weekday", "friday", "saturday", "sunday", "holiday"]


def reference(
    room: Room, day: dt.date, start: dt.time, end: dt.time, hours: Decimal, now: dt.datetime
) -> tuple[dt.datetime, dt.datetime, Decimal] | None:
    """The earliest free run by the slot engine's rules, as the search used to find it in
    Python: consecutive FREE slots of business day `day` inside the window, long enough."""
    zone = ZoneInfo(room.venue.timezone)
    slots = ScheduleData([room], day, day).day_slots(room, day)
    if not slots:
        return None
    busy = occupied_intervals(
        [room.pk], slots[0].start, slots[-1].end + dt.timedelta(hours=4), now=now
    )
    slots = with_status(room, slots, busy.get(room.pk, []), now)
    window_start = dt.datetime.combine(day, start, tzinfo=zone)
    end_day = day + dt.timedelta(days=1) if end <= start else day
    window_end = dt.datetime.combine(end_day, end, tzinfo=zone)
    need = max(
        dt.timedelta(minutes=int(hours * 60)), dt.timedelta(minutes=room.min_booking_minutes)
    )
    run: list = []
    for slot in slots:
        if slot.status == FREE and slot.start >= window_start and slot.end <= window_end:
            run = [*run, slot] if run and run[-1].end == slot.start else [slot]
            if run[-1].end - run[0].start >= need:
                return run[0].start, run[-1].end, sum((s.price for s in run), Decimal(0))
        else:
            run = []
    return None


def _minutes(value: int) -> dt.time:
    return dt.time(value // 60 % 24, value % 60)


def _closes(hours: tuple[int, int]) -> dt.time:
    """The closing time of an opening: at most 06:00 the next morning."""
    opens, length = hours
    return _minutes(min(opens + length, 30 * 60))


# Opening from 08:00 to 23:30, closing that day or after midnight up to 06:00, so a business day
# never overlaps the next one (the quote would then read the next day's slots).
opening = st.tuples(
    st.integers(16, 47).map(lambda half_hours: half_hours * 30),
    st.integers(8, 44).map(lambda half_hours: half_hours * 30),
)
# A room's main band of a day type (from 08:00-12:00 to 18:00-06:00, so there are gaps), and
# bands over it (a season, a promotion, an evening price).
_main = st.tuples(
    st.integers(16, 24).map(lambda h: h * 30),
    st.integers(36, 60).map(lambda h: h * 30 % (24 * 60)),
    st.integers(3, 30).map(lambda p: Decimal(p * 50)),
)
main_band = st.one_of(_main, _main, _main, _main, _main, st.none())
band = st.tuples(
    st.sampled_from(DAY_TYPES),
    st.integers(0, 47).map(lambda h: h * 30),
    st.integers(1, 20).map(lambda h: h * 30),  # length
    st.integers(3, 30).map(lambda p: Decimal(p * 50)),
    st.sampled_from([None, 0, 1, 2]),  # dated: valid from TODAY + n for 3 days
)
occupation = st.tuples(
    st.sampled_from([0, 1, 1, 2, 3]),  # day offset
    st.integers(16, 47).map(lambda h: h * 30),  # local start minute
    st.integers(1, 8).map(lambda h: h * 30),  # length
    st.sampled_from(["confirmed", "block", "hold_live", "hold_expired", "cancelled"]),
    st.booleans(),  # before the open days are stored (else the triggers keep them)
)
room_spec = st.tuples(
    st.sampled_from([30, 60]),
    st.integers(1, 4),  # minimum booking, in slots
    st.sampled_from([0, 15, 30, 60, 60]),  # buffer
    st.lists(main_band, min_size=len(DAY_TYPES), max_size=len(DAY_TYPES)),
    st.lists(band, max_size=3),
    st.lists(occupation, max_size=8),
)
venue_spec = st.fixed_dictionaries(
    {
        "zone": st.sampled_from(["Europe/Moscow", "Asia/Vladivostok", "Europe/Kaliningrad"]),
        "hours": st.lists(st.one_of(opening, opening, opening, st.none()), min_size=7, max_size=7),
        "exceptions": st.dictionaries(st.integers(0, 3), st.one_of(st.none(), opening), max_size=2),
        "holidays": st.sets(st.integers(0, 3), max_size=1),
        "rooms": st.lists(room_spec, min_size=1, max_size=3),
        "notice": st.sampled_from([0, 60]),
        "now_minutes": st.integers(0, 20 * 60),
    }
)
query = st.tuples(
    st.sampled_from([0, 1, 1, 2, 3]),
    st.integers(16, 40).map(lambda h: h * 30),
    st.integers(6, 30).map(lambda h: h * 30),  # the window's length (its end may pass midnight)
    st.sampled_from(
        [Decimal("0.5"), Decimal(1), Decimal(1), Decimal("1.5"), Decimal(2), Decimal(4)]
    ),
)


def _occupy(room: Room, zone: ZoneInfo, spec: tuple, now: dt.datetime) -> None:
    offset, minute, length, kind, _early = spec
    start = dt.datetime.combine(TODAY + dt.timedelta(days=offset), dt.time(), tzinfo=zone)
    start += dt.timedelta(minutes=minute)
    end = start + dt.timedelta(minutes=length)
    status = {"block": "confirmed", "hold_live": "hold", "hold_expired": "hold"}.get(kind, kind)
    expires = {"hold_live": now + dt.timedelta(minutes=10), "hold_expired": now}.get(kind)
    try:
        with transaction.atomic():
            Booking.objects.create(
                room=room,
                kind="block" if kind == "block" else "manual",
                status=status,
                start=start,
                end=end,
                occupied_until=end + dt.timedelta(minutes=room.buffer_minutes),
                hold_expires_at=expires,
                free_cancellation_until=start,
                cancellation_fee_percent=0,
            )
    except IntegrityError:
        pass  # overlaps an earlier one: the exclusion constraint refuses it, as it should


def _build(spec: dict, now: dt.datetime) -> list[Room]:
    venue = VenueFactory(timezone=spec["zone"])
    zone = ZoneInfo(spec["zone"])
    for weekday, hours in enumerate(spec["hours"]):
        if hours is not None:
            opens = hours[0]
            OpeningHours.objects.create(
                venue=venue,
                weekday=weekday,
                opens=_minutes(opens),
                closes=_closes(hours),
            )
    for offset, hours in spec["exceptions"].items():
        ScheduleException.objects.create(
            venue=venue,
            date=TODAY + dt.timedelta(days=offset),
            is_closed=hours is None,
            opens=_minutes(hours[0]) if hours else None,
            closes=_closes(hours) if hours else None,
        )
    for offset in spec["holidays"]:
        Holiday.objects.get_or_create(
            date=TODAY + dt.timedelta(days=offset), defaults={"name": "x"}
        )
    rooms = []
    for step, min_slots, buffer, main_bands, bands, occupations in spec["rooms"]:
        room = RoomFactory(
            venue=venue,
            slot_minutes=step,
            min_booking_minutes=step * min_slots,
            buffer_minutes=buffer,
            price_from=Decimal(100),
        )
        for day_type, main in zip(DAY_TYPES, main_bands, strict=True):
            if main is not None:
                Price.objects.create(
                    room=room,
                    day_type=day_type,
                    starts=_minutes(main[0]),
                    ends=_minutes(main[1]),
                    price_per_hour=main[2],
                )
        for day_type, starts, length, amount, dated in bands:
            Price.objects.create(
                room=room,
                day_type=day_type,
                starts=_minutes(starts),
                ends=_minutes((starts + length) % (24 * 60)),
                price_per_hour=amount,
                valid_from=None if dated is None else TODAY + dt.timedelta(days=dated),
                valid_until=None if dated is None else TODAY + dt.timedelta(days=dated + 2),
            )
        for occupied in occupations:
            if occupied[4]:
                _occupy(room, zone, occupied, now)
        rooms.append(room)
    schedule_changed(venue_id=venue.pk)
    for room, (*_rest, occupations) in zip(rooms, spec["rooms"], strict=True):
        for occupied in occupations:
            if not occupied[4]:
                _occupy(room, zone, occupied, now)  # after: the triggers keep `busy`
    return rooms


@examples(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(spec=venue_spec, queries=st.lists(query, min_size=1, max_size=3))
def test_the_sql_search_finds_what_the_slot_engine_finds(spec, queries, settings):
    settings.BOOKINGS_MIN_NOTICE_MINUTES = spec["notice"]
    now = NOW.replace(hour=0) + dt.timedelta(minutes=spec["now_minutes"])
    with time_machine.travel(NOW, tick=False), transaction.atomic():
        rooms = _build(spec, now)
        for offset, start, length, hours in queries:
            day = TODAY + dt.timedelta(days=offset)
            end = (start + length) % (24 * 60)
            found = {
                room.pk: (room.free_window.lower, room.free_window.upper, room.free_price)
                for room in selectors.rooms_free_between(
                    Room.objects.filter(pk__in=[r.pk for r in rooms]),
                    date=day,
                    start_time=_minutes(start),
                    end_time=_minutes(end),
                    hours=hours,
                    now=now,
                )
            }
            for room in Room.objects.filter(pk__in=[r.pk for r in rooms]).select_related("venue"):
                expected = reference(room, day, _minutes(start), _minutes(end), hours, now)
                assert found.get(room.pk) == expected, (room.pk, day, start, end, hours)
                if expected is not None:
                    quote = selectors.booking_quote(
                        room=room, start=expected[0], end=expected[1], now=now
                    )
                    assert quote.price == expected[2]
        transaction.set_rollback(True)


def test_open_days_follow_schedule_changes_and_bookings(room_a, venue_a, owner_a, client_user):
    """Through the services: a new price band, a closed day and a booking change what the
    search finds, without anything run by hand."""

    day = TODAY + dt.timedelta(days=1)

    def found(hours: int = 2, start: str = "18:00", end: str = "22:00") -> dict:
        with time_machine.travel(NOW, tick=False):
            rooms = selectors.rooms_free_between(
                Room.objects.filter(pk=room_a.pk),
                date=day,
                start_time=dt.time.fromisoformat(start),
                end_time=dt.time.fromisoformat(end),
                hours=hours,
                now=NOW,
            )
            return {r.pk: (r.free_window.lower, r.free_price) for r in rooms}

    moscow = ZoneInfo("Europe/Moscow")
    six_pm = dt.datetime.combine(day, dt.time(18), tzinfo=moscow)
    assert found() == {room_a.pk: (six_pm, Decimal("1800.00"))}
    with time_machine.travel(NOW, tick=False):
        services.booking_create(
            user=client_user,
            room=room_a,
            start=six_pm,
            end=six_pm + dt.timedelta(hours=1),
            payment="venue",
            now=NOW,
        )
    assert found() == {room_a.pk: (six_pm + dt.timedelta(hours=1), Decimal("1800.00"))}
    with time_machine.travel(NOW, tick=False):
        venue_services.schedule_exception_create(actor=owner_a, venue=venue_a, date=day, now=NOW)
    assert found() == {}
    assert not OpenDay.objects.filter(room=room_a, day=day).exists()


def test_a_run_must_end_a_buffer_before_the_next_booking(room_a, client_user):
    room_a.buffer_minutes = 60
    room_a.save()
    day = TODAY + dt.timedelta(days=1)
    eight_pm = dt.datetime.combine(day, dt.time(20), tzinfo=ZoneInfo("Europe/Moscow"))
    Booking.objects.create(
        room=room_a,
        kind="block",
        status="confirmed",
        start=eight_pm,
        end=eight_pm + dt.timedelta(hours=1),
        occupied_until=eight_pm + dt.timedelta(hours=2),
        free_cancellation_until=eight_pm,
        cancellation_fee_percent=0,
    )

    def found(hours: int) -> list[Room]:
        return list(
            selectors.rooms_free_between(
                Room.objects.filter(pk=room_a.pk),
                date=day,
                start_time=dt.time(18),
                end_time=dt.time(20),
                hours=hours,
                now=NOW,
            )
        )

    # 18:00-20:00 would keep the room until 21:00, into the block; 18:00-19:00 until 20:00.
    assert found(2) == []
    assert [room.free_window.upper for room in found(1)] == [eight_pm - dt.timedelta(hours=1)]


SEARCH = {"free_date": "2026-12-02", "free_from": "18:00", "free_to": "22:00", "free_hours": "4"}


def test_the_rooms_api_finds_free_rooms_with_their_window_and_price(api_client, room_a):
    with time_machine.travel(NOW, tick=False):
        response = api_client.get("/api/v1/rooms/", SEARCH)
    assert response.status_code == 200, response.content
    [room] = response.json()["results"]
    assert room["id"] == room_a.pk
    assert room["free_window"] == {
        "start": "2026-12-02T18:00:00+03:00",
        "end": "2026-12-02T22:00:00+03:00",
        "price": "3600.00",
    }
    with time_machine.travel(NOW, tick=False):
        plain = api_client.get("/api/v1/rooms/").json()["results"]
        venues = api_client.get("/api/v1/venues/", SEARCH).json()["results"]
        booked_out = api_client.get("/api/v1/venues/", {**SEARCH, "free_hours": "17"}).json()
    assert plain[0]["free_window"] is None
    # The venues list takes the same filter: venues with a room free then.
    assert [venue["id"] for venue in venues] == [room_a.venue_id]
    assert booked_out["results"] == []


@pytest.mark.parametrize(
    "params",
    [
        {"free_date": "2026-13-01"},
        {"free_date": "2026-12-02", "free_from": "25:00"},
        {"free_date": "2026-12-02", "free_hours": "0"},
        {"free_date": "2026-12-02", "free_hours": "-2"},
        {"free_date": "2026-12-02", "free_hours": "many"},
        {"free_from": "18:00", "free_hours": "2"},  # no date
        {"free_date": "2027-06-01"},  # beyond the booking horizon
        {"free_date": "2026-11-30"},  # past
    ],
)
def test_the_rooms_api_refuses_a_malformed_free_time_filter(api_client, room_a, params):
    with time_machine.travel(NOW, tick=False):
        response = api_client.get("/api/v1/rooms/", params)
    assert response.status_code == 400, response.content
    assert response.json()["error"]["fields"]


def test_a_card_shows_the_free_window_and_opens_the_room_page_with_it_chosen(client, room_a):
    client.cookies["django_language"] = "en"
    with time_machine.travel(NOW, tick=False):
        page = client.get("/", SEARCH).content.decode()
        assert "Free 18:00–22:00 · 3,600\u00a0₽" in page
        link = f"/rooms/{room_a.pk}/?date=2026-12-02&amp;start=18:00&amp;end=22:00#book"
        assert link in page
        room_page = client.get(link.replace("&amp;", "&").split("#")[0]).content.decode()
    assert 'value="2026-12-02T18:00:00+03:00" required checked' in room_page
    assert '<option value="240" selected>' in room_page


def test_the_search_runs_the_same_number_of_queries_for_1_or_20_rooms_found(
    client, api_client, room_a, django_assert_max_num_queries, django_assert_num_queries
):
    with time_machine.travel(NOW, tick=False):
        # cities, count, page (with each room's window and price), room photos, venue photos,
        # the visitor's tier (the cashback badge)
        with django_assert_max_num_queries(6) as page_one:
            assert client.get("/", SEARCH).context["page"].paginator.count == 1
        with django_assert_max_num_queries(6) as api_one:
            assert len(api_client.get("/api/v1/rooms/", SEARCH).json()["results"]) == 1
        for n in range(24):
            price_every_day(RoomFactory(venue=room_a.venue, name=f"Зал {n}"))
        with django_assert_num_queries(len(page_one.captured_queries)):
            response = client.get("/", SEARCH)
        assert len(response.context["page"].object_list) == 20
        with django_assert_num_queries(len(api_one.captured_queries)):
            assert len(api_client.get("/api/v1/rooms/", SEARCH).json()["results"]) == 20
