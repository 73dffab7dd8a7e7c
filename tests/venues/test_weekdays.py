"""Weekdays read as names («пн–пт, вс») on the points rules table, campaigns and admin."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from loyalty.models import Campaign
from venues.models import PointsRule
from venues.weekdays import weekdays_label


@pytest.mark.parametrize(
    ("days", "ru", "en"),
    [
        ([0, 1, 2, 3, 4], "пн–пт", "Mon–Fri"),
        ([5, 6], "сб, вс", "Sat, Sun"),
        ([0, 2, 3, 4, 6], "пн, ср–пт, вс", "Mon, Wed–Fri, Sun"),
        ([3], "чт", "Thu"),
        (list(range(7)), "каждый день", "every day"),
        ([], "", ""),
    ],
)
def test_weekdays_label(days, ru, en):
    with translation.override("ru"):
        assert weekdays_label(days) == ru
    with translation.override("en"):
        assert weekdays_label(days) == en


@pytest.mark.django_db
def test_points_rules_table_names_the_weekdays(client, owner_a, venue_a):
    PointsRule.objects.create(venue=venue_a, weekdays=[0, 1, 2, 3, 4], percent=50)
    PointsRule.objects.create(venue=venue_a, weekdays=[5, 6], percent=5)
    client.force_login(owner_a)
    html = client.get(f"/dashboard/venues/{venue_a.pk}/points/").content.decode()
    assert "<td>пн–пт</td>" in html and "<td>сб, вс</td>" in html
    assert "0, 1, 2" not in html


@pytest.mark.django_db
def test_campaigns_list_and_admin_name_the_weekdays(client, owner_a, staff_user, venue_a):
    Campaign.objects.create(venue=venue_a, name="Выходные", value=Decimal("2"), weekdays=[5, 6])
    client.force_login(owner_a)
    html = client.get(f"/dashboard/venues/{venue_a.pk}/campaigns/").content.decode()
    assert "(сб, вс)" in html and "(5, 6)" not in html
    client.force_login(staff_user)
    listing = client.get("/admin/loyalty/campaign/").content.decode()
    assert "сб, вс" in listing
    campaign = Campaign.objects.get()
    form = client.get(f"/admin/loyalty/campaign/{campaign.pk}/change/").content.decode()
    assert 'type="checkbox" name="weekdays" value="5"' in form and "5,6" not in form
