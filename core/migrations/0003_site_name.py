"""Name the site "Бронька" so e-mails greet people with it instead of the host name."""

from urllib.parse import urlsplit

from django.conf import settings
from django.db import migrations


def name_site(apps, schema_editor):
    Site = apps.get_model("sites", "Site")
    domain = urlsplit(settings.SITE_URL).netloc or "bronka.example"
    Site.objects.update_or_create(pk=settings.SITE_ID, defaults={"domain": domain, "name": "Бронька"})


class Migration(migrations.Migration):
    dependencies = [("core", "0002_idempotencykey"), ("sites", "0002_alter_domain_unique")]

    operations = [migrations.RunPython(name_site, migrations.RunPython.noop)]
