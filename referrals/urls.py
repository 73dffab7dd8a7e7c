"""URLs of referrals' pages."""

from django.urls import path

from referrals import views

app_name = "referrals"

urlpatterns = [
    path("r/<str:code>", views.follow, name="follow"),
    path("me/invite/", views.invite, name="invite"),
    # Shadows allauth's sign-up URL (included later in config/urls.py) to prefill the code.
    path("accounts/signup/", views.signup),
]
