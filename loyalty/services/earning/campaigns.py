"""Campaigns: extra cashback for matching bookings, funded by a venue or by the platform."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, TypedDict, cast

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.errors import ApplicationError
from core.services import audit_record
from loyalty.models import Campaign
from venues.models import City, Room, Venue

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class CampaignValues(TypedDict, total=False):
    """A campaign as the dashboard, the partner API and admin send it."""

    name: str
    kind: str
    value: Decimal | str | int
    date_from: date | None
    date_to: date | None
    weekdays: list[int]
    time_from: time | None
    time_to: time | None
    city: City | None
    room_kind: str
    min_amount: Decimal | None
    is_active: bool


FIELDS = (
    "name",
    "kind",
    "value",
    "date_from",
    "date_to",
    "weekdays",
    "time_from",
    "time_to",
    "city",
    "room_kind",
    "min_amount",
    "is_active",
)


def _value_errors(values: CampaignValues) -> dict[str, StrOrPromise]:
    errors: dict[str, StrOrPromise] = {}
    try:
        value: Decimal | None = Decimal(str(values.get("value")))
    except (InvalidOperation, TypeError, ValueError):
        value = None
    kind = values.get("kind") or Campaign.Kind.EXTRA_PERCENT
    if kind not in Campaign.Kind.values:
        errors["kind"] = _("Choose an extra percent or a multiplier.")
    if value is None or not value.is_finite() or not Decimal("0") < value <= Decimal("15"):
        errors["value"] = _("Enter a value above 0 and at most 15.")
    elif kind == Campaign.Kind.MULTIPLIER and value <= 1:
        errors["value"] = _("A multiplier must be greater than 1.")
    return errors


def _errors(values: CampaignValues) -> dict[str, StrOrPromise]:
    errors = _value_errors(values)
    if not str(values.get("name") or "").strip():
        errors["name"] = _("Name the campaign.")
    date_from, date_to = values.get("date_from"), values.get("date_to")
    if date_from and date_to and date_to < date_from:
        errors["date_to"] = _("The end date cannot be before the start date.")
    weekdays = values.get("weekdays") or []
    if not isinstance(weekdays, list) or any(
        isinstance(d, bool) or not isinstance(d, int) or not 0 <= d <= 6 for d in weekdays
    ):
        errors["weekdays"] = _("Weekdays are numbers from 0 (Monday) to 6 (Sunday).")
    time_from, time_to = values.get("time_from"), values.get("time_to")
    if (time_from is None) != (time_to is None) or (time_from is not None and time_from == time_to):
        errors["time_to"] = _("Give both times of the band, and different ones.")
    if (values.get("room_kind") or "") not in ("", *Room.Kind.values):
        errors["room_kind"] = _("Choose a room type.")
    minimum = values.get("min_amount")
    if minimum is not None and minimum < 0:
        errors["min_amount"] = _("The minimum amount cannot be negative.")
    return errors


def _check(values: CampaignValues) -> None:
    errors = _errors(values)
    if errors:
        raise ApplicationError(_("Check the campaign."), fields=errors)


def _snapshot(campaign: Campaign) -> dict[str, object]:
    return {name: str(getattr(campaign, name)) for name in FIELDS}


def campaign_create(*, venue: Venue | None, actor: User, values: CampaignValues) -> Campaign:
    """A campaign: a venue's own (venue-funded extra cashback) or, with no venue, the
    platform's (staff, from admin). Validated, audited."""
    _check(values)
    given = {
        name: value for name, value in dict(values).items() if name in FIELDS and value is not None
    }
    with transaction.atomic():
        campaign = Campaign.objects.create(venue=venue, created_by=actor, **given)
        audit_record(actor=actor, action="campaign.create", obj=campaign, after=_snapshot(campaign))
    return campaign


def campaign_update(*, campaign: Campaign, actor: User, values: CampaignValues) -> Campaign:
    """Change a campaign's terms, or pause and resume it (staff, from admin); the terms it ends
    up with are validated; audited."""
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        current = {name: getattr(campaign, name) for name in FIELDS}
        _check(cast(CampaignValues, {**current, **values}))
        before = _snapshot(campaign)
        for name, value in dict(values).items():
            if name in FIELDS:
                setattr(campaign, name, value)
        campaign.save()
        audit_record(
            actor=actor,
            action="campaign.update",
            obj=campaign,
            before=before,
            after=_snapshot(campaign),
        )
    return campaign


def campaign_stop(*, campaign: Campaign, actor: User) -> Campaign:
    """Stop a campaign (it stays listed, inactive); stopping twice changes nothing."""
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.is_active:
            campaign.is_active = False
            campaign.save(update_fields=["is_active"])
            audit_record(
                actor=actor,
                action="campaign.stop",
                obj=campaign,
                before={"is_active": True},
                after={"is_active": False},
            )
    return campaign
