"""The one family of errors that services raise for a person to read."""

from __future__ import annotations

from typing import Any


class ApplicationError(Exception):
    """A rule of the domain was not met; `message` is translated and safe to show.

    `status` is the HTTP status the API answers with; `fields` maps form/serializer field names
    to messages when the error belongs to particular inputs.
    """

    status = 400
    code = "invalid"

    def __init__(
        self, message: Any, *, fields: dict[str, Any] | None = None, code: str | None = None
    ):
        super().__init__(str(message))
        self.message = message
        self.fields = fields or {}
        if code:
            self.code = code


class NotFound(ApplicationError):
    status = 404
    code = "not_found"


class PermissionDenied(ApplicationError):
    status = 403
    code = "permission_denied"


class Conflict(ApplicationError):
    """The request clashes with the current state (a taken slot, a replayed key with a new body)."""

    status = 409
    code = "conflict"
