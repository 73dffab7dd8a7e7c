"""Top-level URLs: the site, the partner dashboard, the API, the admin and operations."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from core.views import healthz
from venues.views import home

admin.site.site_header = _("Bronka administration")
admin.site.site_title = _("Bronka administration")
admin.site.index_title = _("Platform")

urlpatterns = [
    path("", home, name="home"),
    path("", include("accounts.urls")),
    path("", include("referrals.urls")),
    path("", include("venues.urls")),
    path("dashboard/", include("venues.urls_dashboard")),
    path("", include("bookings.urls")),
    path("", include("loyalty.urls")),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("healthz", healthz, name="healthz"),
    # Browsers and the admin (which does not link our icon) ask for /favicon.ico.
    path("favicon.ico", RedirectView.as_view(url=f"{settings.STATIC_URL}favicon.svg")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
