"""Several writes in one statement: the INSERT Django would run for a model instance, as SQL to
compose into a `WITH … AS (INSERT …)` statement, and marking the instance saved afterwards."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import cast
from uuid import UUID

from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models import Model
from django.db.models.constants import OnConflict
from django.db.models.sql import InsertQuery

# What a field puts into a query (the types cursor.execute is typed to take).
Param = int | float | Decimal | str | bytes | date | UUID | tuple[object, ...] | list[object] | None


def insert_sql(
    obj: Model, *, returning: bool = True, ignore_conflicts: bool = False
) -> tuple[str, tuple[Param, ...]]:
    """The INSERT of the unsaved `obj` (RETURNING its id when `returning`) and its parameters.

    A field may hold an expression without column references, e.g.
    `RawSQL("(SELECT id FROM new_booking)", ())` to take the id an earlier CTE returned.
    `ignore_conflicts`: ON CONFLICT DO NOTHING (then no row comes back when the row exists).
    """
    meta = obj._meta
    fields = [f for f in meta.local_concrete_fields if f is not meta.auto_field and not f.generated]
    query = InsertQuery(type(obj), on_conflict=OnConflict.IGNORE if ignore_conflicts else None)
    query.insert_values(fields, [obj])
    compiler = query.get_compiler(using=DEFAULT_DB_ALIAS)
    if returning:
        compiler.returning_fields = [meta.pk]
    [(sql, params)] = compiler.as_sql()
    return sql, cast(tuple[Param, ...], tuple(params))


def saved(obj: Model, pk: int) -> None:
    """Mark `obj`, inserted by a composed statement, as the saved row `pk`."""
    obj.pk = pk
    obj._state.adding = False
    obj._state.db = connection.alias
