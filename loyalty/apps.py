"""The loyalty app: the points ledger, and the points programme bookings use."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LoyaltyConfig(AppConfig):
    name = "loyalty"
    verbose_name = _("Loyalty")

    def ready(self) -> None:
        from bookings.points import register
        from loyalty.programme import LedgerProgramme

        register(LedgerProgramme())
