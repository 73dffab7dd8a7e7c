"""Admin for users: profile and access changes go through the accounts services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import BaseUserCreationForm
from django.contrib.auth.forms import UserChangeForm as BaseUserChangeForm
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from accounts import services
from accounts.admin_writes import ServiceModelAdmin, Values, Writes, staff_of
from accounts.models import User
from core.registry import Registry
from core.services import audit_record

# What higher apps show staff about a user on the user's admin page, one line each: loyalty
# shows the points balance with links to the lots and the history. An app registers a function
# `(user) -> SafeString` from its admin module (admin autodiscovery imports it).
USER_PANELS: Registry[Callable[[User], SafeString]] = Registry(
    "accounts.admin.USER_PANELS", key=lambda panel: panel.__qualname__
)

PROFILE_FIELDS = ("name", "phone", "birthday")


def _user_create(staff: User, values: Values) -> User:
    return services.user_create(actor=staff, email=values["email"], password=values["password1"])


def _user_update(staff: User, user: User, values: Values) -> User:
    if any(name in values for name in PROFILE_FIELDS):
        profile = {name: values.get(name, getattr(user, name)) for name in PROFILE_FIELDS}
        user = services.profile_update(user=user, actor=staff, **profile)
    access = {name: values[name] for name in services.ACCESS_FIELDS if name in values}
    if access:
        user = services.user_access_update(actor=staff, user=user, **access)
    return user


class UserCreationForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ["email"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # Admin saves through accounts.services.user_create, not by building the model from the
        # form, so the password is checked here, against the e-mail entered.
        password = cleaned.get("password2")
        if password:
            try:
                validate_password(password, User(email=str(cleaned.get("email") or "")))
            except ValidationError as error:
                self.add_error("password2", error)
        return cleaned


class UserChangeForm(BaseUserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(ServiceModelAdmin, BaseUserAdmin):
    """The e-mail is changed by its owner (allauth confirms it), the password on its own page;
    users are not deleted here (make them inactive)."""

    writes = Writes[User](create=_user_create, update=_user_update, create_only=("email",))
    form = UserChangeForm
    add_form = UserCreationForm
    ordering = ["-date_joined"]
    list_display = ["email", "name", "phone", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active", "date_joined"]
    search_fields = ["email", "name", "phone"]
    readonly_fields = ["date_joined", "last_login", "birthday_set_at", "password", "client"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Client"), {"fields": ["client"]}),
        (_("Profile"), {"fields": ["name", "phone", "birthday", "birthday_set_at"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]

    @admin.display(description=_("As a client"))
    def client(self, obj: User) -> SafeString:
        return format_html_join("", "<p>{}</p>", ((panel(obj),) for panel in USER_PANELS))

    def log_change(self, request: HttpRequest, obj: User, message: object) -> LogEntry:
        # The password page saves with Django's own form; its change is audited here, the one
        # place that page reports it (the other changes are audited by the services).
        entry = super().log_change(request, obj, message)
        match = request.resolver_match
        if match is not None and match.url_name == "auth_user_password_change":
            audit_record(actor=staff_of(request), action="user.password_set", obj=obj)
        return entry
