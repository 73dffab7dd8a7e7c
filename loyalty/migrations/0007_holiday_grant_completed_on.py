"""The done-marker of a holiday grant: the day its pass over the audience finished."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("loyalty", "0006_holiday_grant_audience_complete")]

    operations = [
        migrations.AddField(
            model_name="holidaygrant",
            name="completed_on",
            field=models.DateField(blank=True, null=True, verbose_name="audience done on"),
        ),
    ]
