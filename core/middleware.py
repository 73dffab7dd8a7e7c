"""Middleware of core: the site speaks Russian unless the visitor picked another language."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase


class RussianByDefaultMiddleware:
    """Drop the browser's Accept-Language on pages so LocaleMiddleware falls back to Russian.

    A visitor switches language with the footer switch (a cookie LocaleMiddleware honours).
    API clients keep content negotiation: they get English messages by asking for them.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not request.path.startswith("/api/"):
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
