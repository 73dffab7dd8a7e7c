"""Partner API (/api/v1/partner/): what the dashboard does, scoped to the caller's organisations.

Every object is resolved through venues.selectors (another organisation's object is a 404, a
too-weak role a 403); every write calls one service, whose errors core.api turns into JSON.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import NotFound
from venues import selectors, services
from venues.forms import NUMBER, WHOLE_NUMBER
from venues.models import (
    CAPACITY_VALIDATORS,
    EDITORS,
    EVERYONE,
    PRICE_POSITIVE_MESSAGE,
    City,
    Membership,
    OpeningHours,
    Price,
    Room,
    Venue,
)

OWNERS = (Membership.Role.OWNER,)
TIME = {"format": "%H:%M"}


# --- serializers ----------------------------------------------------------------------------------


class PartnerOrganisationIn(serializers.Serializer):
    name = serializers.CharField(max_length=200)


class PartnerOrganisationOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    role = serializers.CharField(help_text="the caller's role")


class PartnerMemberOut(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField(source="user.email")
    name = serializers.CharField(source="user.name")
    role = serializers.CharField()


class PartnerRoleIn(serializers.Serializer):
    role = serializers.ChoiceField(choices=Membership.Role.choices)


class PartnerInvitationIn(serializers.Serializer):
    email = serializers.EmailField()
    role = serializers.ChoiceField(choices=Membership.Role.choices)


class PartnerInvitationOut(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    role = serializers.CharField()
    created_at = serializers.DateTimeField()


class PartnerVenueIn(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
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
    schedule_confirmed_at = serializers.DateTimeField(allow_null=True)


class PartnerDayHoursIO(serializers.Serializer):
    weekday = serializers.ChoiceField(choices=OpeningHours.Weekday.choices)
    closed = serializers.BooleanField(default=False, help_text="Closed all day")
    opens = serializers.TimeField(**TIME, required=False, allow_null=True)
    closes = serializers.TimeField(
        **TIME, required=False, allow_null=True, help_text="At or before `opens`: the next day"
    )

    def validate(self, data):
        if not data.get("closed") and (data.get("opens") is None or data.get("closes") is None):
            message = _("Enter both times, or mark the day closed.")
            raise serializers.ValidationError({"opens": [message]})
        return data


class PartnerHoursIn(serializers.Serializer):
    days = PartnerDayHoursIO(
        many=True,
        help_text=(
            "The whole week: all seven weekdays (0 = Monday … 6 = Sunday), each with `opens` "
            "and `closes` or with `closed: true`. A week with a day missing is refused (400), "
            "so nothing changes by omission."
        ),
    )

    def validate_days(self, days):
        weekdays = [d["weekday"] for d in days]
        if len(weekdays) != len(set(weekdays)):
            raise serializers.ValidationError(_("Each weekday may appear once."))
        missing = sorted(set(range(7)) - set(weekdays))
        if missing:
            names = ", ".join(str(OpeningHours.Weekday(day).label) for day in missing)
            raise serializers.ValidationError(
                _("Give all seven weekdays (a closed day with closed: true); missing: %(days)s.")
                % {"days": names}
            )
        return days


class PartnerPriceOutsideHoursOut(serializers.Serializer):
    id = serializers.IntegerField()
    room = serializers.IntegerField(source="room_id")
    room_name = serializers.CharField(source="room.name")
    day_type = serializers.CharField()
    starts = serializers.TimeField(**TIME)
    ends = serializers.TimeField(**TIME)


class PartnerHoursOut(serializers.Serializer):
    days = PartnerDayHoursIO(many=True, help_text="All seven weekdays")
    schedule_confirmed_at = serializers.DateTimeField(allow_null=True)
    prices_outside_hours = PartnerPriceOutsideHoursOut(
        many=True,
        help_text="Price bands that no longer lie within the opening hours of their day type. "
        "They are kept; change or delete them.",
    )


class PartnerExceptionIO(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    date = serializers.DateField()
    is_closed = serializers.BooleanField(default=True)
    opens = serializers.TimeField(**TIME, required=False, allow_null=True)
    closes = serializers.TimeField(**TIME, required=False, allow_null=True)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class PartnerPhotoIn(serializers.Serializer):
    image = serializers.FileField(help_text="JPEG, PNG or WebP up to 5 MB")
    room = serializers.IntegerField(required=False, allow_null=True)


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
    description = serializers.CharField(required=False, allow_blank=True)
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


class PartnerPriceIn(serializers.Serializer):
    day_type = serializers.ChoiceField(choices=Price.DayType.choices)
    starts = serializers.TimeField(**TIME)
    ends = serializers.TimeField(**TIME, help_text="At or before `starts`: past midnight")
    price_per_hour = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"), message=PRICE_POSITIVE_MESSAGE)],
        error_messages={"invalid": NUMBER},
    )
    valid_from = serializers.DateField(required=False, allow_null=True)
    valid_until = serializers.DateField(required=False, allow_null=True)


class PartnerPriceOut(PartnerPriceIn):
    id = serializers.IntegerField()
    room = serializers.IntegerField(source="room_id")


# --- views ----------------------------------------------------------------------------------------


class PartnerView(APIView):
    permission_classes = [IsAuthenticated]

    def venue(self, venue_id: int, roles=EVERYONE) -> Venue:
        return selectors.venue_for_member(user=self.request.user, venue_id=venue_id, roles=roles)

    def room(self, room_id: int, roles=EVERYONE) -> Room:
        return selectors.room_for_member(user=self.request.user, room_id=room_id, roles=roles)

    def organisation(self, organisation_id: int, roles=EVERYONE):
        return selectors.organisation_for_member(
            user=self.request.user, organisation_id=organisation_id, roles=roles
        )


def _valid(serializer_class, request: Request, *, partial: bool = False) -> dict:
    data = serializer_class(data=request.data, partial=partial)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


class OrganisationListView(PartnerView):
    """The caller's organisations (GET), or register a new one with the caller as owner (POST)."""

    @extend_schema(responses=PartnerOrganisationOut(many=True))
    def get(self, request: Request) -> Response:
        rows = Membership.objects.filter(user=request.user).select_related("organisation")
        data = [
            {"id": m.organisation_id, "name": m.organisation.name, "role": m.role} for m in rows
        ]
        return Response(PartnerOrganisationOut(data, many=True).data)

    @extend_schema(request=PartnerOrganisationIn, responses={201: PartnerOrganisationOut})
    def post(self, request: Request) -> Response:
        values = _valid(PartnerOrganisationIn, request)
        organisation = services.organisation_create(user=request.user, name=values["name"])
        data = {"id": organisation.pk, "name": organisation.name, "role": Membership.Role.OWNER}
        return Response(PartnerOrganisationOut(data).data, status=status.HTTP_201_CREATED)


