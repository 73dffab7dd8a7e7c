"""Admin of loyalty: the points ledger read-only with a form for staff to adjust points; tiers,
campaigns and holiday grants written through the services (accounts.admin_writes)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import cast

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import BigIntegerField, Case, F, OuterRef, Subquery, Sum, When
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from accounts.admin import USER_PANELS
from accounts.admin_writes import ServiceModelAdmin, Values, Writes
from accounts.models import User
from core.errors import ApplicationError
from loyalty import selectors, services
from loyalty.models import (
    Account,
    Allocation,
    Campaign,
    ClientTier,
    ExpiryReminder,
    HolidayGrant,
    LedgerTransaction,
    Lot,
    Posting,
    Tier,
)
from venues.models import Room
from venues.weekdays import weekdays_form_field, weekdays_label

ACCOUNT_ENTRIES = "postings__account__id__exact"  # the ledger's changelist, by account
CLIENT_LOTS = "wallet__user__id__exact"  # the lots' changelist, by client


def _changelist(model: str, **query: int) -> str:
    return f"{reverse(f'admin:loyalty_{model}_changelist')}?{urlencode(query)}"


def account_links(account: Account) -> SafeString:
    """Links from an account to its ledger entries and, for a wallet, its lots."""
    links = [(_changelist("ledgertransaction", **{ACCOUNT_ENTRIES: account.pk}), _("Entries"))]
    if account.kind == Account.Kind.WALLET:
        links.append((_changelist("lot", wallet__id__exact=account.pk), _("Lots")))
    return format_html_join(" · ", '<a href="{}">{}</a>', links)


@USER_PANELS.register
def client_points(user: User) -> SafeString:
    """On a user's admin page: their points, pending points, and one click to lots, history
    and an adjustment."""
    summary = selectors.points_summary(user=user, now=timezone.now())
    adjust = reverse("admin:loyalty_ledgertransaction_adjust")
    links = [
        (_changelist("ledgertransaction", user__id__exact=user.pk), _("History")),
        (_changelist("lot", **{CLIENT_LOTS: user.pk}), _("Lots")),
        (_changelist("account", user__id__exact=user.pk), _("Accounts")),
        (adjust + "?" + urlencode({"user": user.email}), _("Adjust points")),
    ]
    return format_html(
        "{} · {} · {}",
        _("Points: %(balance)s") % {"balance": summary.balance},
        _("pending: %(pending)s") % {"pending": summary.pending},
        format_html_join(" · ", '<a href="{}">{}</a>', links),
    )


class ReadOnlyAdmin(admin.ModelAdmin):
    """The ledger is append-only: corrections are new transactions made by the services."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class PostingInline(ReadOnlyInline):
    model = Posting
    fields = readonly_fields = ("account", "amount")


class AllocationInline(ReadOnlyInline):
    model = Allocation
    fk_name = "transaction"
    fields = readonly_fields = ("lot", "amount", "reverses")


class LotAllocationInline(AllocationInline):
    fk_name = "lot"
    fields = readonly_fields = ("transaction", "amount", "reverses")


class AdjustForm(forms.Form):
    user = forms.ModelChoiceField(
        queryset=get_user_model().objects.order_by("email"),
        label=_("Client"),
        widget=forms.TextInput,
        to_field_name="email",
        help_text=_("The client's e-mail."),
    )
    amount = forms.IntegerField(
        label=_("Points"),
        help_text=_("Positive to add, negative to remove."),
        min_value=-services.MAX_POINTS,
        max_value=services.MAX_POINTS,
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=300, help_text=_("Shown to the client in their history.")
    )
    lifetime_days = forms.IntegerField(
        label=_("Lifetime, days"), initial=365, min_value=1, max_value=3650
    )
    # Generated when the form is shown: submitting twice posts once.
    idempotency_key = forms.CharField(widget=forms.HiddenInput)


