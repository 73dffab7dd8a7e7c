"""Forms of the partner dashboard and of the catalogue search; the rules live in services."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError
from core.uploads import image_clean
from venues import services, timezones
from venues.extensions import SEARCH
from venues.models import (
    CAPACITY_MAX,
    CAPACITY_MIN,
    CAPACITY_VALIDATORS,
    City,
    Membership,
    OpeningHours,
    Price,
    Room,
    ScheduleException,
    Venue,
)
from venues.selectors import CatalogueFilters
from venues.weekdays import weekdays_form_field

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# The same words for a malformed number on every form and in the API.
WHOLE_NUMBER = _("Enter a whole number.")
NUMBER = _("Enter a number.")
TIME_INPUT = forms.TimeInput(attrs={"type": "time", "step": 1800}, format="%H:%M")
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OrganisationForm(forms.Form):
    name = forms.CharField(
        label=_("Business name"),
        max_length=200,
        help_text=_("How guests and your team see your business, e.g. “Sound & Co”."),
    )


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class MembershipRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class VenueForm(forms.ModelForm):
    class Meta:
        model = Venue
        fields = list(services.VENUE_FIELDS)
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "cancellation_fee_percent": _("Charged when a guest cancels later than that."),
        }

    def _post_clean(self):
        # Model validation and constraints run in the service, with the API's messages.
        pass

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["city"]).queryset = City.objects.order_by("name")
        # Russia's zones by name and offset from Moscow, not a box for an IANA name.
        current = self.instance.timezone if self.instance.pk else ""
        self.fields["timezone"] = forms.ChoiceField(
            label=self.fields["timezone"].label,
            choices=[("", _("The city's time zone")), *timezones.zone_choices(current)],
            required=False,
        )


class EquipmentField(forms.CharField):
    """Equipment as one item per line (or comma separated) in a textarea."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(value)
        return value

    def to_python(self, value):
        text = super().to_python(value) or ""
        items = [part.strip() for line in text.splitlines() for part in line.split(",")]
        return [item[:100] for item in items if item]


class RoomForm(forms.ModelForm):
    equipment = EquipmentField(
        label=_("Equipment"), required=False, help_text=_("One item per line.")
    )
    # Limits come from the model (validated in the service), as for the API.
    capacity = forms.IntegerField(
        label=_("Capacity, people"),
        error_messages={"invalid": WHOLE_NUMBER},
        widget=forms.NumberInput(attrs={"min": CAPACITY_MIN, "max": CAPACITY_MAX}),
    )

    class Meta:
        model = Room
        fields = list(services.ROOM_FIELDS)
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def _post_clean(self):
        # Model validation runs in the service, so its messages are the same for the API.
        pass


