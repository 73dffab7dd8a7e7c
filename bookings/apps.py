from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingsConfig(AppConfig):
    name = "bookings"
    verbose_name = _("Bookings")

    def ready(self) -> None:
        from bookings.catalogue import FREE_ON_DATE
        from venues import catalogue
        from venues.dashboard import register_venue_nav

        catalogue.register(FREE_ON_DATE)

        # Every member role handles bookings, so the calendar is in everyone's venue menu.
        register_venue_nav(_("Calendar and bookings"), "bookings:dashboard-calendar", order=15)
