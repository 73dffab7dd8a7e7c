"""The database rules of venues' models speak to people, never in constraint names."""

from __future__ import annotations

from django.apps import apps


def test_every_venues_constraint_has_its_own_message():
    for model in apps.get_app_config("venues").get_models():
        for constraint in model._meta.constraints:
            message = str(constraint.violation_error_message)
            assert "%(name)s" not in message and constraint.name not in message, constraint.name
