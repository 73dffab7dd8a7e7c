"""Every public and partner page of venues fits a 390 px phone: nothing is wider than the screen."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from tests.factories import MembershipFactory, PriceFactory
from venues.models import Photo, ScheduleException
from venues.services import room_price_from_refresh

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def _log_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def test_every_venues_page_fits_a_390_px_phone(page, live_server, owner_a, manager_a, room_a):
    venue = room_a.venue
    venue.name = "Репетиционная база «Громкая Связь» на Нижней Сыромятнической"
    venue.save()
    PriceFactory(room=room_a, day_type="friday", starts=datetime.time(17), ends=datetime.time(2))
    MembershipFactory(organisation=venue.organisation, role="administrator")
    ScheduleException.objects.create(
        venue=venue,
        date=timezone.localdate() + datetime.timedelta(days=3),
        is_closed=False,
        opens=datetime.time(12),
        closes=datetime.time(0),
        note="Предпраздничный день, закрываемся в полночь",
    )
    room_price_from_refresh(room_id=room_a.pk)
    price = room_a.prices.first()
    photo = Photo.objects.create(venue=venue, image="photos/none.png")
    assert photo.pk
    organisation = venue.organisation
    v, r = venue.pk, room_a.pk
    public = ["/", f"/venues/{v}/", f"/rooms/{r}/"]
    dashboard = [
        "/dashboard/",
        "/dashboard/organisations/new/",
        f"/dashboard/organisations/{organisation.pk}/team/",
        f"/dashboard/organisations/{organisation.pk}/venues/new/",
        f"/dashboard/venues/{v}/",
        f"/dashboard/venues/{v}/edit/",
        f"/dashboard/venues/{v}/hours/",
        f"/dashboard/venues/{v}/exceptions/",
        f"/dashboard/venues/{v}/photos/",
        f"/dashboard/venues/{v}/rooms/",
        f"/dashboard/venues/{v}/rooms/new/",
        f"/dashboard/venues/{v}/rooms/{r}/",
        f"/dashboard/venues/{v}/rooms/{r}/edit/",
        f"/dashboard/venues/{v}/rooms/{r}/prices/{price.pk}/",
    ]
    page.set_viewport_size(PHONE)
    too_wide = {}

    def measure(url: str) -> None:
        response = page.goto(url)
        assert response.status == 200, url
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            too_wide[url] = width

    for url in public:
        measure(url)
    _log_in(page, live_server, owner_a)
    for url in dashboard:
        measure(url)
    assert too_wide == {}


def test_the_opening_hours_card_is_not_squeezed_on_a_desktop_room_page(page, room_a):
    room_price_from_refresh(room_id=room_a.pk)
    page.goto(f"/rooms/{room_a.pk}/")
    card = page.locator("section.card", has=page.get_by_role("heading", name="Часы работы"))
    table = card.locator("table.hours")
    card_box, table_box = card.bounding_box(), table.bounding_box()
    assert table_box["x"] + table_box["width"] <= card_box["x"] + card_box["width"]
    assert card_box["width"] >= 320


def test_the_exception_form_hides_the_times_of_a_closed_day(page, live_server, owner_a, venue_a):
    _log_in(page, live_server, owner_a)
    page.goto(f"/dashboard/venues/{venue_a.pk}/exceptions/")
    closed = page.locator("#id_is_closed")
    closed.check()
    assert not page.locator("#id_opens").is_visible()
    closed.uncheck()
    assert page.locator("#id_opens").is_visible() and page.locator("#id_closes").is_visible()
