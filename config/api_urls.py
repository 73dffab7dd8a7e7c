"""The REST API, version 1, mounted at /api/v1/."""

from django.urls import path

from accounts.api import MeView, TokenObtainView
from loyalty.api import PointsHistoryView, PointsView

urlpatterns = [
    path("auth/token/", TokenObtainView.as_view(), name="api-token"),
    path("me/", MeView.as_view(), name="api-me"),
    path("me/points/", PointsView.as_view(), name="api-me-points"),
    path("me/points/history/", PointsHistoryView.as_view(), name="api-me-points-history"),
]
