"""The points ledger: accounts, transactions of postings that sum to zero, lots and allocations.

Sign convention: a posting adds its amount to its account. A client's wallet, pending and held
accounts are positive (points the client has); system accounts hold the other side of every
movement (issuance goes negative as points are issued), so all postings together sum to zero.

Only client accounts keep a cached `balance` (updated in the same transaction as their
postings, under the wallet's row lock). System accounts are never locked or updated: they would
be the hottest rows of the database; their balance is the sum of their postings.

The database guarantees (migration 0002): postings of a transaction sum to zero (deferred
constraint trigger, checked at commit); postings, transactions and allocations cannot be updated
or deleted; cached balances never go below zero; a lot's remaining stays within [0, amount].
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Account(models.Model):
    class Kind(models.TextChoices):
        WALLET = "wallet", _("client wallet")
        PENDING = "pending", _("client pending points")
        HELD = "held", _("client points held for a booking")
        ISSUANCE = "issuance", _("platform issuance")
        VENUE_FUNDING = "venue_funding", _("venue funding")
        REDEMPTIONS = "redemptions", _("redemptions")
        EXPIRED = "expired", _("expired points")
        ADJUSTMENTS = "adjustments", _("manual adjustments")
        CLAWBACK_RECEIVABLE = "clawback_receivable", _("clawback receivable")

    CLIENT_KINDS = (Kind.WALLET, Kind.PENDING, Kind.HELD)
    VENUE_KINDS = (Kind.VENUE_FUNDING, Kind.REDEMPTIONS)
    SINGLETON_KINDS = (
        Kind.ISSUANCE,
        Kind.EXPIRED,
        Kind.ADJUSTMENTS,
        Kind.CLAWBACK_RECEIVABLE,
    )

    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="points_accounts",
        verbose_name=_("client"),
    )
    venue = models.ForeignKey(
        "venues.Venue",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="points_accounts",
        verbose_name=_("venue"),
    )
    # Cached for client accounts only (see the module docstring); always 0 on system accounts.
    balance = models.BigIntegerField(_("balance"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("points account")
        verbose_name_plural = _("points accounts")
        constraints = [
            models.CheckConstraint(
                condition=Q(balance__gte=0), name="loyalty_account_balance_not_negative"
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        kind__in=["wallet", "pending", "held"],
                        user__isnull=False,
                        venue__isnull=True,
                    )
                    | Q(
                        kind__in=["venue_funding", "redemptions"],
                        user__isnull=True,
                        venue__isnull=False,
                    )
                    | Q(
                        kind__in=["issuance", "expired", "adjustments", "clawback_receivable"],
                        user__isnull=True,
                        venue__isnull=True,
                    )
                ),
                name="loyalty_account_owner_matches_kind",
            ),
            models.UniqueConstraint(
                fields=["kind", "user"],
                condition=Q(user__isnull=False),
                name="loyalty_account_one_per_client",
            ),
            models.UniqueConstraint(
                fields=["kind", "venue"],
                condition=Q(venue__isnull=False),
                name="loyalty_account_one_per_venue",
            ),
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(user__isnull=True, venue__isnull=True),
                name="loyalty_account_one_system",
            ),
        ]

    def __str__(self) -> str:
        owner = self.user or self.venue
        return f"{self.get_kind_display()} {owner}" if owner else str(self.get_kind_display())


class LedgerTransaction(models.Model):
    """One movement of points: postings that sum to zero, posted once per idempotency key."""

    class Kind(models.TextChoices):
        CASHBACK = "cashback", _("cashback")
        BONUS = "bonus", _("bonus")
        WELCOME = "welcome", _("welcome bonus")
        PROFILE = "profile", _("profile bonus")
        BIRTHDAY = "birthday", _("birthday bonus")
        HOLIDAY = "holiday", _("holiday gift")
        REFERRAL = "referral", _("referral reward")
        PENDING_RELEASE = "pending_release", _("pending points became available")
        PENDING_CANCEL = "pending_cancel", _("pending points cancelled")
        SPEND = "spend", _("paid with points")
        RESERVE = "reserve", _("points held for a booking")
        CAPTURE = "capture", _("held points used")
        RESERVE_RELEASE = "reserve_release", _("held points returned")
        REFUND = "refund", _("points returned")
        EXPIRE = "expire", _("points expired")
        ADJUSTMENT = "adjustment", _("adjustment")
        CLAWBACK = "clawback", _("points withdrawn")

    SETTLEMENT_KINDS = ("pending_release", "pending_cancel", "capture", "reserve_release")

    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, db_index=True)
    # An untranslated message id (gettext_noop) or a staff member's free text; shown to the
    # client translated and formatted with `reason_params` (see `reason_text`).
    reason = models.CharField(_("reason"), max_length=300)
    reason_params = models.JSONField(_("reason parameters"), default=dict, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="points_transactions",
        verbose_name=_("client"),
        db_index=False,  # `loyalty_transaction_history` starts with it
    )
    # The venue that funds the points (credits) or where they were spent (spends, reserves).
    venue = models.ForeignKey(
        "venues.Venue",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("venue"),
    )
    booking = models.ForeignKey(
        "bookings.Booking",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_transactions",
        verbose_name=_("booking"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acted by"),
    )
    # The transaction this one settles or reverses (a pending credit, a reserve, a spend).
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("settles / reverses"),
    )
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    # sha256 of what was asked for: the same key with different content is refused.
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    # For a pending credit: how long the points live once released.
    lifetime = models.DurationField(_("lifetime"), null=True, blank=True)
    created_at = models.DateTimeField(_("date"), db_index=True)

    class Meta:
        db_table = "loyalty_transaction"
        verbose_name = _("ledger transaction")
        verbose_name_plural = _("ledger transactions")
        ordering = ["-created_at", "-id"]
        indexes = [
            # A client's history in its order: a page is an index scan with LIMIT, at any depth
            # (selectors.points_history_page).
            models.Index(fields=["user", "created_at", "id"], name="loyalty_transaction_history"),
        ]
        constraints = [
            # A pending credit is released or cancelled once; a reserve captured or released once.
            models.UniqueConstraint(
                fields=["parent"],
                condition=Q(
                    kind__in=["pending_release", "pending_cancel", "capture", "reserve_release"]
                ),
                name="loyalty_transaction_settled_once",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.idempotency_key}"

    @property
    def reason_text(self) -> str:
        text = gettext(self.reason) if self.reason else ""
        if self.reason_params:
            try:
                return text % self.reason_params
            except (KeyError, TypeError, ValueError):
                return text
        return text


class Posting(models.Model):
    transaction = models.ForeignKey(
        LedgerTransaction,
        on_delete=models.PROTECT,
        related_name="postings",
        verbose_name=_("transaction"),
    )
    account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="postings", verbose_name=_("account")
    )
    amount = models.BigIntegerField(_("points"))

    class Meta:
        verbose_name = _("posting")
        verbose_name_plural = _("postings")
        indexes = [models.Index(fields=["account", "transaction"], name="loyalty_posting_account")]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="loyalty_posting_not_zero"),
        ]

    def __str__(self) -> str:
        return f"{self.account}: {self.amount:+d}"


class Lot(models.Model):
    """Points credited to a wallet together: spent soonest-expiry first, burnt when expired."""

    wallet = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="lots", verbose_name=_("wallet")
    )
    amount = models.BigIntegerField(_("points"))
    remaining = models.BigIntegerField(_("remaining"))
    expires_at = models.DateTimeField(_("expires at"))
    # Who pays for these points: a venue, or the platform when empty.
    funder_venue = models.ForeignKey(
        "venues.Venue",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("funded by venue"),
    )
    transaction = models.ForeignKey(
        LedgerTransaction,
        on_delete=models.PROTECT,
        related_name="lots",
        verbose_name=_("credited by"),
    )
    # A grace lot gives back points of a lot that expired while they were spent.
    origin = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="grace_lots",
        verbose_name=_("grace for lot"),
    )
    created_at = models.DateTimeField(_("created"))
    # Set by expiry; an expired lot never takes points back (a refund makes a grace lot).
    expired_at = models.DateTimeField(_("expired at"), null=True, blank=True)

    class Meta:
        verbose_name = _("lot")
        verbose_name_plural = _("lots")
        indexes = [
            # Consumption order of one wallet's live lots; with `remaining` in the index, the
            # balance and "what expires when" are read from it alone (an index-only scan).
            models.Index(
                fields=["wallet", "expires_at", "id"],
                include=["remaining"],
                condition=Q(remaining__gt=0),
                name="loyalty_lot_live_by_wallet",
            ),
            # The expiry job and the reminders look for live lots by date.
            models.Index(
                fields=["expires_at"], condition=Q(remaining__gt=0), name="loyalty_lot_live_by_date"
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="loyalty_lot_amount_positive"),
            models.CheckConstraint(
                condition=Q(remaining__gte=0) & Q(remaining__lte=F("amount")),
                name="loyalty_lot_remaining_within_amount",
            ),
        ]

    def __str__(self) -> str:
        return gettext("lot #%(id)s: %(remaining)s of %(amount)s left") % {
            "id": self.pk,
            "remaining": self.remaining,
            "amount": self.amount,
        }


class Allocation(models.Model):
    """A change to a lot's remaining points made by a transaction (negative: consumed)."""

    transaction = models.ForeignKey(
        LedgerTransaction,
        on_delete=models.PROTECT,
        related_name="allocations",
        verbose_name=_("transaction"),
    )
    lot = models.ForeignKey(
        Lot, on_delete=models.PROTECT, related_name="allocations", verbose_name=_("lot")
    )
    amount = models.BigIntegerField(_("points"))
    # A refund or a release points at the consumption it gives back.
    reverses = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversals",
        verbose_name=_("gives back"),
    )

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="loyalty_allocation_not_zero"),
        ]

    def __str__(self) -> str:
        return gettext("lot #%(id)s: %(amount)s") % {
            "id": self.lot_id,
            "amount": f"{self.amount:+d}",
        }


