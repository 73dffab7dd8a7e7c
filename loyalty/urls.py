"""URLs of loyalty's pages: the client's points and the partner dashboard pages."""

from django.urls import path

from loyalty import partner_views, views

app_name = "loyalty"

urlpatterns = [
    path("me/points/", views.my_points, name="my_points"),
    path(
        "dashboard/venues/<int:venue_id>/campaigns/",
        partner_views.campaigns,
        name="dashboard-campaigns",
    ),
    path(
        "dashboard/venues/<int:venue_id>/economics/",
        partner_views.economics,
        name="dashboard-economics",
    ),
    path(
        "dashboard/venues/<int:venue_id>/campaigns/<int:campaign_id>/stop/",
        partner_views.campaign_stop,
        name="dashboard-campaign-stop",
    ),
]
