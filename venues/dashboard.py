"""Building blocks of the partner dashboard that other apps reuse to add their own pages.

- `venue_page(roles=..., write_roles=...)`: a decorator for a view taking `venue_id`; it resolves
  the venue through the tenancy selectors (foreign venue → 404, weak role → 403) and calls the
  view as `view(request, venue, **other_kwargs)`, with `request.venue` and `request.partner_role`.
- `organisation_page(...)`: the same for views taking `organisation_id`.
- `VenuePageMixin`: the class-based equivalent (`self.venue`).
- `register_venue_nav(...)`: add an item to the per-venue side navigation of
  templates/dashboard/base.html (bookings adds its calendar here from its AppConfig.ready).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.errors import NotFound, PermissionDenied
from venues import selectors
from venues.models import Organisation, Venue

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str  # reversed with venue_id=<the venue>
    order: int = 100
    roles: tuple[str, ...] = tuple(selectors.EVERYONE)


VENUE_NAV: list[NavItem] = []


def register_venue_nav(
    label: str | Promise,
    url_name: str,
    *,
    order: int = 100,
    roles: Iterable[str] = selectors.EVERYONE,
) -> None:
    """Add a link to every venue's side navigation (idempotent per url_name)."""
    if any(item.url_name == url_name for item in VENUE_NAV):
        return
    VENUE_NAV.append(NavItem(label=label, url_name=url_name, order=order, roles=tuple(roles)))
    VENUE_NAV.sort(key=lambda item: item.order)


def venue_nav(role: str | None) -> list[NavItem]:
    return [item for item in VENUE_NAV if role in item.roles]


def _roles_for(request: HttpRequest, roles: Iterable[str], write_roles: Iterable[str] | None):
    return roles if request.method in SAFE_METHODS or write_roles is None else write_roles


def resolve_venue(
    request: HttpRequest, venue_id: int, roles: Iterable[str], write_roles: Iterable[str] | None
) -> Venue:
    try:
        venue = selectors.venue_for_member(
            user=request.user, venue_id=venue_id, roles=_roles_for(request, roles, write_roles)
        )
    except NotFound as error:
        raise Http404(str(error)) from error
    except PermissionDenied as error:
        raise DjangoPermissionDenied(str(error)) from error
    request.venue = venue
    request.partner_role = selectors.membership_role(
        user=request.user, organisation_id=venue.organisation_id
    )
    return venue


def resolve_organisation(
    request: HttpRequest,
    organisation_id: int,
    roles: Iterable[str],
    write_roles: Iterable[str] | None,
) -> Organisation:
    try:
        organisation = selectors.organisation_for_member(
            user=request.user,
            organisation_id=organisation_id,
            roles=_roles_for(request, roles, write_roles),
        )
    except NotFound as error:
        raise Http404(str(error)) from error
    except PermissionDenied as error:
        raise DjangoPermissionDenied(str(error)) from error
    request.organisation = organisation
    request.partner_role = selectors.membership_role(
        user=request.user, organisation_id=organisation.pk
    )
    return organisation


def venue_page(
    *, roles: Iterable[str] = selectors.EVERYONE, write_roles: Iterable[str] | None = None
) -> Callable:
    """A dashboard view scoped to `venue_id`: members with `roles` may read, `write_roles` write."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, venue_id: int, **kwargs: Any) -> HttpResponse:
            venue = resolve_venue(request, venue_id, roles, write_roles)
            return view(request, venue, **kwargs)

        return wrapper

    return decorator


def organisation_page(
    *, roles: Iterable[str] = selectors.EVERYONE, write_roles: Iterable[str] | None = None
) -> Callable:
    """A dashboard view scoped to `organisation_id` (see `venue_page`)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, organisation_id: int, **kwargs: Any) -> HttpResponse:
            organisation = resolve_organisation(request, organisation_id, roles, write_roles)
            return view(request, organisation, **kwargs)

        return wrapper

    return decorator


class VenuePageMixin(LoginRequiredMixin):
    """Class-based views scoped to `venue_id`: sets `self.venue` before dispatching."""

    roles: Iterable[str] = selectors.EVERYONE
    write_roles: Iterable[str] | None = None
    venue: Venue

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.venue = resolve_venue(request, kwargs.pop("venue_id"), self.roles, self.write_roles)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        context["venue"] = self.venue
        return context


# The venue pages of this app; other apps add theirs with register_venue_nav.
register_venue_nav(_("Overview"), "dashboard:venue", order=10)
register_venue_nav(_("Rooms and prices"), "dashboard:rooms", order=20)
register_venue_nav(_("Opening hours"), "dashboard:hours", order=30, roles=selectors.EDITORS)
register_venue_nav(_("Exceptions"), "dashboard:exceptions", order=40, roles=selectors.EDITORS)
register_venue_nav(_("Photos"), "dashboard:photos", order=50, roles=selectors.EDITORS)
register_venue_nav(_("Venue details"), "dashboard:venue-edit", order=60, roles=selectors.EDITORS)
register_venue_nav(_("Points and cashback"), "dashboard:points", order=55)
