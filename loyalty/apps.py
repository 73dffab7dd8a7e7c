"""The loyalty app: the points ledger, and the points programme bookings use."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LoyaltyConfig(AppConfig):
    name = "loyalty"
    verbose_name = _("Loyalty")

    def ready(self) -> None:
        from bookings.points import register
        from loyalty import receivers
        from loyalty.catalogue import visitor_cashback_percent
        from loyalty.programme import LedgerProgramme
        from venues.catalogue import register_cashback
        from venues.dashboard import register_venue_nav
        from venues.selectors import EDITORS

        register(LedgerProgramme())
        register_cashback(visitor_cashback_percent)
        receivers.connect()
        register_venue_nav(
            _("Cashback campaigns"), "loyalty:dashboard-campaigns", order=60, roles=EDITORS
        )
        register_venue_nav(_("Economics"), "loyalty:dashboard-economics", order=70)
