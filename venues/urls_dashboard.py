"""URLs of the partner dashboard, mounted at /dashboard/ under the `dashboard` namespace."""

from django.urls import path

from venues import views_dashboard as views
from venues import views_points

app_name = "dashboard"

urlpatterns = [
    path("", views.index, name="index"),
    path("start/", views.start, name="start"),
    path("organisations/new/", views.organisation_create, name="organisation-create"),
    path("organisations/<int:organisation_id>/team/", views.team, name="team"),
    path(
        "organisations/<int:organisation_id>/members/<int:membership_id>/",
        views.member_update,
        name="member-update",
    ),
    path(
        "organisations/<int:organisation_id>/members/<int:membership_id>/remove/",
        views.member_remove,
        name="member-remove",
    ),
    path(
        "organisations/<int:organisation_id>/invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation-revoke",
    ),
    path(
        "organisations/<int:organisation_id>/venues/new/",
        views.venue_create,
        name="venue-create",
    ),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("venues/<int:venue_id>/", views.venue, name="venue"),
    path("venues/<int:venue_id>/edit/", views.venue_edit, name="venue-edit"),
    path(
        "venues/<int:venue_id>/confirm-schedule/",
        views.schedule_confirm,
        name="schedule-confirm",
    ),
    path("venues/<int:venue_id>/hours/", views.hours, name="hours"),
    path("venues/<int:venue_id>/exceptions/", views.exceptions, name="exceptions"),
    path(
        "venues/<int:venue_id>/exceptions/<int:exception_id>/delete/",
        views.exception_delete,
        name="exception-delete",
    ),
    path("venues/<int:venue_id>/photos/", views.photos, name="photos"),
    path(
        "venues/<int:venue_id>/photos/<int:photo_id>/delete/",
        views.photo_delete,
        name="photo-delete",
    ),
    path("venues/<int:venue_id>/rooms/", views.rooms, name="rooms"),
    path("venues/<int:venue_id>/rooms/new/", views.room_create, name="room-create"),
    path("venues/<int:venue_id>/rooms/<int:room_id>/", views.room, name="room"),
    path("venues/<int:venue_id>/rooms/<int:room_id>/edit/", views.room_edit, name="room-edit"),
    path(
        "venues/<int:venue_id>/rooms/<int:room_id>/prices/<int:price_id>/",
        views.price_edit,
        name="price-edit",
    ),
    path(
        "venues/<int:venue_id>/rooms/<int:room_id>/prices/<int:price_id>/delete/",
        views.price_delete,
        name="price-delete",
    ),
    path("venues/<int:venue_id>/points/", views_points.points, name="points"),
    path(
        "venues/<int:venue_id>/points/rooms/<int:room_id>/",
        views_points.room_points,
        name="points-room",
    ),
    path(
        "venues/<int:venue_id>/points/rules/",
        views_points.points_rule_create,
        name="points-rule-create",
    ),
    path(
        "venues/<int:venue_id>/points/rules/<int:rule_id>/delete/",
        views_points.points_rule_delete,
        name="points-rule-delete",
    ),
]
