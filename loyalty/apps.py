"""The loyalty app: the points ledger, and the points programme bookings use."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LoyaltyConfig(AppConfig):
    name = "loyalty"
    verbose_name = _("Loyalty")

    def ready(self) -> None:
        from bookings.points import register
        from loyalty import receivers
        from loyalty.programme import LedgerProgramme
        from venues.dashboard import register_venue_nav
        from venues.selectors import EDITORS

        register(LedgerProgramme())
        receivers.connect()
        register_venue_nav(
            _("Cashback campaigns"), "loyalty:dashboard-campaigns", order=60, roles=EDITORS
        )
        register_venue_nav(_("Economics"), "loyalty:dashboard-economics", order=70)
