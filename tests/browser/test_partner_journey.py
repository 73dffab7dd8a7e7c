"""An owner signs up as a partner, builds a venue open 10:00–02:00 with an evening price, and
the room then shows in the public search with its price."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from tests.factories import CityFactory, UserFactory
from venues.models import Venue
from venues.services import venue_approve

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_partner_signs_up_builds_a_venue_and_finds_it_in_the_catalogue(page):
    CityFactory(name="Москва", slug="moscow", timezone="Europe/Moscow")

    page.goto("/")
    page.get_by_role("link", name="Для площадок").click()
    page.get_by_role("link", name="Стать партнёром").click()
    page.get_by_label("Адрес электронной почты").fill("boss@example.com")
    page.get_by_label("Имя").fill("Олег Басов")
    page.get_by_label("Пароль", exact=False).first.fill("Rehearsal-Room-2026")
    page.get_by_label("Пароль (ещё раз)").fill("Rehearsal-Room-2026")
    page.get_by_role("button", name="Зарегистрироваться").click()
    page.wait_for_url("**/accounts/confirm-email/")
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Подтвердить").click()

    # The business, then the venue.
    page.goto("/dashboard/")
    page.get_by_label("Название бизнеса").fill("Звук и Ко")
    page.get_by_role("button", name="Создать").click()
    page.get_by_text("Бизнес зарегистрирован").wait_for()
    page.locator("#id_name").fill("Репбаза «Полночь»")
    page.locator("#id_city").select_option(label="Москва")
    page.locator("#id_address").fill("ул. Бауманская, 7")
    page.locator("#id_metro").fill("Бауманская")
    page.get_by_role("button", name="Сохранить").click()

    # Hours 10:00–02:00 on Monday, copied to every day.
    page.get_by_text("Объект создан").wait_for()
    page.locator("#id_open_0").check()
    page.locator("#id_opens_0").fill("10:00")
    page.locator("#id_closes_0").fill("02:00")
    page.get_by_role("button", name="Как в понедельник — на все дни").click()
    page.get_by_role("button", name="Сохранить часы").click()
    page.get_by_text("Часы работы сохранены").wait_for()

    # A room with an evening price past midnight.
    page.get_by_role("link", name="Залы и цены").click()
    page.get_by_role("link", name="Добавить зал").click()
    page.locator("#id_name").fill("Большой зал")
    page.locator("#id_kind").select_option("rehearsal")
    page.locator("#id_capacity").fill("6")
    page.locator("#id_equipment").fill("Marshall JCM800\nPearl Export")
    page.get_by_role("button", name="Сохранить зал").click()
    page.get_by_text("Зал создан").wait_for()
    page.locator("#id_day_type").select_option("weekday")
    page.locator("#id_starts").fill("18:00")
    page.locator("#id_ends").fill("02:00")
    page.locator("#id_price_per_hour").fill("1200")
    page.get_by_role("button", name="Добавить цену").click()
    page.get_by_text("Цена добавлена").wait_for()
    assert page.locator(".price-table").get_by_text("18:00–02:00").is_visible()

    # A band outside the hours is refused with a clear message.
    page.locator("#id_day_type").select_option("friday")
    page.locator("#id_starts").fill("08:00")
    page.locator("#id_ends").fill("11:00")
    page.locator("#id_price_per_hour").fill("500")
    page.get_by_role("button", name="Добавить цену").click()
    page.get_by_text("выходит за часы работы").wait_for()

    room_page = page.url
    page.get_by_role("button", name="Подтвердить расписание").click()
    page.get_by_text("расписание отмечено как актуальное").wait_for()
    assert page.url == room_page  # back on the page the button was pressed on
    assert Venue.objects.get(name="Репбаза «Полночь»").schedule_confirmed_at is not None

    # A new business's venue waits for staff before clients can find it.
    page.goto("/dashboard/")
    assert page.get_by_text("на проверке").first.is_visible()
    venue = Venue.objects.get(name="Репбаза «Полночь»")
    assert not Venue.objects.public().filter(pk=venue.pk).exists()
    venue_approve(actor=UserFactory(is_staff=True), venue=venue)

    # The public search finds the room with its price.
    page.goto("/")
    page.locator("#id_city").select_option(label="Москва")
    page.locator("#id_kind").select_option("rehearsal")
    page.get_by_role("button", name="Найти").click()
    card = page.locator(".room-card", has_text="Большой зал")
    card.wait_for()
    assert "Репбаза «Полночь»" in card.inner_text()
    assert "1\u00a0200\u00a0₽" in card.inner_text()
    card.get_by_role("link", name="Большой зал").click()
    page.get_by_text("с 10:00 до 02:00 следующего дня").first.wait_for()
    assert page.get_by_text("Marshall JCM800").is_visible()
