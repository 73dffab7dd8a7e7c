from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingsConfig(AppConfig):
    name = "bookings"
    verbose_name = _("Bookings")

    def ready(self) -> None:
        from venues.dashboard import register_venue_nav

        # Every member role handles bookings, so the calendar is in everyone's venue menu.
        register_venue_nav(_("Calendar and bookings"), "bookings:dashboard-calendar", order=15)
