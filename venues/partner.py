"""Building blocks of the partner dashboard's pages, which other apps reuse for their own.

- `venue_page(roles=..., write_roles=...)`: a decorator for a view taking `venue_id`; it resolves
  the venue through the tenancy selectors (foreign venue → 404, weak role → 403) and calls the
  view as `view(request, venue, **other_kwargs)`, with `request.venue` and `request.partner_role`.
- `organisation_page(...)`: the same for views taking `organisation_id`.
- `VenuePageMixin`: the class-based equivalent (`self.venue`).
- `PartnerRequest`: the type of such a view's request (signed in, with `partner_role`).

A page other apps add is linked from every venue's side navigation through
`venues.extensions.VENUE_NAV`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase

from accounts.http import SignedInRequest
from core.errors import NotFound, PermissionDenied
from venues import selectors
from venues.models import EVERYONE, Organisation, Venue

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class PartnerRequest(SignedInRequest):
    """A dashboard request once `venue_page` / `organisation_page` resolved what it is about:
    the member's role there (`venue` or `organisation` is set by the one that ran)."""

    partner_role: str | None
    venue: Venue
    organisation: Organisation


def _roles_for(
    request: HttpRequest, roles: Iterable[str], write_roles: Iterable[str] | None
) -> Iterable[str]:
    return roles if request.method in SAFE_METHODS or write_roles is None else write_roles


def resolve_venue(
    request: PartnerRequest,
    venue_id: int,
    roles: Iterable[str],
    write_roles: Iterable[str] | None,
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
    request: PartnerRequest,
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


View = Callable[..., HttpResponse]


def venue_page(
    *, roles: Iterable[str] = EVERYONE, write_roles: Iterable[str] | None = None
) -> Callable[[View], View]:
    """A dashboard view scoped to `venue_id`: members with `roles` may read, `write_roles` write."""

    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapper(request: PartnerRequest, venue_id: int, **kwargs: Any) -> HttpResponse:
            venue = resolve_venue(request, venue_id, roles, write_roles)
            return view(request, venue, **kwargs)

        return wrapper

    return decorator


def organisation_page(
    *, roles: Iterable[str] = EVERYONE, write_roles: Iterable[str] | None = None
) -> Callable[[View], View]:
    """A dashboard view scoped to `organisation_id` (see `venue_page`)."""

    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapper(request: PartnerRequest, organisation_id: int, **kwargs: Any) -> HttpResponse:
            organisation = resolve_organisation(request, organisation_id, roles, write_roles)
            return view(request, organisation, **kwargs)

        return wrapper

    return decorator


class VenuePageMixin(LoginRequiredMixin):
    """Class-based views scoped to `venue_id`: sets `self.venue` before dispatching."""

    roles: Iterable[str] = EVERYONE
    write_roles: Iterable[str] | None = None
    venue: Venue

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        # Signed in (checked above): from here on the request is a member's.
        partner_request = cast(PartnerRequest, request)
        venue_id = kwargs.pop("venue_id")
        self.venue = resolve_venue(partner_request, venue_id, self.roles, self.write_roles)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        context["venue"] = self.venue
        return context
