"""Reusable pieces: the venue page mixin, the holiday calendar, and the admin pages."""

from __future__ import annotations

import datetime

import pytest
from django.contrib import admin
from django.http import Http404, HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.views import View

from venues import selectors
from venues.models import Holiday
from venues.partner import VenuePageMixin

pytestmark = pytest.mark.django_db


class _CalendarView(VenuePageMixin, View):
    def get(self, request):
        return HttpResponse(self.venue.name)


def test_the_venue_page_mixin_scopes_to_the_members_organisation(venue_a, owner_a, owner_b):
    request = RequestFactory().get("/dashboard/venues/x/calendar/")
    request.user = owner_a
    assert _CalendarView.as_view()(request, venue_id=venue_a.pk).content.decode() == venue_a.name
    request.user = owner_b
    with pytest.raises(Http404):
        _CalendarView.as_view()(request, venue_id=venue_a.pk)


def test_a_holiday_of_the_calendar_turns_a_date_into_a_holiday():
    friday = datetime.date(2026, 6, 12)  # День России falls on a Friday in 2026
    assert selectors.day_type_for(friday) == "friday"
    Holiday.objects.create(date=friday, name="День России")
    assert selectors.day_type_for(friday) == "holiday"
    assert selectors.day_type_for(datetime.date(2026, 6, 13)) == "saturday"
    assert selectors.day_type_for(datetime.date(2026, 6, 15)) == "weekday"


def test_every_venues_admin_page_renders(client, staff_user, room_a, org_a_objects):
    client.force_login(staff_user)
    models = [m for m in admin.site._registry if m._meta.app_label == "venues"]
    assert len(models) == 11
    for model in models:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        assert client.get(reverse(f"{prefix}_changelist"), {"q": "а"}).status_code == 200
        assert client.get(reverse(f"{prefix}_add")).status_code == 200
        obj = model.objects.first()
        if obj is not None:
            url = reverse(f"{prefix}_change", args=[obj.pk])
            assert client.get(url).status_code == 200, url
