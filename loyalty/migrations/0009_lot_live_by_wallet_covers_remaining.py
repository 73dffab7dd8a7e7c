"""A wallet's live lots with their `remaining` in the index, so the balance and the expiry dates
are answered by an index-only scan (the lots of a long-time client lie on scattered pages).

Rebuilt concurrently under the same name: the new index is built first, the old one dropped, so
spending never loses the index it walks.
"""

from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations, models
from django.db.models import Q


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("loyalty", "0008_transaction_history_index")]

    operations = [
        AddIndexConcurrently(
            model_name="lot",
            index=models.Index(
                fields=["wallet", "expires_at", "id"],
                include=["remaining"],
                condition=Q(remaining__gt=0),
                name="loyalty_lot_live_wallet_new",
            ),
        ),
        RemoveIndexConcurrently(model_name="lot", name="loyalty_lot_live_by_wallet"),
        migrations.RenameIndex(
            model_name="lot",
            new_name="loyalty_lot_live_by_wallet",
            old_name="loyalty_lot_live_wallet_new",
        ),
    ]
