"""The default tiers of DESIGN.md §3 (staff edit them in the admin)."""

from decimal import Decimal

from django.db import migrations

DEFAULT_TIERS = [
    # name, money paid in 365 days, completed sessions in 365 days, cashback %
    ("Бронза", Decimal("0"), 0, Decimal("1")),
    ("Серебро", Decimal("30000"), 20, Decimal("2")),
    ("Золото", Decimal("100000"), 50, Decimal("3")),
    ("Платина", Decimal("200000"), 100, Decimal("5")),
]


def create(apps, schema_editor):
    Tier = apps.get_model("loyalty", "Tier")
    for name, money, sessions, percent in DEFAULT_TIERS:
        Tier.objects.get_or_create(
            name=name,
            defaults={
                "min_money_365d": money,
                "min_sessions_365d": sessions,
                "cashback_percent": percent,
            },
        )


def remove(apps, schema_editor):
    apps.get_model("loyalty", "Tier").objects.filter(
        name__in=[row[0] for row in DEFAULT_TIERS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("loyalty", "0004_tier_clienttier_campaign_holidaygrant")]

    operations = [migrations.RunPython(create, remove)]
