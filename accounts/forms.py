"""Forms for accounts: the extra sign-up fields and the profile."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts import services
from accounts.models import User, validate_birthday

PROFILE_FIELDS = ["name", "phone", "birthday"]
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SignupForm(forms.Form):
    """Fields allauth adds to its sign-up form (e-mail and password are allauth's own).

    `invite_code` is read by the referrals app when the sign-up completes.
    """

    invite_code = forms.CharField(
        label=_("Invite code"),
        max_length=16,
        required=False,
        help_text=_("If a friend invited you: their code, or leave empty."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(
            forms.fields_for_model(User, fields=PROFILE_FIELDS, widgets={"birthday": DATE_INPUT})
        )
        # A model field's validators run on model clean, which this plain form never calls.
        self.fields["birthday"].validators.append(validate_birthday)
        self.fields["name"].widget.attrs["placeholder"] = _("Name")
        self.fields["phone"].widget.attrs["placeholder"] = _("Phone, e.g. +7 912 345-67-89")

    def signup(self, request, user: User) -> None:
        services.profile_update(
            user=user,
            name=self.cleaned_data["name"],
            phone=self.cleaned_data["phone"],
            birthday=self.cleaned_data["birthday"],
        )


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = PROFILE_FIELDS
        widgets = {"birthday": DATE_INPUT}
