"""The room page's day switcher reads the month from the availability API once and then shows
other days without a request per day: taken slots, a closed day, a day chosen in the date field;
the slot chosen on a switched day goes to checkout."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import date_format

from bookings import services
from tests.bookings.conftest import at
from tests.factories import PASSWORD
from venues.models import ScheduleException

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_switching_days_on_the_room_page_asks_the_server_once_for_the_month(
    page, client_user, owner_a, room_a
):
    today = timezone.now().astimezone(ZoneInfo("Europe/Moscow")).date()
    tomorrow, closed = today + timedelta(days=1), today + timedelta(days=2)
    services.block_create(
        actor=owner_a, room=room_a, start=at(tomorrow, "19:00"), end=at(tomorrow, "21:00")
    )
    ScheduleException.objects.create(venue=room_a.venue, date=closed, is_closed=True)
    page.goto("/accounts/login/")
    page.get_by_label("Адрес электронной почты").fill(client_user.email)
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_load_state()

    with page.expect_response(lambda r: "/availability/?from=" in r.url) as month:
        page.goto(f"/rooms/{room_a.pk}/")
    assert month.value.status == 200
    asked = parse_qs(urlsplit(month.value.url).query)
    assert asked == {"from": [today.isoformat()], "to": [(today + timedelta(days=30)).isoformat()]}
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    picker = page.locator(f"#availability-{room_a.pk}")
    heading = picker.locator("h3")

    picker.get_by_role("link", name="Следующий день →").click()
    heading.get_by_text(f"{tomorrow.day} ").wait_for()
    with translation.override("ru"):  # as the server writes it for a day it renders
        assert heading.inner_text() == date_format(tomorrow, "l, j E Y")
    assert picker.locator("li.slot-busy").all_inner_texts() == [
        "19:00–20:00 занято",
        "20:00–21:00 занято",
    ]
    assert picker.get_by_label("21:00–22:00 · 900\u00a0₽").is_visible()
    assert picker.get_by_role("button", name="Продолжить").is_visible()

    picker.get_by_role("link", name="Следующий день →").click()
    picker.get_by_text("В этот день объект закрыт.").wait_for()
    assert not picker.locator("li.slot").count()
    assert not picker.get_by_role("button", name="Продолжить").is_visible()

    later = today + timedelta(days=20)
    picker.get_by_label("Дата").fill(later.isoformat())
    heading.get_by_text(f"{later.day} ").wait_for()
    with translation.override("ru"):
        assert heading.inner_text() == date_format(later, "l, j E Y")
    assert picker.locator("li.slot-free").count() == 16
    picker.get_by_role("link", name="← Предыдущий день").click()
    heading.get_by_text(f"{(later - timedelta(days=1)).day} ").wait_for()
    # The links still open the day's booking page (a new tab, no JavaScript).
    assert picker.get_by_role("link", name="Следующий день →").get_attribute("href") == (
        f"/rooms/{room_a.pk}/book/?date={later.isoformat()}"
    )
    assert requests == [], "switching days must not ask the server"

    # Past the booking horizon the API's refusal is shown in place of the slots.
    beyond = today + timedelta(days=settings.BOOKINGS_HORIZON_DAYS + 1)
    picker.get_by_label("Дата").fill(beyond.isoformat())
    picker.get_by_role("alert").get_by_text("не дальше чем на 90 дней").wait_for()
    assert not picker.locator("li.slot").count()
    picker.get_by_label("Дата").fill((later - timedelta(days=1)).isoformat())
    picker.get_by_label("20:00–21:00 · 900 ₽").wait_for()
    assert not picker.get_by_role("alert").is_visible()

    chosen = at(later - timedelta(days=1), "20:00")
    picker.get_by_label("20:00–21:00 · 900\u00a0₽").check()
    picker.get_by_label("Длительность").select_option(label="2 ч")
    picker.get_by_role("button", name="Продолжить").click()
    page.get_by_text("Итого").wait_for()
    query = parse_qs(urlsplit(page.url).query)
    assert query["start"] == [chosen.isoformat()] and query["minutes"] == ["120"]
