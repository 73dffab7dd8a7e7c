"""Partner API of venues, their photos and their rooms."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from accounts.http import SignedInApiRequest
from core.errors import NotFound
from venues import selectors, services
from venues.forms import WHOLE_NUMBER
from venues.models import CAPACITY_VALIDATORS, EDITORS, City, Room, Venue
from venues.partner_api.base import PartnerView, validated


class PartnerVenueIn(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(
        required=False, allow_blank=True, style={"base_template": "textarea.html"}
    )
    city = serializers.SlugRelatedField(slug_field="slug", queryset=City.objects.all())
    address = serializers.CharField(max_length=300)
    metro = serializers.CharField(max_length=100, required=False, allow_blank=True)
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True, min_value=-90, max_value=90
    )
    longitude = serializers.DecimalField(
        max_digits=9,
        decimal_places=6,
        required=False,
        allow_null=True,
        min_value=-180,
        max_value=180,
    )
    timezone = serializers.CharField(max_length=64, required=False, allow_blank=True)
    pay_at_venue = serializers.BooleanField(required=False)
    pay_online = serializers.BooleanField(required=False)
    booking_mode = serializers.ChoiceField(choices=Venue.BookingMode.choices, required=False)
    cancellation_free_hours = serializers.IntegerField(
        required=False, min_value=0, max_value=24 * 30
    )
    cancellation_fee_percent = serializers.IntegerField(required=False, min_value=0, max_value=100)
    is_published = serializers.BooleanField(required=False)


class PartnerVenueOut(serializers.Serializer):
    id = serializers.IntegerField()
    organisation = serializers.IntegerField(source="organisation_id")
    name = serializers.CharField()
    description = serializers.CharField()
    city = serializers.CharField(source="city.slug")
    address = serializers.CharField()
    metro = serializers.CharField()
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    timezone = serializers.CharField()
    pay_at_venue = serializers.BooleanField()
    pay_online = serializers.BooleanField()
    booking_mode = serializers.CharField()
    cancellation_free_hours = serializers.IntegerField()
    cancellation_fee_percent = serializers.IntegerField()
    is_published = serializers.BooleanField()
    moderation = serializers.ChoiceField(
        choices=Venue.Moderation.choices,
        read_only=True,
        help_text="Staff review: the venue is in the catalogue only when approved and published.",
    )
    moderation_reason = serializers.CharField(
        read_only=True, help_text="Why staff rejected the venue (empty otherwise)."
    )
    schedule_confirmed_at = serializers.DateTimeField(allow_null=True)


class PartnerPhotoIn(serializers.Serializer):
    image = serializers.FileField(help_text="JPEG, PNG or WebP up to 5 MB")
    room = serializers.IntegerField(required=False, help_text="Leave out for a venue photo")


class PartnerPhotoOut(serializers.Serializer):
    id = serializers.IntegerField()
    room = serializers.IntegerField(source="room_id", allow_null=True)
    position = serializers.IntegerField()
    url = serializers.SerializerMethodField()

    def get_url(self, photo) -> str:
        return self.context["request"].build_absolute_uri(photo.image.url)


class PartnerRoomIn(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=Room.Kind.choices)
    description = serializers.CharField(
        required=False, allow_blank=True, style={"base_template": "textarea.html"}
    )
    capacity = serializers.IntegerField(
        validators=CAPACITY_VALIDATORS, error_messages={"invalid": WHOLE_NUMBER}
    )
    area_m2 = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    equipment = serializers.ListField(
        child=serializers.CharField(max_length=100), required=False, max_length=100
    )
    slot_minutes = serializers.ChoiceField(choices=Room.SlotStep.choices, required=False)
    min_booking_minutes = serializers.IntegerField(required=False, min_value=30, max_value=24 * 60)
    buffer_minutes = serializers.IntegerField(required=False, min_value=0, max_value=240)
    is_active = serializers.BooleanField(required=False)


class PartnerRoomOut(serializers.Serializer):
    id = serializers.IntegerField()
    venue = serializers.IntegerField(source="venue_id")
    name = serializers.CharField()
    kind = serializers.CharField()
    description = serializers.CharField()
    capacity = serializers.IntegerField()
    area_m2 = serializers.IntegerField(allow_null=True)
    equipment = serializers.ListField(child=serializers.CharField())
    slot_minutes = serializers.IntegerField()
    min_booking_minutes = serializers.IntegerField()
    buffer_minutes = serializers.IntegerField()
    is_active = serializers.BooleanField()
    price_from = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)


class OrganisationVenueListView(PartnerView):
    """The organisation's venues (GET); add a venue (POST, owners and managers)."""

    @extend_schema(responses=PartnerVenueOut(many=True))
    def get(self, request: SignedInApiRequest, organisation_id: int) -> Response:
        organisation = self.organisation(organisation_id)
        venues = organisation.venues.select_related("city").order_by("name")
        return Response(PartnerVenueOut(venues, many=True).data)

    @extend_schema(request=PartnerVenueIn, responses={201: PartnerVenueOut})
    def post(self, request: SignedInApiRequest, organisation_id: int) -> Response:
        organisation = self.organisation(organisation_id, roles=EDITORS)
        venue = services.venue_create(
            actor=request.user, organisation=organisation, **validated(PartnerVenueIn, request)
        )
        return Response(PartnerVenueOut(venue).data, status=status.HTTP_201_CREATED)


