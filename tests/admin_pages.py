"""Driving Django admin pages in tests as a staff member would: open a form, post it back."""

from __future__ import annotations

from django.forms import FileField

from core.models import AuditLog


def form_data(response) -> dict:
    """What the admin page posts back unchanged: its form's and its inlines' current values."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms:
        for bound in form:
            if bound.field.disabled or isinstance(bound.field, FileField):
                continue
            value = bound.field.prepare_value(bound.value())
            if isinstance(value, list | tuple):  # a multiple choice: one value per choice
                if value:
                    data[bound.html_name] = [str(v) for v in value]
            elif value is not None and value is not False and value != "":
                data[bound.html_name] = "on" if value is True else str(value)
    return data


def refused(response, message: str) -> None:
    """The page is shown again, with the service's message, as a form error."""
    assert response.status_code == 200
    assert response.context["errors"], "the form shows no error"
    assert message in response.content.decode()


def audited(action: str, actor) -> AuditLog:
    entry = AuditLog.objects.filter(action=action).latest("pk")
    assert entry.actor == actor
    return entry


def open_form(client, url: str) -> dict:
    """Open an admin form page; what posting it back unchanged would send."""
    response = client.get(url)
    assert response.status_code == 200, url
    return form_data(response)
