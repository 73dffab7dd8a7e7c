"""The REST API, version 1, mounted at /api/v1/."""

from django.urls import include, path

from accounts.api import MeView, TokenObtainView
from loyalty.api import (
    PartnerCampaignStopView,
    PartnerCampaignsView,
    PointsHistoryView,
    PointsView,
)
from referrals.api import MyReferralsView
from venues import api as venues_api

urlpatterns = [
    path("auth/token/", TokenObtainView.as_view(), name="api-token"),
    path("me/", MeView.as_view(), name="api-me"),
    path("me/referrals/", MyReferralsView.as_view(), name="api-me-referrals"),
    path("venues/", venues_api.VenueListView.as_view(), name="api-venues"),
    path("venues/<int:venue_id>/", venues_api.VenueDetailView.as_view(), name="api-venue"),
    path("rooms/", venues_api.RoomListView.as_view(), name="api-rooms"),
    path("rooms/<int:room_id>/", venues_api.RoomDetailView.as_view(), name="api-room"),
    path("partner/", include("venues.urls_api_partner")),
    path("", include("bookings.api_urls")),
    path("me/points/", PointsView.as_view(), name="api-me-points"),
    path("me/points/history/", PointsHistoryView.as_view(), name="api-me-points-history"),
    path(
        "partner/venues/<int:venue_id>/campaigns/",
        PartnerCampaignsView.as_view(),
        name="api-partner-campaigns",
    ),
    path(
        "partner/venues/<int:venue_id>/campaigns/<int:campaign_id>/stop/",
        PartnerCampaignStopView.as_view(),
        name="api-partner-campaign-stop",
    ),
]
