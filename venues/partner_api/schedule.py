"""Partner API of the schedule (weekly hours, exceptions, the confirmation) and room prices."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from accounts.http import SignedInApiRequest
from core.errors import RULE, NotFound
from venues import selectors, services
from venues.forms import NUMBER
from venues.models import EDITORS, EVERYONE, PRICE_POSITIVE_MESSAGE, OpeningHours, Price, Venue
from venues.partner_api.base import PartnerView, validated
from venues.partner_api.venues import PartnerVenueOut


class PartnerDayHoursIO(serializers.Serializer):
    weekday = serializers.ChoiceField(choices=OpeningHours.Weekday.choices)
    closed = serializers.BooleanField(default=False, help_text="Closed all day")
    opens = serializers.TimeField(required=False, allow_null=True)
    closes = serializers.TimeField(
        required=False,
        allow_null=True,
        help_text="At or before `opens`: the next day",
    )

    def validate(self, data):
        if not data.get("closed") and (data.get("opens") is None or data.get("closes") is None):
            message = _("Enter both times, or mark the day closed.")
            raise serializers.ValidationError({"opens": [message]}, code=RULE)
        return data


class PartnerHoursIn(serializers.Serializer):
    days = serializers.ListField(
        child=PartnerDayHoursIO(),
        min_length=7,
        max_length=7,
        help_text=(
            "The whole week: all seven weekdays (0 = Monday … 6 = Sunday), each with `opens` "
            "and `closes` or with `closed: true`. A week with a day missing is refused (422), "
            "so nothing changes by omission."
        ),
    )

    def validate_days(self, days):
        weekdays = [d["weekday"] for d in days]
        if len(weekdays) != len(set(weekdays)):
            raise serializers.ValidationError(_("Each weekday may appear once."), code=RULE)
        missing = sorted(set(range(7)) - set(weekdays))
        if missing:
            names = ", ".join(str(OpeningHours.Weekday(day).label) for day in missing)
            raise serializers.ValidationError(
                _("Give all seven weekdays (a closed day with closed: true); missing: %(days)s.")
                % {"days": names},
                code=RULE,
            )
        return days


class PartnerPriceOutsideHoursOut(serializers.Serializer):
    id = serializers.IntegerField()
    room = serializers.IntegerField(source="room_id")
    room_name = serializers.CharField(source="room.name")
    day_type = serializers.CharField()
    starts = serializers.TimeField()
    ends = serializers.TimeField()


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
    opens = serializers.TimeField(required=False, allow_null=True)
    closes = serializers.TimeField(required=False, allow_null=True)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class PartnerPriceIn(serializers.Serializer):
    day_type = serializers.ChoiceField(choices=Price.DayType.choices)
    starts = serializers.TimeField()
    ends = serializers.TimeField(help_text="At or before `starts`: past midnight")
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


class ScheduleConfirmView(PartnerView):
    """Say the schedule is up to date (owners and managers)."""

    @extend_schema(request=None, responses=PartnerVenueOut)
    def post(self, request: SignedInApiRequest, venue_id: int) -> Response:
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
    def get(self, request: SignedInApiRequest, venue_id: int) -> Response:
        return Response(_hours_out(self.venue(venue_id)))

    @extend_schema(request=PartnerHoursIn, responses=PartnerHoursOut)
    def put(self, request: SignedInApiRequest, venue_id: int) -> Response:
        venue = self.venue(venue_id, roles=EDITORS)
        hours = {
            day["weekday"]: None
            if day["closed"]
            else services.DayHours(opens=day["opens"], closes=day["closes"])
            for day in validated(PartnerHoursIn, request)["days"]
        }
        services.opening_hours_set(actor=request.user, venue=venue, hours=hours)
        venue.refresh_from_db()
        return Response(_hours_out(venue))


class ExceptionListView(PartnerView):
    """Closed days and special hours (GET); add one (POST, owners and managers)."""

    @extend_schema(responses=PartnerExceptionIO(many=True))
    def get(self, request: SignedInApiRequest, venue_id: int) -> Response:
        venue = self.venue(venue_id)
        return Response(PartnerExceptionIO(venue.exceptions.order_by("date"), many=True).data)

    @extend_schema(request=PartnerExceptionIO, responses={201: PartnerExceptionIO})
    def post(self, request: SignedInApiRequest, venue_id: int) -> Response:
        venue = self.venue(venue_id, roles=EDITORS)
        exception = services.schedule_exception_create(
            actor=request.user, venue=venue, **validated(PartnerExceptionIO, request)
        )
        return Response(PartnerExceptionIO(exception).data, status=status.HTTP_201_CREATED)


class ExceptionDetailView(PartnerView):
    """Delete an exception (owners and managers)."""

    @extend_schema(responses={204: None})
    def delete(self, request: SignedInApiRequest, venue_id: int, exception_id: int) -> Response:
        venue = self.venue(venue_id, roles=EDITORS)
        exception = venue.exceptions.filter(pk=exception_id).first()
        if exception is None:
            raise NotFound(_("Not found."))
        services.schedule_exception_delete(actor=request.user, exception=exception)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PriceListView(PartnerView):
    """The room's prices (GET); add a band (POST, owners and managers)."""

    @extend_schema(responses=PartnerPriceOut(many=True))
    def get(self, request: SignedInApiRequest, room_id: int) -> Response:
        prices = self.room(room_id).prices.order_by("day_type", "starts")
        return Response(PartnerPriceOut(prices, many=True).data)

    @extend_schema(request=PartnerPriceIn, responses={201: PartnerPriceOut})
    def post(self, request: SignedInApiRequest, room_id: int) -> Response:
        room = self.room(room_id, roles=EDITORS)
        price = services.price_create(
            actor=request.user, room=room, **validated(PartnerPriceIn, request)
        )
        return Response(PartnerPriceOut(price).data, status=status.HTTP_201_CREATED)


class PriceDetailView(PartnerView):
    """A price band: read, change (PATCH) or delete (owners and managers)."""

    def _price(self, price_id: int, roles=EVERYONE) -> Price:
        return selectors.price_for_member(user=self.request.user, price_id=price_id, roles=roles)

    @extend_schema(responses=PartnerPriceOut)
    def get(self, request: SignedInApiRequest, price_id: int) -> Response:
        return Response(PartnerPriceOut(self._price(price_id)).data)

    @extend_schema(request=PartnerPriceIn, responses=PartnerPriceOut)
    def patch(self, request: SignedInApiRequest, price_id: int) -> Response:
        price = self._price(price_id, roles=EDITORS)
        values = validated(PartnerPriceIn, request)
        price = services.price_update(actor=request.user, price=price, **values)
        return Response(PartnerPriceOut(price).data)

    @extend_schema(responses={204: None})
    def delete(self, request: SignedInApiRequest, price_id: int) -> Response:
        price = self._price(price_id, roles=EDITORS)
        services.price_delete(actor=request.user, price=price)
        return Response(status=status.HTTP_204_NO_CONTENT)
