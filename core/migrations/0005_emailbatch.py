"""How far a keyed batch of e-mails got, so that a batch delivered again sends only the rest."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("core", "0004_outbox")]

    operations = [
        migrations.CreateModel(
            name="EmailBatch",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key", models.CharField(max_length=200, unique=True, verbose_name="key")),
                ("done", models.PositiveIntegerField(default=0, verbose_name="items handled")),
                (
                    "created_at",
                    models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="created"),
                ),
            ],
            options={"verbose_name": "e-mail batch", "verbose_name_plural": "e-mail batches"},
        ),
    ]
