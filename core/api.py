"""API plumbing: one JSON shape for every error, and a schema that documents it on every operation.

{"error": {"code": "...", "message": "...", "fields": {"field": ["message", ...]}}}
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Literal

import drf_spectacular.openapi
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.validators import (
    BaseValidator,
    MaxValueValidator,
    MinValueValidator,
    RegexValidator,
)
from django.http import Http404
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ComponentRegistry
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions, serializers, status
from rest_framework.fields import Field
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.serializers import Serializer
from rest_framework.views import exception_handler as drf_exception_handler

from core import hygiene
from core.errors import RULE, ApplicationError
from core.idempotency import HEADER as IDEMPOTENCY_HEADER
from core.idempotency import is_idempotent


def error_body(
    code: str, message: str | Promise, fields: dict[str, list[str]] | None = None
) -> dict[str, dict[str, object]]:
    """The one JSON shape of an API error (also used by middleware that answers before DRF)."""
    return {"error": {"code": code, "message": str(message), "fields": fields or {}}}


def _error(
    code: str,
    message: str | Promise,
    fields: dict[str, list[str]] | None = None,
    http_status: int = 400,
) -> Response:
    return Response(error_body(code, message, fields), status=http_status)


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


# Serializer error codes of rules no schema can state (like every ApplicationError's): RULE, an id
# or slug of the right shape that names no object, a date outside core.hygiene's range (OpenAPI
# 3.0 has no bounds for dates). Such a refusal is a 422, not a 400.
RULE_CODES = frozenset({RULE, "does_not_exist", "date_range"})


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
        codes = {code for group in flatten_errors(exc.get_codes()).values() for code in group}
        by_rule = bool(codes) and codes <= RULE_CODES
        return _error(
            codes.pop() if by_rule and len(codes) == 1 else "invalid",
            message[0] if message else _("Please correct the errors below."),
            fields,
            status.HTTP_422_UNPROCESSABLE_ENTITY if by_rule else status.HTTP_400_BAD_REQUEST,
        )
    code = getattr(exc, "default_code", "error")
    detail = getattr(exc, "detail", str(exc))
    response.data = error_body(code, str(detail))
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
    422: "The input is well-formed, but a rule refused it (a time in the past or outside the "
    "opening hours, an id that names nothing, a wrong signature, an Idempotency-Key reused for "
    "another request); `code` says which.",
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


def _below(limit: int) -> str:
    """A regex of the whole numbers from 0 to limit - 1 (leading zeros allowed)."""
    digits = str(limit)
    shorter = [f"\\d{{1,{len(digits) - 1}}}"] if len(digits) > 1 else []
    same_length = [
        f"{digits[:i]}[0-{int(d) - 1}]"
        + (f"\\d{{{len(digits) - i - 1}}}" if i < len(digits) - 1 else "")
        for i, d in enumerate(digits)
        if d != "0"
    ]
    return "|".join(shorter + same_length)


class DecimalField(OpenApiSerializerFieldExtension):
    """A decimal is written as digits, within its bounds (min_value, max_value and Min/Max value
    validators): at least one digit, no sign when it cannot be negative, not all zeros when it
    must be positive, and whole digits below a whole-number maximum."""

    target_class = "rest_framework.fields.DecimalField"

    def map_serializer_field(
        self, auto_schema: drf_spectacular.openapi.AutoSchema, direction: str
    ) -> dict[str, object]:
        field = self.target
        schema: dict[str, object] = auto_schema._map_serializer_field(
            field, direction, bypass_extensions=True
        )
        if schema.get("type") != "string":
            return schema
        least = _bound(field.min_value, field.validators, MinValueValidator, max)
        most = _bound(field.max_value, field.validators, MaxValueValidator, min)
        places = f"(?:\\.\\d{{1,{field.decimal_places}}})?" if field.decimal_places else ""
        whole = "\\d+" if field.max_whole_digits is None else f"\\d{{1,{field.max_whole_digits}}}"
        magnitude = f"{whole}{places}"
        symmetric = least is None or most is None or -least == most
        if most is not None and most > 0 and most == int(most) and symmetric:
            # below the maximum with any fraction, or the maximum itself
            magnitude = f"(?:(?:{_below(int(most))}){places}|{int(most)}(?:\\.0+)?)"
        sign = "" if least is not None and least >= 0 else "-?"
        positive = "(?=.*[1-9])" if least is not None and least > 0 else ""
        schema["pattern"] = f"^{positive}{sign}{magnitude}$"
        return schema


def _bound(
    value: object, validators: list[object], kind: type[BaseValidator], pick: Callable
) -> Decimal | None:
    """The tightest of a field's own bound and its validators' of that kind."""
    found = [value] + [v.limit_value for v in validators if isinstance(v, kind)]
    known = [Decimal(str(b)) for b in found if b is not None]
    return pick(known) if known else None


class IntegerField(OpenApiSerializerFieldExtension):
    """A whole number fits PostgreSQL's integer unless its field says otherwise (core.hygiene)."""

    target_class = "rest_framework.fields.IntegerField"

    def map_serializer_field(
        self, auto_schema: drf_spectacular.openapi.AutoSchema, direction: str
    ) -> dict[str, object]:
        schema: dict[str, object] = auto_schema._map_serializer_field(
            self.target, direction, bypass_extensions=True
        )
        most, least = schema.get("maximum", hygiene.MAX_INTEGER), schema.get("minimum")
        assert isinstance(most, int | float) and isinstance(least, int | float | None)
        schema["maximum"] = min(most, hygiene.MAX_INTEGER)
        schema["minimum"] = max(
            least if least is not None else -hygiene.MAX_INTEGER, -hygiene.MAX_INTEGER
        )
        return schema


