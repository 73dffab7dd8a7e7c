"""API plumbing: the one exception handler that gives every error the same JSON shape.

{"error": {"code": "...", "message": "...", "fields": {"field": ["message", ...]}}}
"""

from __future__ import annotations

from typing import Literal

import drf_spectacular.openapi
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import Serializer
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import ApplicationError


def _error(
    code: str,
    message: str | Promise,
    fields: dict[str, list[str]] | None = None,
    http_status: int = 400,
) -> Response:
    return Response(
        {"error": {"code": code, "message": str(message), "fields": fields or {}}},
        status=http_status,
    )


def flatten_errors(detail: object, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as {"days.0.opens": ["message", ...]}; "" holds top-level ones."""
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = str(key) if not prefix or key == "non_field_errors" else f"{prefix}.{key}"
            for field, messages in flatten_errors(value, name).items():
                flat.setdefault(field, []).extend(messages)
        return flat
    if isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        flat = {}
        for index, item in enumerate(detail):
            for field, messages in flatten_errors(
                item, f"{prefix}.{index}" if prefix else str(index)
            ).items():
                flat.setdefault(field, []).extend(messages)
        return flat
    items = detail if isinstance(detail, list) else [detail]
    return {prefix: [str(item) for item in items]} if items else {}


def exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, ApplicationError):
        fields = {
            name: [str(m)] if not isinstance(m, list) else [str(x) for x in m]
            for name, m in exc.fields.items()
        }
        return _error(exc.code, exc.message, fields, exc.status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = flatten_errors(exc.detail)
        message = fields.pop("non_field_errors", None) or fields.pop("", None)
        return _error(
            "invalid",
            message[0] if message else _("Please correct the errors below."),
            fields,
            status.HTTP_400_BAD_REQUEST,
        )
    code = getattr(exc, "default_code", "error")
    detail = getattr(exc, "detail", str(exc))
    response.data = {"error": {"code": code, "message": str(detail), "fields": {}}}
    return response


class AutoSchema(drf_spectacular.openapi.AutoSchema):
    """Name serializers nested in a view after the view, so every view may call its own
    serializers `InputSerializer` / `OutputSerializer` (the style guide's pattern) without
    clashing in the OpenAPI components."""

    def get_serializer_name(
        self, serializer: Serializer, direction: Literal["request", "response"]
    ) -> str:
        qualname = type(serializer).__qualname__
        if "." in qualname:
            owner, _dot, name = qualname.rpartition(".")
            return owner.replace(".", "").removesuffix("View") + name
        return super().get_serializer_name(serializer, direction)
