"""Trust at the edges: application errors on pages, and the input every field and address refuses
(core.hygiene, core.middleware)."""

from __future__ import annotations

import datetime

import pytest
from django import forms
from django.conf import settings
from django.core import mail
from django.utils import timezone, translation
from django.utils.translation import gettext
from rest_framework import fields as drf_fields

from bookings.models import Booking
from core import hygiene
from loyalty.models import Campaign
from tests.factories import VenueFactory
from venues import services as venues_services
from venues.models import City, Invitation, Organisation


def _all_subclasses(cls):
    found = {cls}
    for sub in cls.__subclasses__():
        found |= _all_subclasses(sub)
    return found


# --- Finding 3: an ApplicationError in an HTML view is its status, never a 500 ------------------


@pytest.mark.django_db
def test_a_foreign_campaign_stopped_from_a_page_is_a_404_with_its_message(
    client, owner_a, venue_a, org_b
):
    foreign = Campaign.objects.create(name="B", venue=VenueFactory(organisation=org_b), value=2)
    client.force_login(owner_a)
    url = f"/dashboard/venues/{venue_a.pk}/campaigns/{foreign.pk}/stop/"
    before = list(Campaign.objects.values())

    response = client.post(url)
    assert response.status_code == 404
    assert "<html" in response.content.decode()
    fragment = client.post(url, headers={"HX-Request": "true"})
    assert fragment.status_code == 404
    assert "<html" not in fragment.content.decode() and 'role="alert"' in fragment.content.decode()
    with translation.override("ru"):
        assert gettext("No such campaign.") in response.content.decode()
    assert list(Campaign.objects.values()) == before


# --- Finding 4: every form and API field refuses control characters --------------------------


def test_every_form_and_api_field_class_is_guarded():
    """Every field class there is, Django's, DRF's, allauth's and ours, validates through the
    guard, so no form or serializer can take a NUL or a year 9999 to the database."""
    for field in _all_subclasses(forms.Field):
        assert getattr(field.clean, "hygienic", False), field
    for field in _all_subclasses(drf_fields.Field):
        assert getattr(field.run_validation, "hygienic", False), field


@pytest.mark.parametrize(
    ("value", "single_line", "refused"),
    [
        ("a\x00b", False, True),
        ("a\x1bb", False, True),
        ("a\u2028b", False, True),
        ("A\rB", True, True),
        ("line\nline", False, False),
        ("tab\tstop", True, False),
        ("Студия «Звук»", True, False),
    ],
)
def test_text_rules(value, single_line, refused):
    assert (hygiene.text_problem(value, single_line=single_line) is not None) is refused


@pytest.mark.django_db
def test_api_text_fields_refuse_nul_and_control_characters_on_the_field(owner_a, org_a, venue_a):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(owner_a)
    city = City.objects.first() or venue_a.city
    base = {"name": "Зал", "city": city.slug, "address": "Тверская, 1", "timezone": "Europe/Moscow"}
    url = f"/api/v1/partner/organisations/{org_a.pk}/venues/"
    before = venue_a.organisation.venues.count()

    for field, value in (("city", "a\x00b"), ("name", "A\rB"), ("address", "x\x07")):
        response = api.post(url, {**base, field: value}, format="json")
        assert response.status_code == 400, (field, response.content)
        assert response.json()["error"]["fields"][field], response.json()
    patch = api.patch(f"/api/v1/partner/venues/{venue_a.pk}/", {"city": "a\x00b"}, format="json")
    assert patch.status_code == 400 and "city" in patch.json()["error"]["fields"]
    assert venue_a.organisation.venues.count() == before

    # A description is several lines: line breaks are text there, control characters are not.
    ok = api.post(url, {**base, "description": "Первая строка\nвторая"}, format="json")
    assert ok.status_code == 201, ok.content


@pytest.mark.django_db
def test_a_form_refuses_a_line_break_in_a_name_on_the_field(client, owner_a):
    client.force_login(owner_a)
    response = client.post("/dashboard/organisations/new/", {"name": "A\rB"})
    assert response.status_code == 400
    assert str(hygiene.LINE_BREAK_MESSAGE) in response.content.decode()
    assert not Organisation.objects.filter(name__contains="\r").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/calendar/rooms/%00.ics", "/dashboard/invitations/x%00y/"])
def test_a_nul_in_an_address_is_a_400(client, owner_a, path):
    client.force_login(owner_a)
    assert client.get(path).status_code == 400
    assert client.get("/?q=a%00b").status_code == 400


# --- Finding 4: dates and numbers ------------------------------------------------------------


@pytest.mark.django_db
def test_dates_beyond_the_horizon_or_out_of_range_are_refused(
    client, client_user, owner_a, room_a, venue_a
):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(client_user)
    beyond = timezone.now().date() + datetime.timedelta(days=settings.BOOKINGS_HORIZON_DAYS + 5)

    for day in ("9999-12-31", beyond.isoformat()):
        response = api.get(f"/api/v1/rooms/{room_a.pk}/availability/", {"date": day})
        # well-formed, but out of range: a rule's refusal (core.api), 422
        assert response.status_code == 422 and "date" in response.json()["error"]["fields"]
    interval = {
        "room": room_a.pk,
        "start": "9999-12-31T10:00",
        "end": "9999-12-31T12:00",
        "payment": Booking.Payment.values[0],
    }
    for url in ("/api/v1/bookings/", "/api/v1/bookings/quote/"):
        response = api.post(url, interval, format="json")
        assert response.status_code == 422 and "start" in response.json()["error"]["fields"]

    client.force_login(client_user)
    assert client.get(f"/rooms/{room_a.pk}/book/", {"date": beyond.isoformat()}).status_code == 422
    for url in (f"/rooms/{room_a.pk}/availability/", f"/rooms/{room_a.pk}/book/"):
        assert client.get(url, {"date": "9999-12-31"}).status_code == 200  # today instead
    checkout = client.get(
        "/bookings/checkout/",
        {"room": room_a.pk, "start": "9999-12-31T10:00", "minutes": "9" * 26},
    )
    assert checkout.status_code < 500
    client.force_login(owner_a)
    calendar = client.get(f"/dashboard/venues/{venue_a.pk}/calendar/", {"date": "9999-12-31"})
    assert calendar.status_code == 200


def test_ranges():
    with pytest.raises(forms.ValidationError):
        hygiene.check_range(datetime.date(9999, 12, 31))
    with pytest.raises(forms.ValidationError):
        hygiene.check_range(10**20)
    hygiene.check_range(datetime.date(2026, 5, 1))
    assert hygiene.parse_int("9" * 26) is None and hygiene.parse_date("9999-12-31") is None


# --- Finding 4: nothing user-controlled breaks an e-mail header ------------------------------


@pytest.mark.django_db
def test_an_organisation_with_a_line_break_in_its_name_gets_its_invitation_e_mail(
    org_a, owner_a, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # A name saved before the fields refused such characters.
    Organisation.objects.filter(pk=org_a.pk).update(name="A\rB\nC\x0bD\x01E")
    org_a.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        venues_services.invitation_create(
            actor=owner_a, organisation=org_a, email="new@example.com", role="manager"
        )

    assert Invitation.objects.filter(email="new@example.com").exists()
    [message] = mail.outbox
    assert "A B C D E" in message.subject
    assert "\r" not in message.subject and "\n" not in message.subject