class PhoneNumberField(OpenApiSerializerFieldExtension):
    """A phone number is E.164; one written to the API is a Russian mobile (+79…), the numbers
    whose every instance of that shape is a real one (but +7930, an unassigned range)."""

    target_class = "phonenumber_field.serializerfields.PhoneNumberField"

    def map_serializer_field(
        self, auto_schema: drf_spectacular.openapi.AutoSchema, direction: str
    ) -> dict[str, str]:
        # spectacular adds the empty string itself when the field allows a blank.
        pattern = r"^\+79(?!30)\d{9}$" if direction == "request" else r"^\+[1-9]\d{6,14}$"
        return {"type": "string", "pattern": pattern, "example": "+79161234567"}


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

    def _map_serializer_field(
        self, field: Field, direction: str, bypass_extensions: bool = False
    ) -> dict[str, object]:
        """Text typed into any field (a CharField, a slug, a choice by name) holds no control
        characters, and one-line text no line breaks: core.hygiene refuses them everywhere."""
        schema: dict[str, object] = super()._map_serializer_field(
            field, direction, bypass_extensions
        )
        if (
            direction == "request"
            and schema.get("type") == "string"
            and not ({"pattern", "format", "enum"} & schema.keys() or field.read_only)
            and not any(isinstance(v, RegexValidator) for v in field.validators)  # has its own
        ):
            # the characters of its [class], written as \uXXXX escapes ("-" makes ranges)
            refused = "".join(
                c if c == "-" else f"\\u{ord(c):04x}" for c in hygiene.CONTROL.pattern[1:-1]
            )
            if field.style.get("base_template") != "textarea.html":
                refused += "\\u000a\\u000d"
            schema["pattern"] = f"^[^{refused}]*$"
        return schema

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
        statuses = {400, 422} if takes_input or self.method in WRITES else set()
        if self.method in WITH_BODY:
            statuses.add(415)
        if self.view.get_authenticators():
            statuses.add(401)
        signed_in = not all(isinstance(p, AllowAny) for p in self.view.get_permissions())
        if signed_in:
            statuses |= {401, 403}
            if self.method in WRITES:
                statuses.add(409)
        if (
            "{" in self.path
            or (signed_in and takes_input)  # an object named in the input is not one of yours
            or (self._is_list_view() and self._get_paginator())  # a page past the last one
        ):
            statuses.add(404)
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
