"""Staff review of venues: a new organisation's venues wait, staff approve or reject them with a
reason in admin, the owner is e-mailed and sees the state on the dashboard and in the API."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from core.errors import ApplicationError, PermissionDenied
from core.models import AuditLog
from tests.factories import CityFactory, MembershipFactory, OrganisationFactory
from venues import services
from venues.models import Venue

pytestmark = pytest.mark.django_db


def _new_venue(actor, organisation, name="Фейковая база") -> Venue:
    return services.venue_create(
        actor=actor,
        organisation=organisation,
        name=name,
        city=CityFactory(),
        address="ул. Ленина, 1",
    )


@pytest.fixture
def newcomer():
    """A client who just registered a business: an organisation with no venue yet."""
    return MembershipFactory(
        organisation=OrganisationFactory(name="Новички"), user__email="new@example.com"
    ).user


def test_a_new_organisations_venue_waits_and_a_trusted_ones_goes_live(
    newcomer, org_a, owner_a, venue_a
):
    organisation = newcomer.memberships.get().organisation
    first = _new_venue(newcomer, organisation)
    second = _new_venue(newcomer, organisation, name="Ещё одна")
    assert (first.moderation, second.moderation) == ("pending", "pending")
    assert not Venue.objects.public().filter(organisation=organisation).exists()
    # Organisation A already has an approved venue: its next one needs no review.
    assert _new_venue(owner_a, org_a).moderation == "approved"


def test_staff_approve_and_reject_with_a_reason_audited_and_mailed(
    newcomer, staff_user, mailoutbox, django_capture_on_commit_callbacks
):
    venue = _new_venue(newcomer, newcomer.memberships.get().organisation)
    with pytest.raises(PermissionDenied):
        services.venue_approve(actor=newcomer, venue=venue)
    with pytest.raises(ApplicationError, match="Say why"):
        services.venue_reject(actor=staff_user, venue=venue, reason="  ")

    with django_capture_on_commit_callbacks(execute=True):
        services.venue_reject(actor=staff_user, venue=venue, reason="Адрес не существует")
    venue.refresh_from_db()
    assert (venue.moderation, venue.moderation_reason) == ("rejected", "Адрес не существует")
    assert venue.moderated_by == staff_user and venue.moderated_at is not None
    entry = AuditLog.objects.get(action="venue.reject")
    assert entry.after == {"moderation": "rejected", "moderation_reason": "Адрес не существует"}
    assert mailoutbox[-1].to == ["new@example.com"]
    assert "Адрес не существует" in mailoutbox[-1].body

    with django_capture_on_commit_callbacks(execute=True):
        services.venue_approve(actor=staff_user, venue=venue)
    assert Venue.objects.public().filter(pk=venue.pk).exists()
    assert AuditLog.objects.filter(action="venue.approve").count() == 1
    assert len(mailoutbox) == 2 and venue.name in mailoutbox[-1].subject


def test_staff_review_the_queue_in_admin(
    client, staff_user, newcomer, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(staff_user)
    client.cookies["django_language"] = "en"
    organisation = newcomer.memberships.get().organisation
    good, fake = _new_venue(newcomer, organisation, "Хорошая"), _new_venue(newcomer, organisation)
    changelist = reverse("admin:venues_venue_changelist")
    queue = client.get(changelist, {"moderation__exact": "pending"})
    assert {v.pk for v in queue.context["cl"].result_list} == {good.pk, fake.pk}

    with django_capture_on_commit_callbacks(execute=True):
        client.post(changelist, {"action": "approve", "_selected_action": [good.pk]})
    # Rejecting asks for the reason first; nothing changes until it is given.
    page = client.post(changelist, {"action": "reject", "_selected_action": [fake.pk]})
    assert page.status_code == 200 and "Reason" in page.content.decode()
    fake.refresh_from_db()
    assert fake.moderation == "pending"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            changelist,
            {"action": "reject", "_selected_action": [fake.pk], "apply": "1", "reason": "Фейк"},
        )
    good.refresh_from_db(), fake.refresh_from_db()
    assert (good.moderation, fake.moderation, fake.moderation_reason) == (
        "approved",
        "rejected",
        "Фейк",
    )
    assert len(mailoutbox) == 2


def test_the_owner_sees_the_review_state_on_the_dashboard_and_in_the_api(
    client, newcomer, staff_user
):
    organisation = newcomer.memberships.get().organisation
    venue = _new_venue(newcomer, organisation)
    client.force_login(newcomer)
    client.cookies["django_language"] = "en"
    assert "awaiting review" in client.get(reverse("dashboard:index")).content.decode()
    page = client.get(reverse("dashboard:venue", args=[venue.pk])).content.decode()
    assert "awaiting review" in page and "Public page" not in page

    services.venue_reject(actor=staff_user, venue=venue, reason="Нет фотографий")
    assert "rejected: Нет фотографий" in client.get(reverse("dashboard:index")).content.decode()
    api = APIClient()
    api.force_authenticate(newcomer)
    listed = api.get("/api/v1/partner/venues/").data
    listed = listed["results"] if isinstance(listed, dict) else listed
    assert [(v["moderation"], v["moderation_reason"]) for v in listed] == [
        ("rejected", "Нет фотографий")
    ]


def test_the_demo_venues_are_approved(db):
    from django.core.management import call_command

    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Venue.objects.exists()
    assert Venue.objects.public().count() == Venue.objects.filter(is_published=True).count()
