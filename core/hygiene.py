"""Input hygiene: what every form and API field refuses before any code of ours sees the value.

One rule set, applied to every Django form field and every DRF field by `install()` (run once by
`core.apps`), so a form or serializer written tomorrow is covered without opting in:

- text may not hold NUL or other control characters (PostgreSQL refuses NUL; the others break
  e-mail headers, logs and calendars); a single-line field (a form field without a textarea, a
  DRF field not styled as a textarea) refuses line breaks too;
- dates and date-times lie between `MIN_DATE` and `MAX_DATE` (year 9999 overflows the moment a
  time zone or a day is added); integers fit PostgreSQL's `integer`.

Values that are not typed into a field are refused by `core.middleware.InputHygieneMiddleware`
(control characters in the path and query) or read with `parse_date` / `parse_datetime` /
`parse_int`, which keep to the same ranges.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.utils import dateparse
from django.utils.translation import gettext_lazy as _
from rest_framework import fields as drf_fields
from rest_framework import serializers

# C0 controls but tab and line breaks, DEL, C1 controls, and Unicode's line/paragraph separators.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
LINE_BREAK = re.compile("[\r\n]")
MIN_DATE = datetime.date(1900, 1, 1)  # birthdays are dates too
MAX_DATE = datetime.date(2100, 12, 31)
MAX_INTEGER = 2**31 - 1  # PostgreSQL's `integer`

CONTROL_MESSAGE = _("Remove the control characters from this text.")
LINE_BREAK_MESSAGE = _("This field is one line: remove the line breaks.")
DATE_MESSAGE = _("Enter a date between %(min)s and %(max)s.")
INTEGER_MESSAGE = _("Enter a number between %(min)s and %(max)s.")


def text_problem(value: object, *, single_line: bool) -> ValidationError | None:
    """Why the raw text `value` (or any text in a list of them) is refused, or None."""
    values = value if isinstance(value, list | tuple) else [value]
    for text in values:
        if not isinstance(text, str):
            continue
        if CONTROL.search(text):
            return ValidationError(CONTROL_MESSAGE, code="control_characters")
        if single_line and LINE_BREAK.search(text):
            return ValidationError(LINE_BREAK_MESSAGE, code="line_break")
    return None


def check_text(value: object, *, single_line: bool = True) -> None:
    """Refuse control characters (and line breaks where the text is one line)."""
    problem = text_problem(value, single_line=single_line)
    if problem is not None:
        raise problem


def check_range(value: object) -> None:
    """Refuse a date, date-time or integer outside the range the site works with."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date) and not MIN_DATE <= value <= MAX_DATE:
        raise ValidationError(
            DATE_MESSAGE, code="date_range", params={"min": MIN_DATE, "max": MAX_DATE}
        )
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INTEGER:
        raise ValidationError(
            INTEGER_MESSAGE, code="integer_range", params={"min": -MAX_INTEGER, "max": MAX_INTEGER}
        )


def parse_date(text: str) -> datetime.date | None:
    """A YYYY-MM-DD typed into an address, or None if it is not one or is out of range."""
    try:
        day = dateparse.parse_date(text.strip())
    except ValueError:
        return None
    return day if day is not None and MIN_DATE <= day <= MAX_DATE else None


def parse_time(text: str) -> datetime.time | None:
    """An HH:MM typed into an address, or None if it is not one."""
    try:
        return dateparse.parse_time(text.strip())
    except ValueError:
        return None


def parse_datetime(text: str) -> datetime.datetime | None:
    """An ISO-8601 date-time typed into an address or a form, or None (also out of range)."""
    try:
        moment = dateparse.parse_datetime(text.strip())
    except ValueError:
        return None
    return moment if moment is not None and MIN_DATE <= moment.date() <= MAX_DATE else None


def parse_int(text: str) -> int | None:
    """A whole number typed into an address or a form, or None (also out of range)."""
    try:
        number = int(text.strip())
    except ValueError:
        return None
    return number if abs(number) <= MAX_INTEGER else None


def _form_field_single_line(field: forms.Field) -> bool:
    return not isinstance(field.widget, forms.Textarea)


def _drf_field_single_line(field: drf_fields.Field) -> bool:
    return field.style.get("base_template") != "textarea.html"


FormClean = Callable[[forms.Field, object, object], object]
DrfRunValidation = Callable[[drf_fields.Field, object], object]


def _guarded_form_clean(clean: FormClean) -> FormClean:
    @wraps(clean)
    def guarded(self: forms.Field, value: object, *initial: object) -> object:
        check_text(value, single_line=_form_field_single_line(self))
        cleaned = clean(self, value, *initial)  # a file field also takes its initial value
        check_range(cleaned)
        return cleaned

    guarded.hygienic = True  # type: ignore[attr-defined]  # marks a field class as done
    return guarded


def _guarded_drf_run_validation(run_validation: DrfRunValidation) -> DrfRunValidation:
    @wraps(run_validation)
    def guarded(self: drf_fields.Field, data: object = drf_fields.empty) -> object:
        problem = text_problem(data, single_line=_drf_field_single_line(self))
        if problem is not None:
            raise serializers.ValidationError(problem.messages, code=problem.code)
        validated = run_validation(self, data)
        try:
            check_range(validated)
        except ValidationError as error:
            raise serializers.ValidationError(error.messages, code=error.code) from None
        return validated

    guarded.hygienic = True  # type: ignore[attr-defined]  # marks a field class as done
    return guarded


T = TypeVar("T")


def _subclasses(cls: type[T]) -> list[type[T]]:
    found: list[type[T]] = [cls]
    for sub in cls.__subclasses__():
        found.extend(_subclasses(sub))
    return found


def _guard_form_field(cls: type[forms.Field]) -> None:
    clean = vars(cls).get("clean")
    if clean is not None and not getattr(clean, "hygienic", False):
        cls.clean = _guarded_form_clean(clean)  # type: ignore[method-assign,assignment]


def _guard_api_field(cls: type[drf_fields.Field]) -> None:
    run_validation = vars(cls).get("run_validation")
    if run_validation is not None and not getattr(run_validation, "hygienic", False):
        guarded = _guarded_drf_run_validation(run_validation)
        cls.run_validation = guarded  # type: ignore[method-assign,assignment]


def _form_field_subclassed(cls: type[forms.Field], **kwargs: object) -> None:
    super(forms.Field, cls).__init_subclass__(**kwargs)
    _guard_form_field(cls)


def _api_field_subclassed(cls: type[drf_fields.Field], **kwargs: object) -> None:
    super(drf_fields.Field, cls).__init_subclass__(**kwargs)
    _guard_api_field(cls)


def install() -> None:
    """Guard every form field's `clean` and every DRF field's `run_validation`.

    Both are the entry each field's value passes through before the field parses it (a model
    choice looks its value up in the database there). Every field class loaded so far that
    defines one is wrapped now, and every class defined later (allauth's forms load late) as
    it is created, so no field of any form or serializer escapes the guard.
    """
    for form_field in _subclasses(forms.Field):
        _guard_form_field(form_field)
    for api_field in _subclasses(drf_fields.Field):
        _guard_api_field(api_field)
    forms.Field.__init_subclass__ = classmethod(_form_field_subclassed)  # type: ignore[assignment,method-assign]
    drf_fields.Field.__init_subclass__ = classmethod(_api_field_subclassed)  # type: ignore[assignment,method-assign]
