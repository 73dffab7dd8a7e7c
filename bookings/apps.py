"""The bookings app: free time, quotes, bookings that never overlap, payments."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingsConfig(AppConfig):
    name = "bookings"
    verbose_name = _("Bookings")

    def ready(self) -> None:
        # Registries of venues are filled here, once every model is loaded.
        from bookings import receivers
        from bookings.catalogue import FREE_ON_DATE
        from bookings.services.open_time import open_time_refresh
        from venues.extensions import SCHEDULE_CHANGED, SEARCH, VENUE_NAV, nav_item

        receivers.connect()
        SEARCH.register(FREE_ON_DATE)
        # The search's stored open time follows every schedule change, in its transaction.
        SCHEDULE_CHANGED.register(open_time_refresh)
        # Every member role handles bookings, so the calendar is in everyone's venue menu.
        VENUE_NAV.register(
            nav_item(_("Calendar and bookings"), "bookings:dashboard-calendar", order=15)
        )
