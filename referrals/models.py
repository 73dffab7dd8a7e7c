"""Invite codes and referrals: who invited whom, and where each referral stands."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class InviteCode(models.Model):
    """A user's personal invite code (the `/r/<code>` link); staff may block an inviter."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="invite_code",
        verbose_name=_("user"),
    )
    code = models.CharField(_("code"), max_length=16, unique=True)
    blocked_at = models.DateTimeField(_("blocked at"), null=True, blank=True)
    blocked_reason = models.CharField(_("why blocked"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("invite code")
        verbose_name_plural = _("invite codes")

    def __str__(self) -> str:
        return self.code

    @property
    def is_blocked(self) -> bool:
        return self.blocked_at is not None


class Referral(models.Model):
    """One invited friend. A person can be invited once; the inviter is never the invitee."""

    class Status(models.TextChoices):
        SIGNED_UP = "signed_up", _("signed up")
        QUALIFIED = "qualified", _("qualified, reward pending")
        REWARDED = "rewarded", _("rewarded")
        NOT_REWARDED = "not_rewarded", _("not rewarded")
        REVERSED = "reversed", _("reward taken back")

    inviter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="referrals_made",
        verbose_name=_("inviter"),
    )
    invitee = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="referral",
        verbose_name=_("friend"),
    )
    code = models.CharField(_("code used"), max_length=16)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SIGNED_UP
    )
    reason = models.CharField(_("why not rewarded"), max_length=300, blank=True)
    qualifying_booking = models.ForeignKey(
        "bookings.Booking",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("qualifying booking"),
    )
    inviter_points = models.PositiveIntegerField(_("points to the inviter"), default=0)
    invitee_points = models.PositiveIntegerField(_("points to the friend"), default=0)
    qualified_at = models.DateTimeField(_("qualified at"), null=True, blank=True)
    rewarded_at = models.DateTimeField(_("rewarded at"), null=True, blank=True)
    reversed_at = models.DateTimeField(_("reversed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("signed up at"), auto_now_add=True)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(inviter=F("invitee")), name="referral_not_self"),
        ]
        indexes = [
            models.Index(fields=["inviter", "status"]),
            models.Index(fields=["status", "rewarded_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.inviter} → {self.invitee}"
