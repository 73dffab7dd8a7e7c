"""A move shows its full re-quote before the client confirms (price, cap, points kept and given
back, money due, cashback), the same figures the move writes; afterwards the booking page, the
API and the e-mail show the new figures at once, the cashback included."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from bookings import services
from core.emails import EMAILS, messages
from tests.bookings.conftest import NOW, at
from tests.spending.conftest import audit_clean, give_points
from venues.models import PointsRule

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


@pytest.fixture
def booked(client_user, points_room, django_capture_on_commit_callbacks):
    """2,000 ₽ on Wednesday paid with 500 points (the 25 % cap): 1,500 ₽ due, cashback 15."""
    give_points(client_user, 500)
    with django_capture_on_commit_callbacks(execute=True):
        booking = services.booking_create(
            user=client_user,
            room=points_room,
            start=at("2026-12-02", "19:00"),
            end=at("2026-12-02", "21:00"),
            payment="venue",
            points=500,
            now=NOW,
        )
    # Thursdays only 10 %: the same two hours there cap the points at 200.
    PointsRule.objects.create(venue=points_room.venue, weekdays=[3], percent=10)
    return booking


def _testid(page: str, name: str) -> str:
    match = re.search(rf'data-testid="{name}">([^<]*)<', page)
    assert match, name
    return match.group(1).replace("\u00a0", " ")


def test_the_move_page_shows_the_re_quote_before_confirming(client, client_user, booked):
    client.force_login(client_user)
    url = reverse("bookings:reschedule", args=[booked.pk])
    page = client.get(url, {"start": "2026-12-03T19:00:00+03:00", "minutes": 120}).content.decode()
    assert _testid(page, "move-price") == "2 000 ₽"
    assert _testid(page, "move-cap") == "200"
    assert _testid(page, "move-points") == "200"
    assert _testid(page, "move-points-back") == "300"
    assert _testid(page, "move-money-due") == "1 800 ₽"
    assert "+18" in _testid(page, "move-cashback")
    booked.refresh_from_db()
    assert (booked.points, booked.money_due) == (500, Decimal("1500.00"))  # nothing moved yet


def test_the_api_gives_the_same_re_quote_before_moving(client_api, booked):
    url = f"/api/v1/bookings/{booked.pk}/reschedule/quote/"
    body = {"start": "2026-12-03T19:00:00+03:00", "end": "2026-12-03T21:00:00+03:00"}
    quote = client_api.post(url, body, format="json").json()
    assert {k: quote[k] for k in ("price", "points_cap", "points", "points_back")} == {
        "price": "2000.00",
        "points_cap": 200,
        "points": 200,
        "points_back": 300,
    }
    assert (quote["money_due"], quote["cashback_points"]) == ("1800.00", 18)
    moved = client_api.post(f"/api/v1/bookings/{booked.pk}/reschedule/", body, format="json")
    assert (moved.json()["points"], moved.json()["money_due"]) == (200, "1800.00")
    bad = client_api.post(url, {"start": "2026-12-03T19:00:00+03:00", "end": "x"}, format="json")
    assert bad.status_code == 400


def test_after_a_move_every_output_shows_the_new_figures_at_once(client, client_user, booked):
    client.force_login(client_user)
    moved = client.post(
        reverse("bookings:reschedule", args=[booked.pk]),
        {"start": "2026-12-03T19:00:00+03:00", "minutes": 120},
    )
    assert moved.status_code == 302
    # No task has run (on-commit work is not executed here): the move itself re-planned.
    page = client.get(reverse("bookings:detail", args=[booked.pk])).content.decode()
    assert "+18" in page and "+15" not in page
    assert "1\u00a0800\u00a0₽" in page
    api = client.get(f"/api/v1/bookings/{booked.pk}/").json()
    assert (api["points"], api["money_due"], api["price"]) == (200, "1800.00", "2000.00")
    [(_item, email)] = messages(EMAILS.get("bookings.confirmed"), [{"booking_id": booked.pk}])
    assert "1 800 ₽" in email.body.replace("\u00a0", " ")
    assert "200" in email.body
    audit_clean()
