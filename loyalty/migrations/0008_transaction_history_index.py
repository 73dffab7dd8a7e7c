"""A client's history in its order: transactions by (user, created_at, id).

The index is built concurrently (the ledger takes writes while it builds); the plain index on
user_id goes after it, as the new one starts with that column.
"""

import django.db.models.deletion
from django.conf import settings
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("loyalty", "0007_holiday_grant_completed_on"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="ledgertransaction",
            index=models.Index(
                fields=["user", "created_at", "id"], name="loyalty_transaction_history"
            ),
        ),
        migrations.AlterField(
            model_name="ledgertransaction",
            name="user",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="points_transactions",
                to=settings.AUTH_USER_MODEL,
                verbose_name="client",
            ),
        ),
    ]
