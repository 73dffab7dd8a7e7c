"""Tenancy over every partner URL: another organisation's owner gets 404, whatever the method.

The URLs are read from the URL resolver, so a page or endpoint added later under /dashboard/ or
/api/v1/partner/ is covered without touching this file (a new kind of URL kwarg makes it fail
until org_a_objects in conftest.py names an object for it).
"""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from venues.models import Invitation, Membership, Photo, Price, Room, ScheduleException, Venue

PREFIXES = ("dashboard/", "api/v1/partner/")
KWARG = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


def _routes(patterns, prefix=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route


def partner_routes() -> list[str]:
    routes = [r for r in _routes(get_resolver().url_patterns) if r.startswith(PREFIXES)]
    assert len(routes) > 30, "the partner URLs were not found"
    return routes


def _fill(route: str, objects: dict) -> str:
    def value(match):
        name = match.group("name")
        assert name in objects, f"{route}: add an object of organisation A for <{name}>"
        return str(objects[name])

    return "/" + KWARG.sub(value, route)


def _state():
    """Everything a foreign request might change, to prove nothing did."""
    return (
        list(Venue.objects.order_by("pk").values()),
        list(Room.objects.order_by("pk").values()),
        list(Price.objects.order_by("pk").values()),
        list(Membership.objects.order_by("pk").values()),
        list(Invitation.objects.order_by("pk").values()),
        list(ScheduleException.objects.order_by("pk").values()),
        list(Photo.objects.order_by("pk").values()),
    )


@pytest.mark.django_db
def test_every_partner_url_is_a_404_for_another_organisations_owner(
    client, org_a_objects, owner_a, owner_b
):
    routes = [r for r in partner_routes() if KWARG.search(r)]
    before = _state()
    client.force_login(owner_b)
    checked = []
    for route in routes:
        url = _fill(route, org_a_objects)
        api = route.startswith("api/")
        methods = ["get", "post", "put", "patch", "delete"] if api else ["get", "post"]
        statuses = {}
        for method in methods:
            kwargs = {"content_type": "application/json"} if api and method != "get" else {}
            data = {} if method == "get" else ({"name": "x", "role": "owner"})
            response = getattr(client, method)(url, data, **kwargs)
            statuses[method] = response.status_code
            assert response.status_code in (404, 405), f"{method.upper()} {url}: {statuses}"
        assert 404 in statuses.values(), f"{url}: no method answered 404 ({statuses})"
        checked.append(url)
    assert _state() == before, "a foreign request changed organisation A's data"
    assert len(checked) == len(routes)


@pytest.mark.django_db
def test_the_filled_urls_exist_for_organisation_as_own_owner(client, org_a_objects, owner_a):
    """The 404s above mean something only if the same URLs work for A's owner."""
    client.force_login(owner_a)
    for route in partner_routes():
        if "<token>" in route or "<str:token>" in route:
            continue  # the invitation is for the newcomer's address, not the owner's
        # Lists scoped by a query parameter (the partner bookings list) get A's venue.
        url = _fill(route, org_a_objects) + f"?venue={org_a_objects['venue_id']}"
        response = client.get(url)
        assert response.status_code in (200, 302, 405), f"GET {url}: {response.status_code}"


@pytest.mark.django_db
def test_lists_show_only_the_callers_organisations(client, org_a_objects, owner_b, venue_a):
    client.force_login(owner_b)
    for route in partner_routes():
        if KWARG.search(route):
            continue
        for query in ("", f"?venue={venue_a.pk}"):
            response = client.get("/" + route + query)
            # A list that needs a venue says so (400); A's venue is unknown to B (404).
            assert response.status_code in (200, 302, 400, 404, 405), route + query
            if response.status_code == 200:
                assert venue_a.name not in response.content.decode(), route + query
            if query and response.status_code not in (200, 302, 405):
                assert response.status_code == 404, route + query


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_log_in_or_refused(client, org_a_objects):
    for route in partner_routes():
        if route == "dashboard/start/":
            continue  # the public "for venues" page
        response = client.get(_fill(route, org_a_objects))
        if route.startswith("api/"):
            assert response.status_code in (401, 403, 405), route
        elif response.status_code != 405:  # POST-only pages refuse a GET before anything else
            assert response.status_code == 302, route
            assert "/accounts/login/" in response["Location"], route
