"""Admin for referrals: who invited whom, why a referral was not rewarded; blocking inviters."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError
from referrals import services
from referrals.models import InviteCode, Referral


class BlockForm(forms.Form):
    reason = forms.CharField(label=_("Why"), max_length=300)


@admin.register(InviteCode)
class InviteCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "user", "created_at", "blocked_at", "blocked_reason"]
    list_filter = [("blocked_at", admin.EmptyFieldListFilter), "created_at"]
    search_fields = ["code", "user__email", "user__name"]
    list_select_related = ["user"]
    readonly_fields = ["user", "code", "created_at", "blocked_at", "blocked_reason"]
    actions = ["block_inviters"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: InviteCode | None = None) -> bool:
        # Deleting a code would lift its block unnoticed; blocking is the action staff take.
        return False

    @admin.action(description=_("Block the selected inviters"))
    def block_inviters(self, request, queryset):
        form = BlockForm(request.POST if "reason" in request.POST else None)
        if form.is_valid():
            try:
                for invite in queryset:
                    services.invite_code_block(
                        invite=invite, actor=request.user, reason=form.cleaned_data["reason"]
                    )
            except ApplicationError as error:
                self.message_user(request, error.message, messages.ERROR)
            else:
                self.message_user(
                    request, _("Blocked %(count)d inviters.") % {"count": queryset.count()}
                )
            return redirect(request.get_full_path())
        return render(
            request,
            "admin/referrals/block_inviters.html",
            {
                **self.admin_site.each_context(request),
                "form": form,
                "queryset": queryset,
                "opts": self.model._meta,
            },
        )


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "inviter",
        "invitee",
        "code",
        "status",
        "reason",
        "qualifying_booking_id",
        "rewarded_at",
    ]
    list_filter = ["status", "created_at", "rewarded_at"]
    search_fields = ["inviter__email", "invitee__email", "code"]
    list_select_related = ["inviter", "invitee"]
    readonly_fields = [f.name for f in Referral._meta.fields]
    actions = ["reverse_rewards"]

    @admin.action(description=_("The qualifying booking was refunded: take the rewards back"))
    def reverse_rewards(self, request, queryset):
        done = 0
        for referral in queryset:
            try:
                services.referral_reverse(
                    referral_id=referral.pk, actor=request.user, now=timezone.now()
                )
            except ApplicationError as error:
                self.message_user(request, f"{referral}: {error.message}", messages.ERROR)
            else:
                done += 1
        self.message_user(request, _("Reversed %(count)d referrals.") % {"count": done})

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
