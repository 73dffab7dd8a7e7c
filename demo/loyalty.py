"""Demo data of loyalty: some points for the demo client, so "My points" shows something."""

from __future__ import annotations

from datetime import date, time, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from bookings.models import Booking
from demo import keys
from loyalty import services
from loyalty.models import Campaign, LedgerTransaction


def seed(*, client) -> None:
    """A bonus and a holiday gift expiring soon (idempotent by key)."""
    now = timezone.now()
    services.points_credit(
        services.Movement(
            user=client,
            amount=500,
            lifetime=timedelta(days=90),
            # BONUS, not WELCOME: the real welcome bonus (its own key) must stay once per client.
            kind=LedgerTransaction.Kind.BONUS,
            reason=gettext_noop("Demo bonus"),
            idempotency_key=f"demo:bonus:user:{client.pk}",
            now=now - timedelta(days=20),
        )
    )
    services.points_credit(
        services.Movement(
            user=client,
            amount=300,
            lifetime=timedelta(days=14),
            kind=LedgerTransaction.Kind.HOLIDAY,
            reason=gettext_noop("Holiday gift"),
            idempotency_key=f"demo:holiday:user:{client.pk}",
            now=now - timedelta(days=9),
        )
    )


def seed_history(*, client, venues) -> None:
    """The demo client's believable history: the welcome bonus, past completed bookings with
    their cashback released, one upcoming confirmed booking with cashback pending; campaigns of
    the platform and of the first demo venues. Idempotent (by the demo's keys and the ledger's)."""
    now = timezone.now()
    today = timezone.localdate(now)
    spring = date(today.year + (today.month > 5), 3, 1)
    services.welcome_bonus_grant(user=client, now=now - timedelta(days=80))
    # The platform's example is paused: a running platform campaign would change every demo
    # booking's cashback from the documented tier % + boost. Staff switch it on in the admin.
    keys.get_or_create(
        "campaign:platform",
        Campaign,
        lambda: Campaign.objects.create(
            name="Дневные будни",
            kind=Campaign.Kind.EXTRA_PERCENT,
            value=Decimal("2"),
            weekdays=[0, 1, 2, 3, 4],
            time_from=time(10),
            time_to=time(16),
            is_active=False,
        ),
    )
    for venue, (name, kind, value) in zip(
        venues,
        [
            ("Ночные репетиции ×2", Campaign.Kind.MULTIPLIER, Decimal("2")),
            ("Весенняя акция +3%", Campaign.Kind.EXTRA_PERCENT, Decimal("3")),
        ],
        strict=False,
    ):
        if keys.find(f"campaign:venue:{venue.pk}", Campaign) is None:
            campaign = Campaign.objects.create(
                name=name,
                venue=venue,
                kind=kind,
                value=value,
                time_from=time(22) if kind == Campaign.Kind.MULTIPLIER else None,
                time_to=time(6) if kind == Campaign.Kind.MULTIPLIER else None,
                # "Spring promotion": March to May of the coming spring.
                date_from=None if kind == Campaign.Kind.MULTIPLIER else spring,
                date_to=None
                if kind == Campaign.Kind.MULTIPLIER
                else spring.replace(month=5, day=31),
            )
            keys.remember(f"campaign:venue:{venue.pk}", campaign)
    marker = "demo-history"
    if keys.find(f"history:user:{client.pk}", Booking) is not None:
        return
    rooms = [room for venue in venues for room in venue.rooms.order_by("pk")[:1]]
    if not rooms:
        return
    made = []
    for index, days_ago in enumerate((75, 48, 20, 6)):
        room = rooms[index % len(rooms)]
        start = (now - timedelta(days=days_ago)).replace(minute=0, second=0, microsecond=0)
        start = start.replace(hour=16)
        price = Decimal("900") * (2 + index % 2)
        made.append(
            Booking.objects.create(
                room=room,
                user=client,
                kind=Booking.Kind.CLIENT,
                status=Booking.Status.COMPLETED,
                start=start,
                end=start + timedelta(hours=2 + index % 2),
                occupied_until=start + timedelta(hours=2 + index % 2),
                price=price,
                money_due=price,
                paid_at=start,
                free_cancellation_until=start - timedelta(hours=24),
                cancellation_fee_percent=0,
                note=marker,
            )
        )
    keys.remember(f"history:user:{client.pk}", made[0])
    for booking in made:
        for pending in services.cashback_pend(
            booking_id=booking.pk, now=booking.start - timedelta(days=3)
        ):
            # What `loyalty_accrue` does 24 h after the session (run inline: seed_demo is one
            # transaction, the job's batches are durable ones).
            services.points_pending_release(
                pending.idempotency_key,
                services.Settlement(
                    idempotency_key=f"{pending.idempotency_key}:release",
                    now=booking.end + timedelta(hours=24),
                    reason=gettext_noop("Cashback became available"),
                ),
            )
    upcoming = _upcoming_booking(client=client, room=rooms[0], now=now, marker=marker)
    if upcoming is not None:
        services.cashback_pend(booking_id=upcoming.pk, now=upcoming.created_at)
    services.tier_upgrade(user=client, now=now)


def _upcoming_booking(*, client, room, now, marker):
    """A confirmed session in five days (paid at the venue), or None when that time is taken."""
    start = (now + timedelta(days=5)).replace(hour=16, minute=0, second=0, microsecond=0)
    try:
        with transaction.atomic():
            return Booking.objects.create(
                room=room,
                user=client,
                kind=Booking.Kind.CLIENT,
                status=Booking.Status.CONFIRMED,
                start=start,
                end=start + timedelta(hours=2),
                occupied_until=start + timedelta(hours=2),
                price=Decimal("1800"),
                money_due=Decimal("1800"),
                free_cancellation_until=start - timedelta(hours=24),
                cancellation_fee_percent=0,
                note=marker,
            )
    except IntegrityError:  # the demo's other bookings hold that time
        return None
