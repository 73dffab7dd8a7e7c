"""Partner API routes, mounted at /api/v1/partner/."""

from django.urls import path

from venues.partner_api import organisations, points, schedule, venues

ORG = "organisations/<int:organisation_id>/"
VENUE = "venues/<int:venue_id>/"

urlpatterns = [
    path(
        "organisations/",
        organisations.OrganisationListView.as_view(),
        name="api-partner-organisations",
    ),
    path(ORG + "members/", organisations.MemberListView.as_view(), name="api-partner-members"),
    path(
        ORG + "members/<int:membership_id>/",
        organisations.MemberDetailView.as_view(),
        name="api-partner-member",
    ),
    path(
        ORG + "invitations/",
        organisations.InvitationListView.as_view(),
        name="api-partner-invitations",
    ),
    path(
        ORG + "invitations/<int:invitation_id>/",
        organisations.InvitationDetailView.as_view(),
        name="api-partner-invitation",
    ),
    path(
        ORG + "venues/", venues.OrganisationVenueListView.as_view(), name="api-partner-org-venues"
    ),
    path("venues/", venues.VenueListView.as_view(), name="api-partner-venues"),
    path(VENUE, venues.VenueDetailView.as_view(), name="api-partner-venue"),
    path(
        VENUE + "confirm-schedule/",
        schedule.ScheduleConfirmView.as_view(),
        name="api-partner-schedule-confirm",
    ),
    path(VENUE + "hours/", schedule.HoursView.as_view(), name="api-partner-hours"),
    path(
        VENUE + "exceptions/", schedule.ExceptionListView.as_view(), name="api-partner-exceptions"
    ),
    path(
        VENUE + "exceptions/<int:exception_id>/",
        schedule.ExceptionDetailView.as_view(),
        name="api-partner-exception",
    ),
    path(VENUE + "photos/", venues.PhotoListView.as_view(), name="api-partner-photos"),
    path(
        VENUE + "photos/<int:photo_id>/", venues.PhotoDetailView.as_view(), name="api-partner-photo"
    ),
    path(VENUE + "rooms/", venues.RoomListView.as_view(), name="api-partner-rooms"),
    path("rooms/<int:room_id>/", venues.RoomDetailView.as_view(), name="api-partner-room"),
    path(
        "rooms/<int:room_id>/prices/", schedule.PriceListView.as_view(), name="api-partner-prices"
    ),
    path("prices/<int:price_id>/", schedule.PriceDetailView.as_view(), name="api-partner-price"),
    path(VENUE + "loyalty/", points.VenueLoyaltyView.as_view(), name="api-partner-venue-loyalty"),
    path(
        "rooms/<int:room_id>/loyalty/",
        points.RoomLoyaltyView.as_view(),
        name="api-partner-room-loyalty",
    ),
    path(
        VENUE + "points-rules/",
        points.PointsRuleListView.as_view(),
        name="api-partner-points-rules",
    ),
    path(
        VENUE + "points-rules/<int:rule_id>/",
        points.PointsRuleDetailView.as_view(),
        name="api-partner-points-rule",
    ),
]