class ExpiryReminder(models.Model):
    """One e-mail per client per expiry date: the row is claimed before the e-mail is sent."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("client"),
    )
    expires_on = models.DateField(_("expires on"))
    points = models.BigIntegerField(_("points"))
    created_at = models.DateTimeField(_("sent at"))

    class Meta:
        verbose_name = _("expiry reminder")
        verbose_name_plural = _("expiry reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "expires_on"], name="loyalty_expiry_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.expires_on}"


# --- earning: tiers, campaigns, holiday grants ------------------------------------------------


class Tier(models.Model):
    """A level of the programme: reached by money paid OR sessions completed over 365 days."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    min_money_365d = models.DecimalField(
        _("money paid in 365 days, ₽"), max_digits=12, decimal_places=2, default=0
    )
    min_sessions_365d = models.PositiveIntegerField(_("completed sessions in 365 days"), default=0)
    cashback_percent = models.DecimalField(
        _("cashback, %"), max_digits=4, decimal_places=2, default=1
    )

    class Meta:
        verbose_name = _("tier")
        verbose_name_plural = _("tiers")
        ordering = ["min_money_365d", "min_sessions_365d", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_money_365d__gte=0), name="loyalty_tier_money_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(cashback_percent__gte=0) & Q(cashback_percent__lte=15),
                name="loyalty_tier_percent_range",
            ),
        ]

    def __str__(self) -> str:
        return str(self.name)