@admin.register(LedgerTransaction)
class LedgerTransactionAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "kind",
        "user",
        "reason_display",
        "booking_link",
        "idempotency_key",
    ]
    list_filter = ["kind", "created_at"]
    search_fields = ["idempotency_key", "user__email", "reason", "=booking__id"]
    list_select_related = ["user"]
    date_hierarchy = "created_at"
    inlines = [PostingInline, AllocationInline]
    # The reason as the client reads it (translated, parameters filled in) instead of the stored
    # message and its parameters.
    readonly_fields = [
        "reason_display" if field.name == "reason" else field.name
        for field in LedgerTransaction._meta.fields
        if field.name != "reason_params"
    ]
    change_list_template = "admin/loyalty/ledgertransaction/change_list.html"

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        # An account's page links to its entries: the transactions with a posting on it.
        return lookup == ACCOUNT_ENTRIES or super().lookup_allowed(lookup, value, request)

    @admin.display(description=_("Reason"), ordering="reason")
    def reason_display(self, obj: LedgerTransaction) -> str:
        return obj.reason_text

    @admin.display(description=_("Booking"), ordering="booking_id")
    def booking_link(self, obj: LedgerTransaction) -> str:
        if not obj.booking_id:
            return "—"
        url = reverse("admin:bookings_booking_change", args=[obj.booking_id])
        return format_html('<a href="{}">#{}</a>', url, obj.booking_id)

    def get_urls(self):
        return [
            path(
                "adjust/",
                self.admin_site.admin_view(self.adjust_view),
                name="loyalty_ledgertransaction_adjust",
            ),
            path(
                "report/",
                self.admin_site.admin_view(self.report_view),
                name="loyalty_ledgertransaction_report",
            ),
            *super().get_urls(),
        ]

    def report_view(self, request: HttpRequest) -> HttpResponse:
        """Points issued / spent / expired by month and by source, and what is outstanding."""
        if not request.user.is_staff:
            raise DjangoPermissionDenied
        rows, outstanding = selectors.points_liability_report()
        return TemplateResponse(
            request,
            "admin/loyalty/report.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Points report"),
                "rows": rows,
                "outstanding": outstanding,
                "opts": self.model._meta,
            },
        )

    def adjust_view(self, request: HttpRequest) -> HttpResponse:
        """Add or remove a client's points through the adjustment service (audited)."""
        if not request.user.is_staff:
            raise DjangoPermissionDenied
        form = AdjustForm(
            request.POST or None,
            initial={"idempotency_key": f"adjust:{uuid.uuid4()}", "user": request.GET.get("user")},
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                tx = services.points_adjust(
                    services.Movement(
                        user=data["user"],
                        amount=data["amount"],
                        reason=data["reason"],
                        actor=request.user,
                        idempotency_key=data["idempotency_key"],
                        lifetime=timedelta(days=data["lifetime_days"]),
                        now=timezone.now(),
                    )
                )
            except ApplicationError as error:
                for name, message in error.fields.items():
                    if name in form.fields:
                        form.add_error(name, message)
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Points adjusted."))
                return redirect(reverse("admin:loyalty_ledgertransaction_change", args=[tx.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Adjust points"),
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/loyalty/adjust.html", context)


@admin.register(Lot)
class LotAdmin(ReadOnlyAdmin):
    list_display = ["id", "wallet", "amount", "remaining", "expires_at", "funder_venue"]
    list_filter = ["expires_at", "created_at"]
    search_fields = ["wallet__user__email"]
    list_select_related = ["wallet__user", "funder_venue"]
    inlines = [LotAllocationInline]
    readonly_fields = [f.name for f in Lot._meta.fields]

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        # A user's admin page links to the lots of their wallet.
        return lookup == CLIENT_LOTS or super().lookup_allowed(lookup, value, request)


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "user", "venue", "balance_display", "links"]
    list_filter = ["kind"]
    search_fields = ["user__email", "venue__name"]
    list_select_related = ["user", "venue"]
    readonly_fields = [*(f.name for f in Account._meta.fields), "balance_display", "links"]
    actions = ["adjust_points"]

    @admin.display(description=_("Entries"))
    def links(self, obj: Account) -> SafeString:
        return account_links(obj)

    def get_queryset(self, request):
        # System accounts keep no cached balance (models.py): sum their postings, one correlated
        # subquery per listed row, evaluated for system accounts only.
        postings = (
            Posting.objects.filter(account=OuterRef("pk"))
            .order_by()
            .values("account")
            .annotate(total=Sum("amount"))
            .values("total")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(
                postings_total=Case(
                    When(kind__in=Account.CLIENT_KINDS, then=F("balance")),
                    default=Coalesce(Subquery(postings), 0),
                    output_field=BigIntegerField(),
                )
            )
        )

    @admin.display(description=_("balance"), ordering="postings_total")
    def balance_display(self, obj: Account) -> int:
        total: int = getattr(obj, "postings_total", obj.balance)  # annotated by get_queryset
        return total

    @admin.action(description=_("Adjust points of the selected client"))
    def adjust_points(self, request: HttpRequest, queryset) -> HttpResponse | None:
        users = {account.user for account in queryset.select_related("user") if account.user}
        if len(users) != 1:
            self.message_user(request, _("Select the accounts of one client."), messages.WARNING)
            return None
        url = reverse("admin:loyalty_ledgertransaction_adjust")
        return redirect(f"{url}?{urlencode({'user': users.pop().email})}")


@admin.register(ExpiryReminder)
class ExpiryReminderAdmin(ReadOnlyAdmin):
    list_display = ["user", "expires_on", "points", "created_at"]
    list_filter = ["expires_on"]
    search_fields = ["user__email"]


# --- earning: staff edit tiers, campaigns and holiday grants ---------------------------------


def _tier_create(staff: User, values: Values) -> Tier:
    return services.tier_create(actor=staff, values=cast(services.TierValues, values))


def _tier_update(staff: User, tier: Tier, values: Values) -> Tier:
    return services.tier_update(actor=staff, tier=tier, values=cast(services.TierValues, values))


@admin.register(Tier)
class TierAdmin(ServiceModelAdmin):
    """Tiers are added and changed, never deleted: clients hold them."""

    writes = Writes[Tier](create=_tier_create, update=_tier_update)
    list_display = ("name", "min_money_365d", "min_sessions_365d", "cashback_percent")


@admin.register(ClientTier)
class ClientTierAdmin(ReadOnlyAdmin):
    list_display = ("user", "tier", "since", "updated_at")
    list_filter = ("tier",)
    search_fields = ("user__email",)
    list_select_related = ("user", "tier")


class CampaignAdminForm(forms.ModelForm):
    # Ticked day names instead of the array field's "0,1,2,3,4", room types by name.
    weekdays = weekdays_form_field(short=True)
    room_kind = forms.ChoiceField(
        label=_("room type"), choices=[("", _("any")), *Room.Kind.choices], required=False
    )

    class Meta:
        model = Campaign
        exclude: list[str] = []


def _campaign_create(staff: User, values: Values) -> Campaign:
    venue = values.pop("venue", None)
    return services.campaign_create(
        venue=venue, actor=staff, values=cast(services.CampaignValues, values)
    )


def _campaign_update(staff: User, campaign: Campaign, values: Values) -> Campaign:
    return services.campaign_update(
        campaign=campaign, actor=staff, values=cast(services.CampaignValues, values)
    )


@admin.register(Campaign)
class CampaignAdmin(ServiceModelAdmin):
    """Staff start, change, pause and resume campaigns (the platform's, or any venue's);
    a campaign is not deleted, so its history keeps its name."""

    writes = Writes[Campaign](
        create=_campaign_create, update=_campaign_update, create_only=("venue",)
    )
    form = CampaignAdminForm
    list_display = (
        "name",
        "venue",
        "kind",
        "value",
        "date_from",
        "date_to",
        "weekdays_display",
        "is_active",
    )
    list_filter = ("is_active", "kind", ("venue", admin.EmptyFieldListFilter))
    search_fields = ("name", "venue__name")
    list_select_related = ("venue",)
    autocomplete_fields = ("venue",)
    readonly_fields = ("created_by", "created_at")

    @admin.display(description=_("Weekdays"))
    def weekdays_display(self, obj: Campaign) -> str:
        return weekdays_label(obj.weekdays) or str(_("every day"))


def _grant_create(staff: User, values: Values) -> HolidayGrant:
    grant = cast(services.HolidayGrantValues, values)
    return services.holiday_grant_create(actor=staff, values=grant)


def _grant_update(staff: User, grant: HolidayGrant, values: Values) -> HolidayGrant:
    changes = cast(services.HolidayGrantValues, values)
    return services.holiday_grant_update(actor=staff, grant=grant, values=changes)


@admin.register(HolidayGrant)
class HolidayGrantAdmin(ServiceModelAdmin):
    """Holiday grants are added and changed (or made inactive), never deleted: the clients'
    history names them."""

    writes = Writes[HolidayGrant](create=_grant_create, update=_grant_update)
    list_display = ("name", "holiday_date", "grant_date", "amount", "audience", "granted_count")
    list_filter = ("audience", "is_active")
    readonly_fields = ("granted_at", "granted_count", "completed_on")
