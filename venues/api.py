"""Public read API of the catalogue: /api/v1/venues/ and /api/v1/rooms/ with the search filters."""

from __future__ import annotations

import zoneinfo
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import ApplicationError
from venues import selectors
from venues.extensions import SEARCH, cashback_percent
from venues.forms import NUMBER, WHOLE_NUMBER
from venues.models import CAPACITY_VALIDATORS, City, Room


class FilterSerializer(serializers.Serializer):
    """The catalogue filters as query parameters; a malformed one is a 400, not ignored."""

    city = serializers.SlugField(required=False, help_text="City slug, e.g. moscow")
    kind = serializers.ChoiceField(choices=Room.Kind.choices, required=False)
    capacity = serializers.IntegerField(
        required=False, validators=CAPACITY_VALIDATORS, error_messages={"invalid": WHOLE_NUMBER}
    )
    equipment = serializers.CharField(required=False, max_length=100)
    max_price = serializers.DecimalField(
        required=False,
        max_digits=10,
        decimal_places=2,
        min_value=0,
        error_messages={"invalid": NUMBER},
    )
    accepts_points = serializers.BooleanField(
        required=False, default=False, help_text="true: only where points can be spent now"
    )
    ordering = serializers.ChoiceField(
        choices=list(selectors.ORDERINGS), required=False, default="price"
    )

    def get_fields(self):
        fields = super().get_fields()
        for extension in SEARCH:  # e.g. bookings' free_date, free_from, free_to, free_hours
            fields.update(extension.api_fields())
        return fields

    def validate_city(self, value: str) -> str:
        if not City.objects.filter(slug=value).exists():
            raise ApplicationError(_("Unknown city."), fields={"city": [_("Unknown city.")]})
        return value

    def validate(self, attrs: dict) -> dict:
        """Each search extension's values, checked together as on the search page."""
        extensions = {}
        for extension in SEARCH:
            values = {name: attrs.pop(name, None) for name in extension.api_fields()}
            if any(value is not None for value in values.values()):
                try:
                    extension.clean(values)
                except forms.ValidationError as error:
                    raise serializers.ValidationError(
                        {name: error.messages for name in values if values[name] is not None}
                    ) from error
                extensions[extension.name] = values
        return {**attrs, "extensions": extensions}

    def filters(self) -> selectors.CatalogueFilters:
        return selectors.CatalogueFilters(**self.validated_data)


def _filters(request: Request) -> selectors.CatalogueFilters:
    data = FilterSerializer(data=request.query_params)
    data.is_valid(raise_exception=True)
    return data.filters()


