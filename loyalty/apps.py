"""The loyalty app: the points ledger, and the points programme bookings uses."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LoyaltyConfig(AppConfig):
    name = "loyalty"
    verbose_name = _("Loyalty")

    def ready(self) -> None:
        # Registries of the apps below are filled here, once every model is loaded.
        from bookings.points import PROGRAMME
        from loyalty import receivers
        from loyalty.catalogue import visitor_cashback_percent
        from loyalty.programme import LedgerProgramme
        from venues.extensions import CASHBACK, EDITORS, VENUE_NAV, nav_item

        PROGRAMME.register(LedgerProgramme())
        CASHBACK.register(visitor_cashback_percent)
        receivers.connect()
        VENUE_NAV.register(
            nav_item(
                _("Cashback campaigns"), "loyalty:dashboard-campaigns", order=60, roles=EDITORS
            )
        )
        VENUE_NAV.register(nav_item(_("Economics"), "loyalty:dashboard-economics", order=70))