class MemberListView(PartnerView):
    """The organisation's members."""

    @extend_schema(responses=PartnerMemberOut(many=True))
    def get(self, request: Request, organisation_id: int) -> Response:
        organisation = self.organisation(organisation_id)
        members = organisation.memberships.select_related("user").order_by("user__email")
        return Response(PartnerMemberOut(members, many=True).data)


class MemberDetailView(PartnerView):
    """Change a member's role or remove them (owners only)."""

    def _member(self, organisation_id: int, membership_id: int) -> Membership:
        organisation = self.organisation(organisation_id, roles=OWNERS)
        membership = (
            organisation.memberships.select_related("user").filter(pk=membership_id).first()
        )
        if membership is None:
            raise NotFound(_("Not found."))
        return membership

    @extend_schema(request=PartnerRoleIn, responses=PartnerMemberOut)
    def patch(self, request: Request, organisation_id: int, membership_id: int) -> Response:
        membership = self._member(organisation_id, membership_id)
        role = _valid(PartnerRoleIn, request)["role"]
        membership = services.membership_update(
            actor=request.user, membership=membership, role=role
        )
        return Response(PartnerMemberOut(membership).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, organisation_id: int, membership_id: int) -> Response:
        membership = self._member(organisation_id, membership_id)
        services.membership_remove(actor=request.user, membership=membership)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationListView(PartnerView):
    """Open invitations (GET); invite someone by e-mail with a role (POST, owners)."""

    @extend_schema(responses=PartnerInvitationOut(many=True))
    def get(self, request: Request, organisation_id: int) -> Response:
        organisation = self.organisation(organisation_id)
        invitations = organisation.invitations.filter(accepted_at__isnull=True)
        return Response(PartnerInvitationOut(invitations, many=True).data)

    @extend_schema(request=PartnerInvitationIn, responses={201: PartnerInvitationOut})
    def post(self, request: Request, organisation_id: int) -> Response:
        organisation = self.organisation(organisation_id, roles=OWNERS)
        values = _valid(PartnerInvitationIn, request)
        invitation = services.invitation_create(
            actor=request.user, organisation=organisation, **values
        )
        return Response(PartnerInvitationOut(invitation).data, status=status.HTTP_201_CREATED)


class InvitationDetailView(PartnerView):
    """Withdraw an open invitation (owners)."""

    @extend_schema(responses={204: None})
    def delete(self, request: Request, organisation_id: int, invitation_id: int) -> Response:
        organisation = self.organisation(organisation_id, roles=OWNERS)
        invitation = organisation.invitations.filter(
            pk=invitation_id, accepted_at__isnull=True
        ).first()
        if invitation is None:
            raise NotFound(_("Not found."))
        services.invitation_revoke(actor=request.user, invitation=invitation)
        return Response(status=status.HTTP_204_NO_CONTENT)


