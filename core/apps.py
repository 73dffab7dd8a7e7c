"""App config for core: loads every app's periodic jobs and e-mail kinds into their registries,
and puts the input-hygiene guard on every form and API field (core.hygiene)."""

from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _

from core import hygiene


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Audit")

    def ready(self) -> None:
        autodiscover_modules("jobs", "emails")
        hygiene.install()
