"""URLs of loyalty's pages."""

from django.urls import path

from loyalty import views

app_name = "loyalty"

urlpatterns = [
    path("me/points/", views.my_points, name="my_points"),
]