class OrganisationVenueListView(PartnerView):
    """The organisation's venues (GET); add a venue (POST, owners and managers)."""

    @extend_schema(responses=PartnerVenueOut(many=True))
    def get(self, request: Request, organisation_id: int) -> Response:
        organisation = self.organisation(organisation_id)
        venues = organisation.venues.select_related("city").order_by("name")
        return Response(PartnerVenueOut(venues, many=True).data)

    @extend_schema(request=PartnerVenueIn, responses={201: PartnerVenueOut})
    def post(self, request: Request, organisation_id: int) -> Response:
        organisation = self.organisation(organisation_id, roles=EDITORS)
        venue = services.venue_create(
            actor=request.user, organisation=organisation, **_valid(PartnerVenueIn, request)
        )
        return Response(PartnerVenueOut(venue).data, status=status.HTTP_201_CREATED)


class VenueListView(PartnerView):
    """All venues of all the caller's organisations."""

    @extend_schema(responses=PartnerVenueOut(many=True))
    def get(self, request: Request) -> Response:
        venues = selectors.venues_for_member(request.user).select_related("city").order_by("name")
        return Response(PartnerVenueOut(venues, many=True).data)


class VenueDetailView(PartnerView):
    """A venue (GET, any member); change its details (PATCH, owners and managers)."""

    @extend_schema(responses=PartnerVenueOut)
    def get(self, request: Request, venue_id: int) -> Response:
        return Response(PartnerVenueOut(self.venue(venue_id)).data)

    @extend_schema(request=PartnerVenueIn, responses=PartnerVenueOut)
    def patch(self, request: Request, venue_id: int) -> Response:
        venue = self.venue(venue_id, roles=EDITORS)
        venue = services.venue_update(
            actor=request.user, venue=venue, **_valid(PartnerVenueIn, request, partial=True)
        )
        return Response(PartnerVenueOut(venue).data)


class ScheduleConfirmView(PartnerView):
    """Say the schedule is up to date (owners and managers)."""

    @extend_schema(request=None, responses=PartnerVenueOut)
    def post(self, request: Request, venue_id: int) -> Response:
        venue = services.schedule_confirm(actor=request.user, venue=self.venue(venue_id, EDITORS))
        return Response(PartnerVenueOut(venue).data)


def _hours_out(venue: Venue) -> dict:
    hours = {h.weekday: h for h in venue.opening_hours.all()}
    days = [
        {"weekday": day, "closed": False, "opens": hours[day].opens, "closes": hours[day].closes}
        if day in hours
        else {"weekday": day, "closed": True, "opens": None, "closes": None}
        for day in range(7)
    ]
    return PartnerHoursOut(
        {
            "days": days,
            "schedule_confirmed_at": venue.schedule_confirmed_at,
            "prices_outside_hours": selectors.prices_outside_hours(venue),
        }
    ).data


class HoursView(PartnerView):
    """The weekly hours (GET); replace the whole week (PUT, owners and managers).

    PUT confirms the schedule. Price bands that fall outside the new hours are kept and listed
    in `prices_outside_hours`.
    """

    @extend_schema(responses=PartnerHoursOut)
    def get(self, request: Request, venue_id: int) -> Response:
        return Response(_hours_out(self.venue(venue_id)))

    @extend_schema(request=PartnerHoursIn, responses=PartnerHoursOut)
    def put(self, request: Request, venue_id: int) -> Response:
        venue = self.venue(venue_id, roles=EDITORS)
        hours = {
            day["weekday"]: None
            if day["closed"]
            else services.DayHours(opens=day["opens"], closes=day["closes"])
            for day in _valid(PartnerHoursIn, request)["days"]
        }
        services.opening_hours_set(actor=request.user, venue=venue, hours=hours)
        venue.refresh_from_db()
        return Response(_hours_out(venue))


class ExceptionListView(PartnerView):
    """Closed days and special hours (GET); add one (POST, owners and managers)."""

    @extend_schema(responses=PartnerExceptionIO(many=True))
    def get(self, request: Request, venue_id: int) -> Response:
        venue = self.venue(venue_id)
        return Response(PartnerExceptionIO(venue.exceptions.order_by("date"), many=True).data)

    @extend_schema(request=PartnerExceptionIO, responses={201: PartnerExceptionIO})
    def post(self, request: Request, venue_id: int) -> Response:
        venue = self.venue(venue_id, roles=EDITORS)
        exception = services.schedule_exception_create(
            actor=request.user, venue=venue, **_valid(PartnerExceptionIO, request)
        )
        return Response(PartnerExceptionIO(exception).data, status=status.HTTP_201_CREATED)


