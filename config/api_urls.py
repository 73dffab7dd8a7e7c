"""The REST API, version 1, mounted at /api/v1/."""

from django.urls import include, path

from accounts.api import MeView, TokenObtainView

urlpatterns = [
    path("auth/token/", TokenObtainView.as_view(), name="api-token"),
    path("me/", MeView.as_view(), name="api-me"),
    path("", include("bookings.api_urls")),
]
