from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LoyaltyConfig(AppConfig):
    name = "loyalty"
    verbose_name = _("Loyalty")

    def ready(self) -> None:
        from loyalty import receivers
        from venues.dashboard import register_venue_nav
        from venues.selectors import EDITORS

        receivers.connect()
        register_venue_nav(
            _("Cashback campaigns"), "loyalty:dashboard-campaigns", order=60, roles=EDITORS
        )
        register_venue_nav(_("Economics"), "loyalty:dashboard-economics", order=70)
