"""The one family of errors that services raise for a person to read."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    # Field name -> its message or messages, as forms and serializers name their fields.
    FieldErrors = Mapping[str, StrOrPromise | Sequence[StrOrPromise]]


# The code of a form/serializer ValidationError for a rule no schema can state (a date relative to
# today, fields that go together): the API answers it like an ApplicationError, with 422.
RULE = "rule"


class ApplicationError(Exception):
    """A rule of the domain was not met; `message` is translated and safe to show.

    `status` is the HTTP status the API answers with: 422, as the input was well-formed (the
    OpenAPI schema allows it) but a rule no schema can say refused it; a malformed input is a
    400 from the serializers. `fields` maps form/serializer field names to messages when the
    error belongs to particular inputs.
    """

    status = 422
    code = "invalid"

    def __init__(
        self,
        message: StrOrPromise,
        *,
        fields: FieldErrors | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(str(message))
        self.message = message
        self.fields: dict[str, StrOrPromise | Sequence[StrOrPromise]] = dict(fields or {})
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