class ClientTier(models.Model):
    """The tier a client holds now (no row: the lowest tier)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="loyalty_tier",
        verbose_name=_("client"),
    )
    tier = models.ForeignKey(
        Tier, on_delete=models.PROTECT, related_name="+", verbose_name=_("tier")
    )
    since = models.DateTimeField(_("since"))
    updated_at = models.DateTimeField(_("recalculated at"))

    class Meta:
        verbose_name = _("client tier")
        verbose_name_plural = _("client tiers")

    def __str__(self) -> str:
        return f"{self.user} — {self.tier}"


class Campaign(models.Model):
    """Extra cashback for matching bookings, funded by the platform (no venue) or by a venue."""

    class Kind(models.TextChoices):
        EXTRA_PERCENT = "extra_percent", _("extra percent")
        MULTIPLIER = "multiplier", _("multiplier")

    name = models.CharField(_("name"), max_length=200)
    venue = models.ForeignKey(
        "venues.Venue",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="campaigns",
        verbose_name=_("venue (empty: the platform funds it)"),
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind.choices, default=Kind.EXTRA_PERCENT
    )
    value = models.DecimalField(
        _("value"),
        max_digits=5,
        decimal_places=2,
        help_text=_("Extra percentage points, or the multiplier of the base cashback (e.g. 2)."),
    )
    date_from = models.DateField(_("from"), null=True, blank=True)
    date_to = models.DateField(_("to"), null=True, blank=True)
    weekdays = ArrayField(
        models.PositiveSmallIntegerField(),
        verbose_name=_("weekdays (0 = Monday; empty = every day)"),
        default=list,
        blank=True,
    )
    time_from = models.TimeField(_("from time"), null=True, blank=True)
    time_to = models.TimeField(_("to time"), null=True, blank=True)
    city = models.ForeignKey(
        "venues.City",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("city"),
    )
    room_kind = models.CharField(_("room type"), max_length=20, blank=True)
    min_amount = models.DecimalField(
        _("minimum amount, ₽"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__gt=0) & Q(value__lte=15), name="loyalty_campaign_value_range"
            ),
            models.CheckConstraint(
                condition=Q(date_from__isnull=True)
                | Q(date_to__isnull=True)
                | Q(date_to__gte=F("date_from")),
                name="loyalty_campaign_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return str(self.name)


class HolidayGrant(models.Model):
    """Points given to an audience before a holiday, in bulk by `runjob loyalty_holiday_grants`."""

    class Audience(models.TextChoices):
        EVERYONE = "everyone", _("everyone")
        ACTIVE = "active", _("active in the last N days")
        TIER = "tier", _("tier at least")
        CITY = "city", _("city")

    name = models.CharField(_("name"), max_length=200)
    holiday_date = models.DateField(_("holiday"))
    grant_date = models.DateField(_("grant on"))
    amount = models.PositiveIntegerField(_("points"))
    lifetime_days = models.PositiveIntegerField(_("valid for, days"), default=14)
    audience = models.CharField(
        _("audience"), max_length=20, choices=Audience.choices, default=Audience.EVERYONE
    )
    active_days = models.PositiveIntegerField(_("active in the last N days"), null=True, blank=True)
    min_tier = models.ForeignKey(
        Tier,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tier at least"),
    )
    city = models.ForeignKey(
        "venues.City",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("city"),
    )
    message = models.TextField(_("message to clients"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    granted_at = models.DateTimeField(_("granted at"), null=True, blank=True)
    granted_count = models.PositiveIntegerField(_("clients granted"), default=0)
    # The done-marker: the day whose pass over the audience finished. A second run that day
    # does nothing at once; the next day of the window looks again for clients who joined.
    completed_on = models.DateField(_("audience done on"), null=True, blank=True)

    class Meta:
        verbose_name = _("holiday grant")
        verbose_name_plural = _("holiday grants")
        ordering = ["-grant_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0) & Q(lifetime_days__gt=0),
                name="loyalty_holiday_grant_positive",
                violation_error_message=_("Give a positive number of points and of days."),
            ),
            models.CheckConstraint(
                condition=Q(grant_date__lte=F("holiday_date")),
                name="loyalty_holiday_grant_before_holiday",
                violation_error_message=_("The grant date must not be after the holiday."),
            ),
            # An audience with its parameter missing must never fall back to everyone.
            models.CheckConstraint(
                condition=Q(audience="everyone")
                | Q(audience="active", active_days__isnull=False, active_days__gt=0)
                | Q(audience="tier", min_tier__isnull=False)
                | Q(audience="city", city__isnull=False),
                name="loyalty_holiday_grant_audience_complete",
                violation_error_message=_(
                    "Complete the audience: the number of days for active clients, the tier, "
                    "or the city."
                ),
            ),
        ]

    def __str__(self) -> str:
        return str(self.name)
