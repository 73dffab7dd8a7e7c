"""API plumbing: one JSON shape for every error, and a schema that documents it on every operation.

{"error": {"code": "...", "message": "...", "fields": {"field": ["message", ...]}}}
"""

from __future__ import annotations

from typing import Literal

import drf_spectacular.openapi
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ComponentRegistry
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.serializers import Serializer
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import ApplicationError
from core.idempotency import HEADER as IDEMPOTENCY_HEADER
from core.idempotency import is_idempotent


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


class ErrorDetail(serializers.Serializer):
    code = serializers.CharField(help_text="Machine-readable, e.g. invalid, not_found, conflict")
    message = serializers.CharField(help_text="For a person to read, in their language")
    # DRF's metaclass takes declared fields off the class, so `.fields` keeps working.
    fields = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages by input field (dotted for nested ones); empty when none",
    )


class ErrorResponse(serializers.Serializer):
    """Every error of the API, whatever its status."""

    error = ErrorDetail()


# Why each documented error status can happen (a response's description).
ERROR_REASONS = {
    400: "The input is invalid or breaks a rule; `fields` names the inputs.",
    401: "No valid token (or session) was given.",
    403: "Signed in, but not allowed to do this.",
    404: "No such object, or not one of yours.",
    409: "The request clashes with the current state (a taken time, a last owner).",
    415: "The request body is not in a supported media type.",
    422: "This Idempotency-Key was already used for a different request.",
    429: "Too many requests; try again later (see Retry-After).",
}
WRITES = {"POST", "PUT", "PATCH", "DELETE"}
WITH_BODY = {"POST", "PUT", "PATCH"}


class TimeOfDayField(OpenApiSerializerFieldExtension):
    """A time of day is written and read as HH:MM (REST_FRAMEWORK["TIME_FORMAT"])."""

    target_class = "rest_framework.fields.TimeField"

    def map_serializer_field(
        self, auto_schema: drf_spectacular.openapi.AutoSchema, direction: str
    ) -> dict[str, str]:
        return {"type": "string", "pattern": r"^([01]\d|2[0-3]):[0-5]\d$", "example": "10:00"}


class AutoSchema(drf_spectacular.openapi.AutoSchema):
    """The project's OpenAPI generator.

    Every operation documents the errors it can answer with (as `ErrorResponse`), derived from
    what the view really does: its input, authentication, permissions, throttles, path and
    `@idempotent`; an idempotent operation documents its `Idempotency-Key` header.

    Serializers nested in a view are named after the view, so every view may call its own
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

    def _idempotent(self) -> bool:
        return is_idempotent(getattr(self.view, self.method.lower(), None))

    def get_override_parameters(
        self,
    ) -> list[OpenApiParameter | Serializer | type[Serializer]]:
        parameters = list(super().get_override_parameters())
        if self._idempotent():
            parameters.append(
                OpenApiParameter(
                    IDEMPOTENCY_HEADER,
                    OpenApiTypes.STR,
                    OpenApiParameter.HEADER,
                    description="Retry safely: the same key returns the same answer; "
                    "another request with it gets 422. At most 255 characters.",
                )
            )
        return parameters

    def error_statuses(self, operation: dict[str, object]) -> set[int]:
        """The error statuses this operation can answer with."""
        parameters = operation.get("parameters")
        takes_input = "requestBody" in operation or (
            isinstance(parameters, list)
            and any(p.get("in") in ("query", "header") for p in parameters)
        )
        statuses = {400} if takes_input or self.method in WRITES else set()
        if self.method in WITH_BODY:
            statuses.add(415)
        if self.view.get_authenticators():
            statuses.add(401)
        if not all(isinstance(p, AllowAny) for p in self.view.get_permissions()):
            statuses |= {401, 403}
            if self.method in WRITES:
                statuses.add(409)
        if "{" in self.path or (self._is_list_view() and self._get_paginator()):
            statuses.add(404)  # a page past the last one is a 404 too
        if self._idempotent():
            statuses.add(422)
        if self.view.get_throttles():
            statuses.add(429)
        return statuses

    def get_operation(
        self,
        path: str,
        path_regex: str,
        path_prefix: str,
        method: str,
        registry: ComponentRegistry,
    ) -> dict[str, object] | None:
        operation: dict[str, object] | None = super().get_operation(
            path, path_regex, path_prefix, method, registry
        )
        if operation is None:
            return None
        responses = operation.setdefault("responses", {})
        assert isinstance(responses, dict)
        for code in sorted(self.error_statuses(operation)):
            if str(code) not in responses:
                response = self._get_response_for_code(ErrorResponse, str(code))
                response["description"] = ERROR_REASONS[code]
                responses[str(code)] = response
        return operation
