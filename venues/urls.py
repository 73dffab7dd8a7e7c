"""URLs of the public catalogue: the search on the home page, venue and room pages."""

from django.urls import path

from venues import views

app_name = "venues"

urlpatterns = [
    path("venues/<int:venue_id>/", views.venue_detail, name="venue"),
    path("rooms/<int:room_id>/", views.room_detail, name="room"),
]
