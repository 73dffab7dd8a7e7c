"""Django admin whose writes go through the services, as the dashboard's and the API's do.

An admin class or inline names the services that write its model in `writes`:
`Writes(create=..., update=..., delete=...)`. Staff then get what partners get: the services'
rules (a refusal is an error on the form, on a 200 page, and nothing is saved), derived fields
kept up to date (a room's `price_from`), photos checked, and an audit-log line with the staff
user as its actor. What has no service is read-only in admin: without `update` an object is
view-only, without `delete` it cannot be deleted, without `create` it cannot be added, and the
`create_only` fields are set when adding and read-only afterwards.

How a refusal reaches the form: Django validates the forms, then saves, and a service refuses
during the save. The save raises `_Refused`, so the admin view's own transaction rolls back
everything the request wrote; then the view runs once more on the same POST with the refusal
attached to the form (or inline row) it belongs to, which is now invalid and shows the message.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

from django import forms
from django.contrib import admin, messages
from django.db import models, transaction
from django.forms.formsets import DELETION_FIELD_NAME
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from accounts.models import User
from core.errors import ApplicationError
from core.forms import add_application_error

M = TypeVar("M", bound=models.Model)
T = TypeVar("T")
Values = dict[str, Any]  # a form's cleaned values by field name
# The request attribute that carries a refusal into the second run: {form prefix: the error}.
REFUSALS = "_admin_service_refusals"


@dataclass(frozen=True)
class Writes(Generic[M]):
    """The services that add, change and delete one model, as admin calls them.

    `create(staff, values)` gets every value entered (an inline row's parent too, under the name
    of its foreign key); `update(staff, obj, values)` gets only the values that changed. Both
    return the object as saved.
    """

    create: Callable[[User, Values], M] | None = None
    update: Callable[[User, M, Values], M] | None = None
    delete: Callable[[User, M], None] | None = None
    create_only: tuple[str, ...] = ()


class _Refused(Exception):
    """A service refused a write of the form (or inline row) with this prefix."""

    def __init__(self, prefix: str, error: ApplicationError) -> None:
        super().__init__(str(error))
        self.prefix = prefix
        self.error = error


def staff_of(request: HttpRequest) -> User:
    # Admin views let only signed-in staff in.
    return cast(User, request.user)


def write_or_refuse(prefix: str, service: Callable[..., T], *args: Any) -> T:
    """Call a service for the form (or inline) with this prefix; a refusal is shown there."""
    try:
        return service(*args)
    except ApplicationError as error:
        raise _Refused(prefix, error) from error


def _refusals(request: HttpRequest) -> dict[str, ApplicationError]:
    refusals: dict[str, ApplicationError] = getattr(request, REFUSALS, {})
    return refusals


def _values(
    form: forms.BaseForm, *, changed_only: bool = False, skip: Iterable[str] = ()
) -> Values:
    """The cleaned values of the fields a person may set on this form."""
    names = form.changed_data if changed_only else list(form.fields)
    skip = {DELETION_FIELD_NAME, *skip}
    return {
        name: form.cleaned_data[name]
        for name in names
        if name in form.cleaned_data and name not in skip and not form.fields[name].disabled
    }


def _become(obj: models.Model, saved: models.Model) -> None:
    """Make the instance admin holds the one the service saved (a new one, or a copy the service
    read under a lock): admin logs and redirects with it, and inline rows hang from it."""
    obj.__dict__.update(saved.__dict__)


def service_form(
    form_class: type[forms.ModelForm], request: HttpRequest, create_only: Iterable[str]
) -> type[forms.ModelForm]:
    """`form_class`, validated by its fields only (the model's rules are the services', at save
    time), showing a refusal of the first run, and with `create_only` fields fixed on change."""
    refusals = _refusals(request)
    fixed = tuple(create_only)

    class ServiceForm(form_class):  # type: ignore[valid-type,misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            if self.instance.pk is not None:
                for name in fixed:
                    if name in self.fields:
                        self.fields[name].disabled = True

        def _post_clean(self) -> None:
            # Neither build the instance nor run the model's validation: the service does,
            # with its own messages, and it gets the object as it is in the database.
            pass

        def full_clean(self) -> None:
            super().full_clean()
            error = refusals.get(self.prefix or "")
            if error is not None and self.is_bound:
                add_application_error(self, error)

    ServiceForm.__name__ = form_class.__name__
    return ServiceForm


class ServiceModelAdmin(admin.ModelAdmin):
    """A ModelAdmin that adds, changes and deletes only through `writes`; its inlines must be
    `ServiceInline`s."""

    writes: Writes[Any] = Writes()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.writes.create is not None and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.writes.update is not None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.writes.delete is not None and super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = tuple(super().get_readonly_fields(request, obj))
        return readonly if obj is None else readonly + self.writes.create_only

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        return service_form(form, request, self.writes.create_only)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        staff, writes = staff_of(request), self.writes
        if change:
            values = _values(form, changed_only=True)
            if values and writes.update is not None:
                _become(obj, write_or_refuse("", writes.update, staff, obj, values))
        elif writes.create is not None:
            _become(obj, write_or_refuse("", writes.create, staff, _values(form)))

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # No form.save_m2m(): what the services do not write, admin does not either.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        save_rows = getattr(formset, "save_rows", None)
        if save_rows is None:
            raise TypeError(f"{type(formset).__name__} does not write through services")
        save_rows(request, form.instance)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        if self.writes.delete is not None:
            write_or_refuse("", self.writes.delete, staff_of(request), obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            self.delete_model(request, obj)

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except _Refused as refused:
            # The first run wrote nothing (its transaction rolled back); run it again to show
            # the service's message on the form it is about.
            setattr(request, REFUSALS, {refused.prefix: refused.error})
            return super().changeform_view(request, object_id, form_url, extra_context)

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        try:
            return super().delete_view(request, object_id, extra_context)
        except _Refused as refused:
            self.message_user(request, str(refused.error.message), messages.ERROR)
            opts = self.opts
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[object_id])
            return HttpResponseRedirect(url)

    def response_action(self, request: HttpRequest, queryset: Any) -> HttpResponse | None:
        # An action (deleting the selected objects) writes all or nothing.
        try:
            with transaction.atomic():
                return super().response_action(request, queryset)
        except _Refused as refused:
            self.message_user(request, str(refused.error.message), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


class ServiceInline(admin.TabularInline):
    """An inline of a `ServiceModelAdmin` whose rows are written through `writes`."""

    writes: Writes[Any] = Writes()

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.writes.create is not None and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.writes.update is not None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.writes.delete is not None and super().has_delete_permission(request, obj)

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset_class = super().get_formset(request, obj, **kwargs)
        refusals = _refusals(request)
        inline = self

        class ServiceFormSet(formset_class):  # type: ignore[valid-type,misc]
            form = service_form(formset_class.form, request, inline.writes.create_only)

            def clean(self) -> None:
                super().clean()
                # A refusal of the inline as a whole, or of deleting a row (a row marked for
                # deletion is not validated, so its own errors would not show), is the
                # inline's error.
                for prefix in [self.prefix, *(row.prefix for row in self.deleted_forms)]:
                    if prefix in refusals:
                        raise forms.ValidationError(str(refusals[prefix].message))

            def save_rows(self, request: HttpRequest, parent: models.Model) -> None:
                inline.save_rows(request, parent, self)

        return ServiceFormSet

    def save_rows(self, request: HttpRequest, parent: models.Model, formset: Any) -> None:
        """Write the rows that changed, one service call each, and record them for the admin's
        history as `formset.save()` would."""
        staff, writes = staff_of(request), self.writes
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        deleted = formset.deleted_forms
        # The row's id and its parent are not values a person enters.
        skip = (formset.fk.name, formset.model._meta.pk.name)
        for row in formset.initial_forms:
            obj = row.instance
            if row in deleted and writes.delete is not None:
                write_or_refuse(row.prefix, writes.delete, staff, obj)
                formset.deleted_objects.append(obj)
            elif row not in deleted and row.has_changed() and writes.update is not None:
                values = _values(row, changed_only=True, skip=skip)
                write_or_refuse(row.prefix, writes.update, staff, obj, values)
                formset.changed_objects.append((obj, row.changed_data))
        for row in formset.extra_forms:
            if row in deleted or not row.has_changed() or writes.create is None:
                continue
            values = {**_values(row, skip=skip), formset.fk.name: parent}
            formset.new_objects.append(write_or_refuse(row.prefix, writes.create, staff, values))


__all__ = [
    "ServiceInline",
    "ServiceModelAdmin",
    "Values",
    "Writes",
    "service_form",
    "staff_of",
    "write_or_refuse",
]
