"""The REST API, version 1, mounted at /api/v1/."""

from django.urls import path

from accounts.api import MeView, TokenObtainView
from referrals.api import MyReferralsView

urlpatterns = [
    path("auth/token/", TokenObtainView.as_view(), name="api-token"),
    path("me/", MeView.as_view(), name="api-me"),
    path("me/referrals/", MyReferralsView.as_view(), name="api-me-referrals"),
]
