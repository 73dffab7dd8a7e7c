"""Reusable pieces: the venue page mixin and the holiday calendar."""

from __future__ import annotations

import datetime

import pytest
from django.http import Http404, HttpResponse
from django.test import RequestFactory
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
