"""The venues app: organisations, venues, rooms, schedules, prices and the public catalogue."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VenuesConfig(AppConfig):
    name = "venues"
    verbose_name = _("Venues")

    def ready(self) -> None:
        from venues import receivers

        receivers.connect()