class VenueListView(PartnerView):
    """All venues of all the caller's organisations."""

    @extend_schema(responses=PartnerVenueOut(many=True))
    def get(self, request: SignedInApiRequest) -> Response:
        venues = selectors.venues_for_member(request.user).select_related("city").order_by("name")
        return Response(PartnerVenueOut(venues, many=True).data)


class VenueDetailView(PartnerView):
    """A venue (GET, any member); change its details (PATCH, owners and managers)."""

    @extend_schema(responses=PartnerVenueOut)
    def get(self, request: SignedInApiRequest, venue_id: int) -> Response:
        return Response(PartnerVenueOut(self.venue(venue_id)).data)

    @extend_schema(request=PartnerVenueIn, responses=PartnerVenueOut)
    def patch(self, request: SignedInApiRequest, venue_id: int) -> Response:
        venue = self.venue(venue_id, roles=EDITORS)
        venue = services.venue_update(
            actor=request.user, venue=venue, **validated(PartnerVenueIn, request)
        )
        return Response(PartnerVenueOut(venue).data)


class PhotoListView(PartnerView):
    """The venue's photos (GET); upload one, for the venue or one of its rooms (POST)."""

    parser_classes = [MultiPartParser]

    @extend_schema(responses=PartnerPhotoOut(many=True))
    def get(self, request: SignedInApiRequest, venue_id: int) -> Response:
        photos = self.venue(venue_id).photos.all()
        return Response(PartnerPhotoOut(photos, many=True, context={"request": request}).data)

    @extend_schema(
        request={"multipart/form-data": PartnerPhotoIn}, responses={201: PartnerPhotoOut}
    )
    def post(self, request: SignedInApiRequest, venue_id: int) -> Response:
        venue = self.venue(venue_id, roles=EDITORS)
        values = validated(PartnerPhotoIn, request)
        room = None
        if values.get("room"):
            room = venue.rooms.filter(pk=values["room"]).first()
            if room is None:
                raise NotFound(_("Not found."))
        photo = services.photo_add(
            actor=request.user, venue=venue, image=values["image"], room=room
        )
        return Response(
            PartnerPhotoOut(photo, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class PhotoDetailView(PartnerView):
    """Delete a photo (owners and managers)."""

    @extend_schema(responses={204: None})
    def delete(self, request: SignedInApiRequest, venue_id: int, photo_id: int) -> Response:
        venue = self.venue(venue_id, roles=EDITORS)
        photo = venue.photos.filter(pk=photo_id).first()
        if photo is None:
            raise NotFound(_("Not found."))
        services.photo_delete(actor=request.user, photo=photo)
        return Response(status=status.HTTP_204_NO_CONTENT)


class RoomListView(PartnerView):
    """The venue's rooms (GET); add a room (POST, owners and managers)."""

    @extend_schema(responses=PartnerRoomOut(many=True))
    def get(self, request: SignedInApiRequest, venue_id: int) -> Response:
        return Response(PartnerRoomOut(self.venue(venue_id).rooms.order_by("name"), many=True).data)

    @extend_schema(request=PartnerRoomIn, responses={201: PartnerRoomOut})
    def post(self, request: SignedInApiRequest, venue_id: int) -> Response:
        venue = self.venue(venue_id, roles=EDITORS)
        room = services.room_create(
            actor=request.user, venue=venue, **validated(PartnerRoomIn, request)
        )
        return Response(PartnerRoomOut(room).data, status=status.HTTP_201_CREATED)


class RoomDetailView(PartnerView):
    """A room (GET); change it (PATCH, owners and managers)."""

    @extend_schema(responses=PartnerRoomOut)
    def get(self, request: SignedInApiRequest, room_id: int) -> Response:
        return Response(PartnerRoomOut(self.room(room_id)).data)

    @extend_schema(request=PartnerRoomIn, responses=PartnerRoomOut)
    def patch(self, request: SignedInApiRequest, room_id: int) -> Response:
        room = self.room(room_id, roles=EDITORS)
        values = validated(PartnerRoomIn, request)
        room = services.room_update(actor=request.user, room=room, **values)
        return Response(PartnerRoomOut(room).data)
