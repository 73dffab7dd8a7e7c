"""Finding the demo's own objects again by their demo keys (demo.models.DemoObject)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.contrib.contenttypes.models import ContentType
from django.db import models

from demo.models import DemoObject

M = TypeVar("M", bound=models.Model)


def find(key: str, model: type[M]) -> M | None:
    """The object the demo made under `key`, or None (never made, or deleted since)."""
    record = DemoObject.objects.filter(key=key).first()
    if record is None:
        return None
    return model._default_manager.filter(pk=record.object_id).first()


def remember(key: str, obj: M) -> M:
    DemoObject.objects.update_or_create(
        key=key,
        defaults={"content_type": ContentType.objects.get_for_model(obj), "object_id": obj.pk},
    )
    return obj


def get_or_create(key: str, model: type[M], create: Callable[[], M]) -> tuple[M, bool]:
    """The demo's object under `key`, made by `create` (and remembered) when there is none."""
    found = find(key, model)
    if found is not None:
        return found, False
    return remember(key, create()), True
