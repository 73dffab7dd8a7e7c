"""Middleware of core: the site's language, application errors on pages, and refused addresses."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from core import hygiene
from core.api import error_body
from core.errors import ApplicationError


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


def _error_response(request: HttpRequest, status: int, message: str) -> HttpResponse:
    """The one error page of the site (an htmx request gets the message as a fragment);
    API paths get the API's error shape."""
    if request.path.startswith("/api/"):
        code = {400: "invalid", 403: "permission_denied", 404: "not_found"}.get(status, "error")
        return JsonResponse(error_body(code, message), status=status)
    template = "_error.html" if getattr(request, "htmx", False) else "error.html"
    return render(request, template, {"status": status, "message": message}, status=status)


class ApplicationErrorMiddleware:
    """An `ApplicationError` that escapes an HTML view becomes its status (404, 403, 409, 400)
    with its message, as `core.api.exception_handler` does for the API: a view need not catch
    what a selector or service raises just to avoid a 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, ApplicationError):
            return _error_response(request, exception.status, str(exception.message))
        return None


class InputHygieneMiddleware:
    """Refuse a request whose path or query string holds control characters (a NUL in a token
    or an id), with 400, before a view hands it to the database. Form and API bodies are checked
    field by field, with the message on the field (core.hygiene)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        values = [request.path, *request.GET.keys()]
        values += [value for _key, listed in request.GET.lists() for value in listed]
        if hygiene.text_problem(values, single_line=True) is not None:
            return _error_response(
                request, 400, str(_("The address holds characters that are not allowed."))
            )
        return self.get_response(request)
