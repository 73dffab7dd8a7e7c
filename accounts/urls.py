"""URLs of accounts' own pages (sign-up, log-in and the rest are allauth's under /accounts/)."""

from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("me/profile/", views.profile, name="profile"),
]
