"""Gate: every admin page of the registry opens for staff, whatever they search or filter by.

Iterates `admin.site._registry` (a model registered tomorrow is covered without touching this
file) over the demo data plus one row of each model the demo leaves empty, so each search and
filter runs against rows. A search or filter value a person could type (a NUL byte, 10 000
characters, letters where a number is stored, a number past bigint) gets a page, never a 500.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.db import models, transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)
from rest_framework.authtoken.models import Token

from accounts.models import User
from bookings.models import Booking, Payment, Review
from core.models import OutboxMessage
from core.services import audit_record
from loyalty.models import ClientTier, ExpiryReminder, HolidayGrant, Tier
from referrals.models import InviteCode, Referral
from tests.factories import UserFactory
from venues.models import Invitation, ScheduleException, Venue

pytestmark = pytest.mark.django_db

# Django splits a search into words and ANDs them, so one query carries every hostile word.
SEARCHES = [
    "1",
    " ".join(["not-a-number", "99999999999999999999999", "-1'\"%_\\", "x" * 10_000]),
]
# Typed by hand into a filter's parameter: a number past bigint.
FILTER_VALUE = "99999999999999999999999"
# A NUL anywhere in an address is refused before any view (core.middleware.InputHygieneMiddleware).
NUL = "a\x00b"


def _fill_what_the_demo_leaves_empty() -> None:
    """One row of each registered model the demo does not create, so its filters have rows."""
    client = User.objects.get(email="client@example.com")
    owner = User.objects.get(email="owner@example.com")
    staff = User.objects.get(email="staff@example.com")
    friend = UserFactory(email="friend@example.com")
    venue = Venue.objects.order_by("pk").first()
    booking = Booking.objects.filter(user=client).order_by("pk").first()
    now = timezone.now()
    Group.objects.create(name="Поддержка")
    Token.objects.create(user=client)
    every_hour = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.HOURS)
    CrontabSchedule.objects.create(minute="0", hour="3")
    SolarSchedule.objects.create(event="sunrise", latitude=Decimal("55.75"), longitude=37)
    ClockedSchedule.objects.create(clocked_time=now)
    PeriodicTask.objects.create(name="demo", task="core.email_send", interval=every_hour)
    audit_record(actor=staff, action="venue.update", obj=venue, before={"a": 1}, after={"a": 2})
    Invitation.objects.create(
        organisation=venue.organisation, email="new@example.com", role="manager",
        token="t" * 40, invited_by=owner,
    )  # fmt: skip
    ScheduleException.objects.create(venue=venue, date=datetime.date(2030, 1, 1), note="ремонт")
    Review.objects.create(booking=booking, room=booking.room, user=client, rating=5, comment="ок")
    ExpiryReminder.objects.create(
        user=client, expires_on=now.date(), points=100, created_at=now
    )  # fmt: skip
    ClientTier.objects.create(user=client, tier=Tier.objects.first(), since=now, updated_at=now)
    HolidayGrant.objects.create(
        name="8 марта", holiday_date=datetime.date(2030, 3, 8),
        grant_date=datetime.date(2030, 3, 5), amount=300,
    )  # fmt: skip
    InviteCode.objects.create(user=client, code="ANNA2030")
    Referral.objects.create(inviter=client, invitee=friend, code="ANNA2030")
    EmailAddress.objects.get_or_create(user=friend, email=friend.email)
    Payment.objects.create(
        booking=booking, provider="test", amount=Decimal("1.00"), status=Payment.Status.REFUND_DUE
    )
    seen = {"ip_address": "203.0.113.7", "username": client.email, "user_agent": "curl",
            "http_accept": "*/*", "path_info": "/api/v1/auth/token/"}  # fmt: skip
    AccessAttempt.objects.create(**seen, get_data="", post_data="", failures_since_start=5)
    AccessFailureLog.objects.create(**seen, locked_out=True)
    AccessLog.objects.create(**seen)
    OutboxMessage.objects.create(task="core.email_send", args=[], available_at=now)


@pytest.fixture(scope="module")
def rows(django_db_setup, django_db_blocker):
    """The demo and the fill, made once for this module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", stdout=StringIO())
        _fill_what_the_demo_leaves_empty()
        empty = [m._meta.label for m in admin.site._registry if not m._default_manager.exists()]
        assert not empty, f"give the admin gate rows of {empty} (the demo or the fill above)"
        yield
        transaction.set_rollback(True)


def _superuser() -> User:
    return User.objects.get(email="staff@example.com")


def _viewer() -> User:
    """Staff who may only look: every model's view permission, nothing else."""
    user = UserFactory(email="viewer@example.com", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__startswith="view_"))
    return user


PERSONAS = {"superuser": _superuser, "viewer": _viewer}


def _signed_in(user: User) -> Client:
    browser = Client()
    browser.force_login(user)
    browser.cookies["django_language"] = "en"
    return browser


def _url(model: type[models.Model], view: str, *args: object) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _opens(browser: Client, url: str, data: dict[str, str] | None = None) -> HttpResponse:
    response = browser.get(url, data)
    # A filter value admin cannot use sends staff back to the list with "?e=1": not a failure.
    assert response.status_code in (200, 302), (url, data and str(data)[:80])
    if response.status_code == 302:
        assert "e=1" in response["Location"], (url, response["Location"])
    return response


def test_every_changelist_opens_with_any_search_and_every_filter(rows):
    staff = _signed_in(_superuser())
    for model, model_admin in admin.site._registry.items():
        changelist = _url(model, "changelist")
        response = staff.get(changelist)
        assert response.status_code == 200, changelist
        for query in SEARCHES if model_admin.search_fields else ():
            _opens(staff, changelist, {"q": query})
        assert staff.get(changelist, {"q": NUL}).status_code == 400, changelist
        for spec in response.context["cl"].filter_specs:
            for choice in spec.choices(response.context["cl"]):
                _opens(staff, changelist + choice["query_string"])
            for parameter in spec.expected_parameters():
                _opens(staff, changelist, {parameter: FILTER_VALUE})
                assert staff.get(changelist, {parameter: NUL}).status_code == 400, parameter


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_change_and_add_page_opens(rows, persona):
    staff = _signed_in(PERSONAS[persona]())
    for model, model_admin in admin.site._registry.items():
        changelist = _url(model, "changelist")
        response = staff.get(changelist, {"q": SEARCHES[-1]})
        assert response.status_code == 200, changelist
        obj = model._default_manager.order_by("pk").first()
        change = _url(model, "change", obj.pk)
        assert staff.get(change).status_code == 200, change
        add = _url(model, "add")
        expected = 200 if model_admin.has_add_permission(response.wsgi_request) else 403
        assert staff.get(add).status_code == expected, add
