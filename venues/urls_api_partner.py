"""Partner API routes, mounted at /api/v1/partner/."""

from django.urls import path

from venues import api_partner as api
from venues import api_partner_points as points_api

ORG = "organisations/<int:organisation_id>/"
VENUE = "venues/<int:venue_id>/"

urlpatterns = [
    path("organisations/", api.OrganisationListView.as_view(), name="api-partner-organisations"),
    path(ORG + "members/", api.MemberListView.as_view(), name="api-partner-members"),
    path(
        ORG + "members/<int:membership_id>/",
        api.MemberDetailView.as_view(),
        name="api-partner-member",
    ),
    path(ORG + "invitations/", api.InvitationListView.as_view(), name="api-partner-invitations"),
    path(
        ORG + "invitations/<int:invitation_id>/",
        api.InvitationDetailView.as_view(),
        name="api-partner-invitation",
    ),
    path(ORG + "venues/", api.OrganisationVenueListView.as_view(), name="api-partner-org-venues"),
    path("venues/", api.VenueListView.as_view(), name="api-partner-venues"),
    path(VENUE, api.VenueDetailView.as_view(), name="api-partner-venue"),
    path(
        VENUE + "confirm-schedule/",
        api.ScheduleConfirmView.as_view(),
        name="api-partner-schedule-confirm",
    ),
    path(VENUE + "hours/", api.HoursView.as_view(), name="api-partner-hours"),
    path(VENUE + "exceptions/", api.ExceptionListView.as_view(), name="api-partner-exceptions"),
    path(
        VENUE + "exceptions/<int:exception_id>/",
        api.ExceptionDetailView.as_view(),
        name="api-partner-exception",
    ),
    path(VENUE + "photos/", api.PhotoListView.as_view(), name="api-partner-photos"),
    path(VENUE + "photos/<int:photo_id>/", api.PhotoDetailView.as_view(), name="api-partner-photo"),
    path(VENUE + "rooms/", api.RoomListView.as_view(), name="api-partner-rooms"),
    path("rooms/<int:room_id>/", api.RoomDetailView.as_view(), name="api-partner-room"),
    path("rooms/<int:room_id>/prices/", api.PriceListView.as_view(), name="api-partner-prices"),
    path("prices/<int:price_id>/", api.PriceDetailView.as_view(), name="api-partner-price"),
    path(
        VENUE + "loyalty/", points_api.VenueLoyaltyView.as_view(), name="api-partner-venue-loyalty"
    ),
    path(
        "rooms/<int:room_id>/loyalty/",
        points_api.RoomLoyaltyView.as_view(),
        name="api-partner-room-loyalty",
    ),
    path(
        VENUE + "points-rules/",
        points_api.PointsRuleListView.as_view(),
        name="api-partner-points-rules",
    ),
    path(
        VENUE + "points-rules/<int:rule_id>/",
        points_api.PointsRuleDetailView.as_view(),
        name="api-partner-points-rule",
    ),
]
