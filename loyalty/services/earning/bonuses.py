"""Bonuses: welcome (confirmed e-mail), completed profile, and birthday points."""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta

from django.db.models import CharField, Exists, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.translation import gettext_noop

from accounts.models import User
from loyalty.models import LedgerTransaction
from loyalty.services.ledger import Movement, points_credit

Kind = LedgerTransaction.Kind

WELCOME_POINTS = 500
WELCOME_LIFETIME = timedelta(days=90)
PROFILE_POINTS = 100
PROFILE_LIFETIME = timedelta(days=365)
BIRTHDAY_POINTS = 300
BIRTHDAY_LIFETIME = timedelta(days=14)
BIRTHDAY_DAYS_AHEAD = 3
BIRTHDAY_SET_AT_LEAST = timedelta(days=30)


def welcome_bonus_grant(*, user: User, now: datetime) -> LedgerTransaction:
    """500 points for 90 days once the client's e-mail is confirmed; once per client."""
    return points_credit(
        Movement(
            user=user,
            amount=WELCOME_POINTS,
            lifetime=WELCOME_LIFETIME,
            kind=Kind.WELCOME,
            reason=gettext_noop("Welcome bonus"),
            idempotency_key=f"welcome:user:{user.pk}",
            now=now,
        )
    )


def profile_complete(user: User) -> bool:
    return bool(user.name and str(user.phone or "") and user.birthday)


def profile_bonus_grant(*, user: User, now: datetime) -> LedgerTransaction | None:
    """100 points once, when name, phone and birthday are all set (None while incomplete)."""
    if not profile_complete(user):
        return None
    return points_credit(
        Movement(
            user=user,
            amount=PROFILE_POINTS,
            lifetime=PROFILE_LIFETIME,
            kind=Kind.PROFILE,
            reason=gettext_noop("Bonus for completing the profile"),
            idempotency_key=f"profile:user:{user.pk}",
            now=now,
        )
    )


def _birthday_targets(day: date) -> list[tuple[int, int]]:
    targets = [(day.month, day.day)]
    # In a year without 29 February, those born on it celebrate on the 28th.
    if (day.month, day.day) == (2, 28) and not calendar.isleap(day.year):
        targets.append((2, 29))
    return targets


def birthday_bonuses_grant(*, now: datetime, batch_size: int = 1000) -> int:
    """300 points for 14 days to clients whose birthday is in 3 days (local date of TIME_ZONE),
    when the birthday was set 30+ days ago; once per client per year. Safe twice."""
    day = timezone.localtime(now).date() + timedelta(days=BIRTHDAY_DAYS_AHEAD)
    match = Q()
    for month, dom in _birthday_targets(day):
        match |= Q(birthday__month=month, birthday__day=dom)
    key_prefix = "birthday:user:"
    given = LedgerTransaction.objects.filter(
        idempotency_key=Concat(
            Value(key_prefix), Cast(OuterRef("pk"), CharField()), Value(f":{day.year}")
        )
    )
    candidates = (
        User.objects.filter(match, is_active=True, birthday_set_at__lte=now - BIRTHDAY_SET_AT_LEAST)
        .exclude(Exists(given))
        .order_by("pk")
    )
    done = 0
    last = 0
    while True:
        users = list(candidates.filter(pk__gt=last)[:batch_size])
        for user in users:
            points_credit(
                Movement(
                    user=user,
                    amount=BIRTHDAY_POINTS,
                    lifetime=BIRTHDAY_LIFETIME,
                    kind=Kind.BIRTHDAY,
                    reason=gettext_noop("Happy birthday!"),
                    idempotency_key=f"{key_prefix}{user.pk}:{day.year}",
                    now=now,
                )
            )
            done += 1
        if len(users) < batch_size:
            return done
        last = users[-1].pk
