"""URLs of loyalty's pages: the client's points and the partner dashboard pages."""

from django.urls import path

from loyalty import dashboard, views

app_name = "loyalty"

urlpatterns = [
    path("me/points/", views.my_points, name="my_points"),
    path(
        "dashboard/venues/<int:venue_id>/campaigns/",
        dashboard.campaigns,
        name="dashboard-campaigns",
    ),
    path(
        "dashboard/venues/<int:venue_id>/economics/",
        dashboard.economics,
        name="dashboard-economics",
    ),
    path(
        "dashboard/venues/<int:venue_id>/campaigns/<int:campaign_id>/stop/",
        dashboard.campaign_stop,
        name="dashboard-campaign-stop",
    ),
]
