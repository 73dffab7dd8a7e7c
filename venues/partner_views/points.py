"""The dashboard page "Points and cashback" of a venue: settings, room overrides, period rules."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from core.errors import ApplicationError
from core.forms import add_application_error
from venues import selectors, services
from venues.forms import PointsRuleForm, VenueLoyaltyForm
from venues.models import EDITORS, Venue
from venues.partner import PartnerRequest, venue_page
from venues.partner_views.base import render_page


def _context(venue: Venue, **extra) -> dict:
    now = timezone.now()
    return {
        "venue": venue,
        "rooms": venue.rooms.order_by("name"),
        "rules": selectors.points_rules_for_venue(venue),
        "preview": selectors.points_preview(venue, now=now),
        "accepts_now": venue.accepts_points_now(now),
        **extra,
    }


def _settings_form(venue: Venue, data=None) -> VenueLoyaltyForm:
    initial = {name: getattr(venue, name) for name in services.VENUE_LOYALTY_FIELDS}
    return VenueLoyaltyForm(data, initial=initial)


@venue_page(write_roles=EDITORS)
def points(request: PartnerRequest, venue: Venue) -> HttpResponse:
    """Read for every member; owners and managers save the settings (others get 403)."""
    form = _settings_form(venue, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.venue_loyalty_update(actor=request.user, venue=venue, **form.cleaned_data)
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, _("Points settings saved."))
            return redirect("dashboard:points", venue_id=venue.pk)
    context = _context(venue, form=form, rule_form=PointsRuleForm(venue=venue))
    return render_page(
        request,
        "dashboard/points.html",
        context,
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@venue_page(roles=EDITORS)
def room_points(request: PartnerRequest, venue: Venue, room_id: int) -> HttpResponse:
    room = get_object_or_404(venue.rooms, pk=room_id)
    value = request.POST.get("max_points_percent", "").strip()
    try:
        percent = int(value) if value else None
        services.room_loyalty_update(actor=request.user, room=room, max_points_percent=percent)
    except (ValueError, ApplicationError):
        messages.error(request, _("The share is from 0 to 100%."))
    else:
        messages.success(request, _("Room share saved."))
    return redirect("dashboard:points", venue_id=venue.pk)


@require_POST
@venue_page(roles=EDITORS)
def points_rule_create(request: PartnerRequest, venue: Venue) -> HttpResponse:
    rule_form = PointsRuleForm(request.POST, venue=venue)
    if rule_form.is_valid():
        try:
            services.points_rule_create(actor=request.user, venue=venue, **rule_form.cleaned_data)
        except ApplicationError as error:
            add_application_error(rule_form, error)
        else:
            messages.success(request, _("Rule added."))
            return redirect("dashboard:points", venue_id=venue.pk)
    context = _context(venue, form=_settings_form(venue), rule_form=rule_form)
    return render_page(request, "dashboard/points.html", context, status=400)


@require_POST
@venue_page(roles=EDITORS)
def points_rule_delete(request: PartnerRequest, venue: Venue, rule_id: int) -> HttpResponse:
    rule = get_object_or_404(venue.points_rules, pk=rule_id)
    services.points_rule_delete(actor=request.user, rule=rule)
    messages.success(request, _("Rule deleted."))
    return redirect("dashboard:points", venue_id=venue.pk)