class PhotoForm(forms.Form):
    # A plain file field: core.uploads.image_clean checks the picture (size, pixels, format),
    # so the dashboard and the API give the same message.
    image = forms.FileField(
        label=_("Photo"),
        help_text=_("JPEG, PNG or WebP, up to 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    room = forms.ModelChoiceField(
        label=_("Room"),
        queryset=Room.objects.none(),
        required=False,
        empty_label=_("The venue itself"),
    )

    def __init__(self, *args, venue: Venue, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["room"]).queryset = venue.rooms.order_by("name")

    def clean_image(self):
        image = self.cleaned_data["image"]
        try:
            return image_clean(image)
        except ApplicationError as error:
            messages = error.fields.get("image", [error.message])
            raise forms.ValidationError(
                [messages] if isinstance(messages, str | Promise) else list(messages)
            ) from error


class WeeklyHoursForm(forms.Form):
    """Seven rows: open or closed, opening and closing time (closing may be after midnight)."""

    def __init__(self, *args, venue: Venue, **kwargs):
        super().__init__(*args, **kwargs)
        current = {h.weekday: h for h in venue.opening_hours.all()}
        for day, label in OpeningHours.Weekday.choices:
            hours = current.get(day)
            self.fields[f"open_{day}"] = forms.BooleanField(
                label=label, required=False, initial=hours is not None
            )
            self.fields[f"opens_{day}"] = forms.TimeField(
                label=_("Opens"), required=False, widget=TIME_INPUT, initial=hours and hours.opens
            )
            self.fields[f"closes_{day}"] = forms.TimeField(
                label=_("Closes"),
                required=False,
                widget=TIME_INPUT,
                initial=hours and hours.closes,
            )

    def rows(self):
        return [
            (label, self[f"open_{day}"], self[f"opens_{day}"], self[f"closes_{day}"])
            for day, label in OpeningHours.Weekday.choices
        ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        hours: dict[int, services.DayHours | None] = {}
        for day, label in OpeningHours.Weekday.choices:
            if not data.get(f"open_{day}"):
                hours[day] = None
                continue
            opens, closes = data.get(f"opens_{day}"), data.get(f"closes_{day}")
            if opens is None or closes is None:
                self.add_error(f"opens_{day}", _("%(day)s: enter both times.") % {"day": label})
                continue
            if opens == closes:
                self.add_error(
                    f"closes_{day}",
                    _("%(day)s: the closing time must differ from the opening time.")
                    % {"day": label},
                )
                continue
            hours[day] = services.DayHours(opens=opens, closes=closes)
        data["hours"] = hours
        return data


class ScheduleExceptionForm(forms.ModelForm):
    class Meta:
        model = ScheduleException
        fields = ["date", "is_closed", "opens", "closes", "note"]
        widgets = {"date": DATE_INPUT, "opens": TIME_INPUT, "closes": TIME_INPUT}

    def _post_clean(self):
        pass


class PriceForm(forms.ModelForm):
    price_per_hour = forms.DecimalField(
        label=_("Price per hour, ₽"),
        max_digits=10,
        decimal_places=2,
        error_messages={"invalid": NUMBER},
        widget=forms.NumberInput(attrs={"min": "0.01", "step": "0.01"}),
    )

    class Meta:
        model = Price
        fields = list(services.PRICE_FIELDS)
        widgets = {
            "starts": TIME_INPUT,
            "ends": TIME_INPUT,
            "valid_from": DATE_INPUT,
            "valid_until": DATE_INPUT,
        }

    def _post_clean(self):
        pass


def _percent_field(label: StrOrPromise) -> forms.IntegerField:
    return forms.IntegerField(
        label=label, min_value=0, max_value=100, error_messages={"invalid": WHOLE_NUMBER}
    )


class VenueLoyaltyForm(forms.Form):
    """A venue's points settings on the dashboard page «Points and cashback»."""

    accepts_points = forms.BooleanField(label=_("Accept points"), required=False)
    max_points_percent = _percent_field(_("Max share of a booking payable by points, %"))
    cashback_boost_percent = forms.IntegerField(
        label=_("Extra cashback you fund, %"),
        min_value=0,
        max_value=10,
        error_messages={"invalid": WHOLE_NUMBER},
    )
    points_min_booking_amount = forms.DecimalField(
        label=_("Minimum booking price to use points, ₽"),
        required=False,
        min_value=0,
        max_digits=10,
        decimal_places=2,
    )
    earn_min_booking_amount = forms.DecimalField(
        label=_("Minimum paid in money to earn cashback, ₽"),
        required=False,
        min_value=0,
        max_digits=10,
        decimal_places=2,
    )


class PointsRuleForm(forms.Form):
    """A period rule of the points share, for the venue or one of its rooms."""

    room = forms.ModelChoiceField(
        label=_("Room"), queryset=Room.objects.none(), required=False, empty_label=_("All rooms")
    )
    date_from = forms.DateField(label=_("From date"), required=False, widget=DATE_INPUT)
    date_to = forms.DateField(label=_("To date"), required=False, widget=DATE_INPUT)
    weekdays = weekdays_form_field()
    time_from = forms.TimeField(label=_("From time"), required=False, widget=TIME_INPUT)
    time_to = forms.TimeField(label=_("To time"), required=False, widget=TIME_INPUT)
    percent = _percent_field(_("Share payable by points, %"))

    def __init__(self, *args, venue: Venue, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["room"]).queryset = venue.rooms.order_by("name")


class SearchForm(forms.Form):
    """The catalogue search; every field is optional and bad values are simply ignored."""

    city = forms.ChoiceField(label=_("City"), required=False)
    kind = forms.ChoiceField(
        label=_("Room type"),
        required=False,
        choices=[("", _("Any type")), *Room.Kind.choices],
    )
    capacity = forms.IntegerField(
        label=_("People"),
        required=False,
        validators=CAPACITY_VALIDATORS,
        error_messages={"invalid": WHOLE_NUMBER},
    )
    equipment = forms.CharField(
        label=_("Equipment"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. Marshall, piano")}),
    )
    max_price = forms.DecimalField(
        label=_("Up to, ₽/h"), required=False, min_value=Decimal(0), max_digits=10, decimal_places=2
    )
    accepts_points = forms.BooleanField(label=_("Can pay with points"), required=False)
    ordering = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("price", _("Price: low to high")),
            ("-price", _("Price: high to low")),
            ("name", _("Name: A to Z")),
            ("-name", _("Name: Z to A")),
        ],
    )

    def __init__(self, *args, cities=(), **kwargs):
        super().__init__(*args, **kwargs)
        city_choices = [("", _("Any city"))] + [(c.slug, c.name) for c in cities]
        cast(forms.ChoiceField, self.fields["city"]).choices = city_choices
        for extension in SEARCH:
            self.fields.update(extension.fields())

    def clean(self):
        data = super().clean()
        for extension in SEARCH:
            values = self._extension_values(extension)
            if values:
                try:
                    extension.clean(values)
                except forms.ValidationError as error:
                    self.add_error(None, error)
        return data

    def _extension_values(self, extension) -> dict:
        names = extension.fields().keys()
        values = {name: self.cleaned_data.get(name) for name in names}
        return values if any(v not in (None, "") for v in values.values()) else {}

    def filters(self) -> CatalogueFilters:
        if not self.is_bound:
            return CatalogueFilters()
        self.is_valid()  # an invalid field is left out of cleaned_data, so it is not searched by
        data = self.cleaned_data
        return CatalogueFilters(
            city=data.get("city") or None,
            kind=data.get("kind") or None,
            capacity=data.get("capacity"),
            equipment=data.get("equipment") or None,
            max_price=data.get("max_price"),
            accepts_points=bool(data.get("accepts_points")),
            ordering=data.get("ordering") or "price",
            extensions={}
            if self.non_field_errors()
            else {ext.name: self._extension_values(ext) for ext in SEARCH},
        )
