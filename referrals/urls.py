"""URLs of referrals' pages."""

from django.urls import path

from referrals import views

app_name = "referrals"

urlpatterns = [
    path("r/<str:code>", views.follow, name="follow"),
    path("me/invite/", views.invite, name="invite"),
]
