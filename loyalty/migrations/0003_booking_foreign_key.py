"""The ledger's booking column (kept while bookings was built in parallel) becomes a real
foreign key: the same column, now with a constraint, so a transaction never names a booking
that does not exist."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0001_initial"),
        ("loyalty", "0002_ledger_guarantees"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="ledgertransaction", name="booking_id"),
                migrations.AddField(
                    model_name="ledgertransaction",
                    name="booking",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="ledger_transactions",
                        to="bookings.booking",
                        verbose_name="booking",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    "ALTER TABLE loyalty_transaction ADD CONSTRAINT "
                    "loyalty_transaction_booking_id_fk FOREIGN KEY (booking_id) "
                    "REFERENCES bookings_booking (id) DEFERRABLE INITIALLY DEFERRED",
                    "ALTER TABLE loyalty_transaction "
                    "DROP CONSTRAINT loyalty_transaction_booking_id_fk",
                ),
            ],
        ),
    ]
