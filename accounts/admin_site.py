"""The staff admin site: Django's, with query parameters PostgreSQL can read."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, TypeVar, cast

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest, HttpResponseBase, QueryDict

if TYPE_CHECKING:
    from django.http.request import _ImmutableQueryDict

V = TypeVar("V", bound=Callable[..., HttpResponseBase])


def _without_nul(query: QueryDict) -> _ImmutableQueryDict:
    """`query` with NUL characters removed: PostgreSQL text cannot hold them, so a search or a
    filter value carrying one would fail in the database instead of matching nothing."""
    cleaned = QueryDict(mutable=True)
    for key, values in query.lists():
        cleaned.setlist(key.replace("\x00", ""), [value.replace("\x00", "") for value in values])
    cleaned._mutable = False
    return cast("_ImmutableQueryDict", cleaned)


class BronkaAdminSite(admin.AdminSite):
    """Every admin page (each ModelAdmin's views are wrapped by `admin_view`) gets its search
    and filters without NUL characters, so whatever staff type, the page opens."""

    def admin_view(self, view: V, cacheable: bool = False) -> V:
        inner = super().admin_view(view, cacheable)

        @wraps(inner)
        def clean(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponseBase:
            request.GET = _without_nul(request.GET)
            return inner(request, *args, **kwargs)

        return cast(V, clean)


class BronkaAdminConfig(AdminConfig):
    default_site = "accounts.admin_site.BronkaAdminSite"
