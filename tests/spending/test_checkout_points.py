"""Points on the checkout page's quote (bookings.selectors.checkout_quote): refused points leave
the quote without them and say why; a re-quote as the client types uses the nearest allowed
number and says so."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bookings import selectors
from tests.spending.conftest import give_points
from tests.spending.test_booking_points import END, NOW, START

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]
CAP_MESSAGE = "За эту бронь можно списать не больше 500 баллов."


def _page(user, room, **points):
    return selectors.checkout_quote(room=room, start=START, end=END, user=user, now=NOW, **points)


def test_allowed_points_are_quoted_with_the_balance(client_user, points_room):
    give_points(client_user, 700)
    page = _page(client_user, points_room, points=300)
    assert page.quote is not None
    assert (page.quote.points, page.quote.money_due) == (300, Decimal("1700.00"))
    assert (page.balance, page.points_refused, page.points_note, page.error) == (
        700,
        False,
        None,
        None,
    )


def test_points_above_the_cap_are_refused_when_booking(client_user, points_room):
    give_points(client_user, 700)
    page = _page(client_user, points_room, points=600)
    assert page.quote is not None and page.quote.points == 0
    assert page.points_refused and page.error == CAP_MESSAGE


def test_a_re_quote_uses_the_nearest_allowed_number_and_says_so(client_user, points_room):
    give_points(client_user, 700)
    page = _page(client_user, points_room, points=600, nearest_points=600)
    assert page.quote is not None and page.quote.points == 500
    assert page.points_note == "Используем 500: можно от 0 до 500."
    assert not page.points_refused and page.error is None
    # A number the form refused (12.7, −5) is brought into range the same way.
    page = _page(
        client_user, points_room, points_error="Введите целое число баллов.", nearest_points=12
    )
    assert page.quote is not None and page.quote.points == 12
    assert page.points_note == "Используем 12: можно от 0 до 500."
    page = _page(
        client_user,
        points_room,
        points_error="Число баллов не может быть отрицательным.",
        nearest_points=-5,
    )
    assert page.quote is not None and page.quote.points == 0
    assert page.points_note == "Используем 0: можно от 0 до 500."


def test_without_points_to_use_a_re_quote_says_why_instead(client_user, points_room):
    page = _page(client_user, points_room, points=100, nearest_points=100)
    assert page.quote is not None and page.quote.points == 0
    assert page.points_refused and page.points_note is None
    assert page.error == "Здесь вы можете использовать только 0 баллов."


def test_what_the_form_refused_is_said_when_booking(client_user, points_room):
    give_points(client_user, 700)
    page = _page(client_user, points_room, points_error="Введите целое число баллов.")
    assert page.quote is not None and page.quote.points == 0
    assert page.points_refused and page.error == "Введите целое число баллов."