class PhotoOut(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.SerializerMethodField()

    def get_url(self, photo) -> str:
        request = self.context.get("request")
        url = photo.image.url
        return request.build_absolute_uri(url) if request else url


class CityOut(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class HoursOut(serializers.Serializer):
    weekday = serializers.IntegerField(help_text="0 = Monday … 6 = Sunday")
    opens = serializers.TimeField()
    closes = serializers.TimeField(help_text="At or before `opens`: next day")


class PriceOut(serializers.Serializer):
    day_type = serializers.CharField()
    starts = serializers.TimeField()
    ends = serializers.TimeField()
    price_per_hour = serializers.DecimalField(max_digits=10, decimal_places=2)
    valid_from = serializers.DateField(allow_null=True)
    valid_until = serializers.DateField(allow_null=True)


class VenueBriefOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    city = CityOut()
    address = serializers.CharField()
    metro = serializers.CharField()
    timezone = serializers.CharField()


class FreeWindowOut(serializers.Serializer):
    """The earliest free run found by the free-time filter, in the venue's time zone."""

    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    price = serializers.DecimalField(max_digits=12, decimal_places=2)


class RoomOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    capacity = serializers.IntegerField()
    area_m2 = serializers.IntegerField(allow_null=True)
    equipment = serializers.ListField(child=serializers.CharField())
    slot_minutes = serializers.IntegerField()
    min_booking_minutes = serializers.IntegerField()
    buffer_minutes = serializers.IntegerField()
    price_from = serializers.DecimalField(max_digits=10, decimal_places=2)
    points_percent = serializers.IntegerField(
        allow_null=True, help_text="Up to this % payable by points now; null: points not accepted"
    )
    cashback_percent = serializers.SerializerMethodField(
        help_text="The cashback % the caller earns here before campaigns: their tier + the "
        "venue's boost, within the cap (the lowest tier for anonymous callers)"
    )
    venue = VenueBriefOut()
    free_window = serializers.SerializerMethodField(
        help_text="With free_date: the earliest free run of free_hours within the window and "
        "its price; null without the filter"
    )

    @extend_schema_field(FreeWindowOut(allow_null=True))
    def get_free_window(self, room) -> dict | None:
        window = getattr(room, "free_window", None)
        if window is None:
            return None
        zone = zoneinfo.ZoneInfo(room.venue.timezone)
        return FreeWindowOut(
            {
                "start": window.lower.astimezone(zone),
                "end": window.upper.astimezone(zone),
                "price": room.free_price,
            }
        ).data

    @extend_schema_field(serializers.DecimalField(max_digits=4, decimal_places=2, allow_null=True))
    def get_cashback_percent(self, room) -> str | None:
        percent = cashback_percent(self.context.get("request"), room.venue)
        return None if percent is None else str(percent.quantize(Decimal("0.01")))

    photos = PhotoOut(many=True, source="photo_list")


class RoomDetailOut(RoomOut):
    description = serializers.CharField()
    prices = PriceOut(many=True, source="prices.all")
    opening_hours = HoursOut(many=True, source="venue.opening_hours.all")


# The fields a venue shows in the list and on its own page (no docstring: the schema would
# give it to both as their description).
class _VenueFieldsOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    city = CityOut()
    address = serializers.CharField()
    metro = serializers.CharField()
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    timezone = serializers.CharField()
    booking_mode = serializers.CharField()
    pay_at_venue = serializers.BooleanField()
    pay_online = serializers.BooleanField()


class VenueOut(_VenueFieldsOut):
    price_from = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)
    photos = PhotoOut(many=True, source="photo_list")


class VenueRoomOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    capacity = serializers.IntegerField()
    price_from = serializers.DecimalField(max_digits=10, decimal_places=2)
    photos = PhotoOut(many=True, source="photo_list")


class VenueDetailOut(_VenueFieldsOut):
    photos = PhotoOut(many=True, source="photo_list")
    description = serializers.CharField()
    cancellation_free_hours = serializers.IntegerField()
    cancellation_fee_percent = serializers.IntegerField()
    rooms = VenueRoomOut(many=True, source="public_rooms")
    opening_hours = HoursOut(many=True, source="opening_hours.all")


class _Pagination(PageNumberPagination):
    """20 a page; `page` and `page_size` that are not whole numbers ≥ 1 are a 400, not a 404.

    A page number past the last page is still DRF's 404 ("Invalid page").
    """

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def paginate_queryset(self, queryset, request, view=None):
        errors = {}
        for name in (self.page_query_param, self.page_size_query_param):
            value = request.query_params.get(name)
            if value is not None and not (value.isascii() and value.isdigit() and int(value) >= 1):
                errors[name] = [_("Enter a whole number from 1.")]
        if errors:
            raise serializers.ValidationError(errors)
        return super().paginate_queryset(queryset, request, view=view)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["maximum"] = self.max_page_size
        return parameters


class _CatalogueListView(APIView):
    """A public, paginated list of the catalogue."""

    permission_classes = [AllowAny]
    pagination_class = _Pagination


def _paginated(view: _CatalogueListView, request: Request, queryset, serializer) -> Response:
    paginator = view.pagination_class()
    page = paginator.paginate_queryset(queryset, request, view=view)
    data = serializer(page, many=True, context={"request": request}).data
    return paginator.get_paginated_response(data)


class VenueListView(_CatalogueListView):
    """Published venues with at least one room matching the filters."""

    @extend_schema(parameters=[FilterSerializer], responses=VenueOut(many=True), auth=[])
    def get(self, request: Request) -> Response:
        return _paginated(self, request, selectors.venue_search(_filters(request)), VenueOut)


class VenueDetailView(APIView):
    """A published venue with its rooms and opening hours."""

    permission_classes = [AllowAny]

    @extend_schema(responses=VenueDetailOut, auth=[])
    def get(self, request: Request, venue_id: int) -> Response:
        venue = selectors.venue_public(venue_id=venue_id)
        return Response(VenueDetailOut(venue, context={"request": request}).data)


class RoomListView(_CatalogueListView):
    """The catalogue search: rooms matching the filters, with the lowest price per hour."""

    @extend_schema(parameters=[FilterSerializer], responses=RoomOut(many=True), auth=[])
    def get(self, request: Request) -> Response:
        return _paginated(self, request, selectors.room_search(_filters(request)), RoomOut)


class RoomDetailView(APIView):
    """A room with its photos, equipment, prices and the venue's opening hours."""

    permission_classes = [AllowAny]

    @extend_schema(responses=RoomDetailOut, auth=[])
    def get(self, request: Request, room_id: int) -> Response:
        room = selectors.room_public(room_id=room_id)
        return Response(RoomDetailOut(room, context={"request": request}).data)
