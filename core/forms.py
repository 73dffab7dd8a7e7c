"""Forms meet services: a service's ApplicationError shown on the form it is about."""

from __future__ import annotations

from django import forms

from core.errors import ApplicationError


def add_application_error(form: forms.BaseForm, error: ApplicationError) -> None:
    """Show a service's error on the form: on its fields when it names them, else on top."""
    placed = False
    for name, field_messages in error.fields.items():
        if name in form.fields:
            for message in field_messages if isinstance(field_messages, list) else [field_messages]:
                form.add_error(name, str(message))
            placed = True
    if not placed:
        form.add_error(None, str(error.message))
