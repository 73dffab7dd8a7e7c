"""URLs of the partner dashboard, mounted at /dashboard/ under the `dashboard` namespace."""

from django.urls import path

from venues.partner_views import organisations, points, schedule, venues

app_name = "dashboard"

urlpatterns = [
    path("", organisations.index, name="index"),
    path("start/", organisations.start, name="start"),
    path("organisations/new/", organisations.organisation_create, name="organisation-create"),
    path("organisations/<int:organisation_id>/team/", organisations.team, name="team"),
    path(
        "organisations/<int:organisation_id>/members/<int:membership_id>/",
        organisations.member_update,
        name="member-update",
    ),
    path(
        "organisations/<int:organisation_id>/members/<int:membership_id>/remove/",
        organisations.member_remove,
        name="member-remove",
    ),
    path(
        "organisations/<int:organisation_id>/invitations/<int:invitation_id>/revoke/",
        organisations.invitation_revoke,
        name="invitation-revoke",
    ),
    path(
        "organisations/<int:organisation_id>/venues/new/",
        venues.venue_create,
        name="venue-create",
    ),
    path("invitations/<str:token>/", organisations.invitation, name="invitation"),
    path("venues/<int:venue_id>/", venues.venue, name="venue"),
    path("venues/<int:venue_id>/edit/", venues.venue_edit, name="venue-edit"),
    path(
        "venues/<int:venue_id>/confirm-schedule/",
        schedule.schedule_confirm,
        name="schedule-confirm",
    ),
    path("venues/<int:venue_id>/hours/", schedule.hours, name="hours"),
    path("venues/<int:venue_id>/exceptions/", schedule.exceptions, name="exceptions"),
    path(
        "venues/<int:venue_id>/exceptions/<int:exception_id>/delete/",
        schedule.exception_delete,
        name="exception-delete",
    ),
    path("venues/<int:venue_id>/photos/", venues.photos, name="photos"),
    path(
        "venues/<int:venue_id>/photos/<int:photo_id>/delete/",
        venues.photo_delete,
        name="photo-delete",
    ),
    path("venues/<int:venue_id>/rooms/", venues.rooms, name="rooms"),
    path("venues/<int:venue_id>/rooms/new/", venues.room_create, name="room-create"),
    path("venues/<int:venue_id>/rooms/<int:room_id>/", schedule.room, name="room"),
    path("venues/<int:venue_id>/rooms/<int:room_id>/edit/", venues.room_edit, name="room-edit"),
    path(
        "venues/<int:venue_id>/rooms/<int:room_id>/prices/<int:price_id>/",
        schedule.price_edit,
        name="price-edit",
    ),
    path(
        "venues/<int:venue_id>/rooms/<int:room_id>/prices/<int:price_id>/delete/",
        schedule.price_delete,
        name="price-delete",
    ),
    path("venues/<int:venue_id>/points/", points.points, name="points"),
    path(
        "venues/<int:venue_id>/points/rooms/<int:room_id>/",
        points.room_points,
        name="points-room",
    ),
    path(
        "venues/<int:venue_id>/points/rules/",
        points.points_rule_create,
        name="points-rule-create",
    ),
    path(
        "venues/<int:venue_id>/points/rules/<int:rule_id>/delete/",
        points.points_rule_delete,
        name="points-rule-delete",
    ),
]
