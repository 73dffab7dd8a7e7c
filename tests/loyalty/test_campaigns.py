"""Venue campaigns: owners and managers start and stop them (page and API); bad input → 400."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from loyalty.models import Campaign
from tests.factories import MembershipFactory


def api_for(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


@pytest.mark.django_db
def test_owner_starts_lists_and_stops_a_campaign_through_the_api(owner_a, room_a):
    venue = room_a.venue
    api = api_for(owner_a)
    url = f"/api/v1/partner/venues/{venue.pk}/campaigns/"
    created = api.post(
        url,
        {
            "name": "Счастливые часы",
            "kind": "extra_percent",
            "value": "3",
            "weekdays": [0, 1],
            "time_from": "10:00",
            "time_to": "16:00",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    campaign = Campaign.objects.get(pk=created.json()["id"])
    assert campaign.venue == venue and campaign.created_by == owner_a
    listed = api.get(url).json()
    assert [row["name"] for row in listed] == ["Счастливые часы"]
    stopped = api.post(f"{url}{campaign.pk}/stop/")
    assert stopped.status_code == 200 and stopped.json()["is_active"] is False


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body, field",
    [
        ({"name": "x", "value": "0"}, "value"),
        ({"name": "x", "value": "16"}, "value"),
        ({"name": "x", "value": "1", "kind": "multiplier"}, "value"),
        ({"name": "x", "value": "2", "weekdays": [7]}, "weekdays"),
        ({"name": "x", "value": "2", "weekdays": []}, "weekdays"),
        (
            {"name": "x", "value": "2", "date_from": "2030-02-01", "date_to": "2030-01-01"},
            "date_to",
        ),
        ({"name": "x", "value": "2", "time_from": "10:00"}, "time_to"),
        ({"name": "", "value": "2"}, "name"),
        ({"name": "x", "value": "2", "kind": "bogus"}, "kind"),
        ({"name": "x", "value": "2", "room_kind": "garage"}, "room_kind"),
    ],
)
def test_bad_campaigns_are_a_400_naming_the_field_and_nothing_is_created(
    owner_a, room_a, body, field
):
    response = api_for(owner_a).post(
        f"/api/v1/partner/venues/{room_a.venue.pk}/campaigns/", body, format="json"
    )
    assert response.status_code in (400, 422)  # a broken schema; a rule's refusal
    assert any(name.split(".")[0] == field for name in response.json()["error"]["fields"])
    assert not Campaign.objects.exists()


@pytest.mark.django_db
def test_administrators_cannot_manage_campaigns_and_other_organisations_get_404(
    org_a, room_a, owner_b
):
    administrator = MembershipFactory(organisation=org_a, role="administrator").user
    url = f"/api/v1/partner/venues/{room_a.venue.pk}/campaigns/"
    assert api_for(administrator).post(url, {"name": "x", "value": "2"}).status_code == 403
    assert api_for(administrator).get(url).status_code == 200  # reading is for every member
    assert api_for(owner_b).get(url).status_code == 404


@pytest.mark.django_db
def test_dashboard_page_creates_and_stops_a_campaign(client, manager_a, room_a):
    venue = room_a.venue
    client.force_login(manager_a)
    url = f"/dashboard/venues/{venue.pk}/campaigns/"
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(
        url, {"name": "Ночной", "kind": "multiplier", "value": "2", "weekdays": ["4", "5"]}
    )
    assert response.status_code == 302
    campaign = Campaign.objects.get(venue=venue)
    assert campaign.weekdays == [4, 5] and campaign.value == Decimal("2")
    bad = client.post(url, {"name": "Плохой", "kind": "extra_percent", "value": "40"})
    assert bad.status_code == 400 and Campaign.objects.count() == 1
    client.post(f"{url}{campaign.pk}/stop/")
    campaign.refresh_from_db()
    assert not campaign.is_active
    assert "Ночной" in client.get(url).content.decode()


@pytest.mark.django_db
def test_my_points_page_and_api_show_the_tier_and_what_the_next_needs(client, client_user):
    from loyalty.models import ClientTier, Tier

    silver = Tier.objects.get(name="Серебро")
    ClientTier.objects.create(
        user=client_user, tier=silver, since="2026-01-01T00:00Z", updated_at="2026-01-01T00:00Z"
    )
    api = api_for(client_user)
    tier = api.get("/api/v1/me/points/").json()["tier"]
    assert tier["name"] == "Серебро" and tier["cashback_percent"] == "2.00"
    assert tier["keeps"] is False
    assert tier["next"]["name"] == "Золото"
    assert tier["next"]["money_to_next"] == "100000.00"
    assert tier["next"]["sessions_to_next"] == 50
    client.force_login(client_user)
    page = client.get("/me/points/").content.decode()
    assert "Серебро" in page and "Золото" in page