class ExceptionDetailView(PartnerView):
    """Delete an exception (owners and managers)."""

    @extend_schema(responses={204: None})
    def delete(self, request: Request, venue_id: int, exception_id: int) -> Response:
        venue = self.venue(venue_id, roles=EDITORS)
        exception = venue.exceptions.filter(pk=exception_id).first()
        if exception is None:
            raise NotFound(_("Not found."))
        services.schedule_exception_delete(actor=request.user, exception=exception)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PhotoListView(PartnerView):
    """The venue's photos (GET); upload one, for the venue or one of its rooms (POST)."""

    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(responses=PartnerPhotoOut(many=True))
    def get(self, request: Request, venue_id: int) -> Response:
        photos = self.venue(venue_id).photos.all()
        return Response(PartnerPhotoOut(photos, many=True, context={"request": request}).data)

    @extend_schema(
        request={"multipart/form-data": PartnerPhotoIn}, responses={201: PartnerPhotoOut}
    )
    def post(self, request: Request, venue_id: int) -> Response:
        venue = self.venue(venue_id, roles=EDITORS)
        values = _valid(PartnerPhotoIn, request)
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
    def delete(self, request: Request, venue_id: int, photo_id: int) -> Response:
        venue = self.venue(venue_id, roles=EDITORS)
        photo = venue.photos.filter(pk=photo_id).first()
        if photo is None:
            raise NotFound(_("Not found."))
        services.photo_delete(actor=request.user, photo=photo)
        return Response(status=status.HTTP_204_NO_CONTENT)


class RoomListView(PartnerView):
    """The venue's rooms (GET); add a room (POST, owners and managers)."""

    @extend_schema(responses=PartnerRoomOut(many=True))
    def get(self, request: Request, venue_id: int) -> Response:
        return Response(PartnerRoomOut(self.venue(venue_id).rooms.order_by("name"), many=True).data)

    @extend_schema(request=PartnerRoomIn, responses={201: PartnerRoomOut})
    def post(self, request: Request, venue_id: int) -> Response:
        venue = self.venue(venue_id, roles=EDITORS)
        room = services.room_create(
            actor=request.user, venue=venue, **_valid(PartnerRoomIn, request)
        )
        return Response(PartnerRoomOut(room).data, status=status.HTTP_201_CREATED)


class RoomDetailView(PartnerView):
    """A room (GET); change it (PATCH, owners and managers)."""

    @extend_schema(responses=PartnerRoomOut)
    def get(self, request: Request, room_id: int) -> Response:
        return Response(PartnerRoomOut(self.room(room_id)).data)

    @extend_schema(request=PartnerRoomIn, responses=PartnerRoomOut)
    def patch(self, request: Request, room_id: int) -> Response:
        room = self.room(room_id, roles=EDITORS)
        values = _valid(PartnerRoomIn, request, partial=True)
        room = services.room_update(actor=request.user, room=room, **values)
        return Response(PartnerRoomOut(room).data)


class PriceListView(PartnerView):
    """The room's prices (GET); add a band (POST, owners and managers)."""

    @extend_schema(responses=PartnerPriceOut(many=True))
    def get(self, request: Request, room_id: int) -> Response:
        prices = self.room(room_id).prices.order_by("day_type", "starts")
        return Response(PartnerPriceOut(prices, many=True).data)

    @extend_schema(request=PartnerPriceIn, responses={201: PartnerPriceOut})
    def post(self, request: Request, room_id: int) -> Response:
        room = self.room(room_id, roles=EDITORS)
        price = services.price_create(
            actor=request.user, room=room, **_valid(PartnerPriceIn, request)
        )
        return Response(PartnerPriceOut(price).data, status=status.HTTP_201_CREATED)


class PriceDetailView(PartnerView):
    """A price band: read, change (PATCH) or delete (owners and managers)."""

    def _price(self, price_id: int, roles=EVERYONE) -> Price:
        return selectors.price_for_member(user=self.request.user, price_id=price_id, roles=roles)

    @extend_schema(responses=PartnerPriceOut)
    def get(self, request: Request, price_id: int) -> Response:
        return Response(PartnerPriceOut(self._price(price_id)).data)

    @extend_schema(request=PartnerPriceIn, responses=PartnerPriceOut)
    def patch(self, request: Request, price_id: int) -> Response:
        price = self._price(price_id, roles=EDITORS)
        values = _valid(PartnerPriceIn, request, partial=True)
        price = services.price_update(actor=request.user, price=price, **values)
        return Response(PartnerPriceOut(price).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, price_id: int) -> Response:
        price = self._price(price_id, roles=EDITORS)
        services.price_delete(actor=request.user, price=price)
        return Response(status=status.HTTP_204_NO_CONTENT)
