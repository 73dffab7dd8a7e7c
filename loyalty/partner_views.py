"""Partner pages of loyalty: a venue's cashback campaigns (owners and managers) and its
economics. Venues are resolved by venues.partner (another organisation's member gets 404)."""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.http import SignedInRequest
from core.errors import ApplicationError
from core.forms import add_application_error
from loyalty import selectors, services
from loyalty.models import Campaign
from venues.models import EDITORS, Room, Venue
from venues.partner import venue_page
from venues.weekdays import weekdays_form_field


class CampaignForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Campaign name"), max_length=200)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Campaign.Kind.choices)
    value = forms.DecimalField(
        label=gettext_lazy("Value"),
        max_digits=5,
        decimal_places=2,
        help_text=gettext_lazy("Extra percentage points, or a multiplier such as 2."),
    )
    date_from = forms.DateField(label=gettext_lazy("From"), required=False)
    date_to = forms.DateField(label=gettext_lazy("To"), required=False)
    weekdays = weekdays_form_field(short=True)
    time_from = forms.TimeField(label=gettext_lazy("From time"), required=False)
    time_to = forms.TimeField(label=gettext_lazy("To time"), required=False)
    room_kind = forms.ChoiceField(
        label=gettext_lazy("Room type"),
        choices=[("", gettext_lazy("any")), *Room.Kind.choices],
        required=False,
    )
    min_amount = forms.DecimalField(
        label=gettext_lazy("Minimum amount, ₽"), max_digits=12, decimal_places=2, required=False
    )


@venue_page(roles=EDITORS)
def campaigns(request: SignedInRequest, venue: Venue) -> HttpResponse:
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            values = cast(services.CampaignValues, form.cleaned_data)
            services.campaign_create(venue=venue, actor=request.user, values=values)
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, _("The campaign is running."))
            return redirect("loyalty:dashboard-campaigns", venue_id=venue.pk)
    return render(
        request,
        "loyalty/dashboard/campaigns.html",
        {
            "venue": venue,
            "campaigns": selectors.venue_campaigns(venue=venue),
            "form": form,
            "boost": venue.cashback_boost_percent,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@venue_page(roles=EDITORS)
def campaign_stop(request: SignedInRequest, venue: Venue, campaign_id: int) -> HttpResponse:
    campaign = selectors.campaign_for_member(
        user=request.user, venue_id=venue.pk, campaign_id=campaign_id, roles=EDITORS
    )
    services.campaign_stop(campaign=campaign, actor=request.user)
    messages.success(request, _("The campaign is stopped."))
    return redirect("loyalty:dashboard-campaigns", venue_id=venue.pk)


@venue_page()
def economics(request: SignedInRequest, venue: Venue) -> HttpResponse:
    months = selectors.venue_economics(venue=venue, now=timezone.now())
    top = max([int(m.revenue) for m in months] + [1])
    width = 40
    bars = []
    for index, month in enumerate(months):
        revenue_height = round(160 * int(month.revenue) / top)
        discount_height = round(160 * month.points_discount / top)
        bars.append(
            {
                "month": month,
                "x": index * width + 4,
                "revenue_y": 170 - revenue_height,
                "revenue_height": revenue_height,
                "discount_y": 170 - discount_height,
                "discount_height": discount_height,
            }
        )
    return render(
        request,
        "loyalty/dashboard/economics.html",
        {
            "venue": venue,
            "months": list(reversed(months)),
            "bars": bars,
            "chart_width": width * len(months) + 8,
        },
    )
