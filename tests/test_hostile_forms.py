"""Gate: hostile input to every HTML page and form gets an answer below 500.

The pages are read from the URL resolver (everything but the API, the admin and the language
switch), so a page added later is swept without touching this file. Each is requested as an
anonymous visitor, a client and a venue owner, with its URL kwargs filled three ways: the
caller's own objects, another organisation's, and junk (a NUL, a number too big for any
column). Each is fetched with hostile query parameters and posted with hostile values in every
field its page shows (and the usual query names), one hostile value at a time.
"""

from __future__ import annotations

import re
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from bookings.models import Payment, RoomCalendarFeed
from loyalty.models import Campaign
from tests.factories import BookingFactory, MembershipFactory, RoomFactory, VenueFactory, png_bytes
from venues.models import Invitation, Photo, PointsRule, ScheduleException

SKIPPED = ("api/", "admin/", "i18n/", "healthz", "favicon.ico", "static/", "media/")
KWARG = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>|\(\?P<(?P<group>\w+)>[^)]*\)")
HUGE = "9" * 26
TEXT = ["a\x00b\r\nc\x01\x1b[31m", "x" * 10_000]
DATE_LIKE = re.compile(r"date|day|week|from|to$|until|start|end|birth|valid|month|year")
# Query names pages read by hand, besides the fields their forms show.
QUERY_NAMES = [
    "date", "week", "view", "start", "end", "minutes", "room", "venue", "points", "page",
    "q", "city", "kind", "from", "to", "next", "status", "token", "price", "sort",
]  # fmt: skip
POST_FORM = re.compile(r"<form[^>]*method=.?post", re.IGNORECASE)
FIELD_NAME = re.compile(r"""\bname=["']([\w\-\[\]]+)["']""")


def _routes(patterns, prefix=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern).lstrip("^").rstrip("$")
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route


def page_routes() -> list[str]:
    routes = sorted({r for r in _routes(get_resolver().url_patterns) if not r.startswith(SKIPPED)})
    assert len(routes) > 60, "the pages were not found"
    return routes


def _fill(route: str, values: dict[str, str]) -> str:
    def value(match):
        return quote(str(values.get(match.group("name") or match.group("group"), "1")), safe="%")

    return "/" + KWARG.sub(value, route).replace("\\", "")


@pytest.fixture
def kwargs_sets(org_a_objects, org_b, owner_b, client_user):
    """Own objects (organisation A, the client's booking), B's objects, and junk values."""
    own = {key: str(value) for key, value in org_a_objects.items()}
    booking_id = org_a_objects["booking_id"]
    payment = Payment.objects.create(booking_id=booking_id, provider="test", amount=Decimal(100))
    feed = RoomCalendarFeed.objects.create(room_id=org_a_objects["room_id"])
    own.update(payment_id=str(payment.pk), key="nokey", uidb36="1", uidb64="MQ")
    own_feed = dict(own, token=feed.token)

    venue_b = VenueFactory(organisation=org_b)
    room_b = RoomFactory(venue=venue_b)
    start = timezone.now().replace(minute=0, second=0, microsecond=0) + timezone.timedelta(days=3)
    booking_b = BookingFactory(room=room_b, status="confirmed", start=start)
    foreign = {
        "campaign_id": Campaign.objects.create(name="B", venue=venue_b, value=2).pk,
        "organisation_id": org_b.pk,
        "venue_id": venue_b.pk,
        "room_id": room_b.pk,
        "membership_id": MembershipFactory(organisation=org_b, role="manager").pk,
        "invitation_id": Invitation.objects.create(
            organisation=org_b, email="b@example.com", role="manager", token="tok-b"
        ).pk,
        "exception_id": ScheduleException.objects.create(
            venue=venue_b, date=start.date(), is_closed=True
        ).pk,
        "photo_id": Photo.objects.create(
            venue=venue_b, image=ContentFile(png_bytes(), name="b.png")
        ).pk,
        "booking_id": booking_b.pk,
        "rule_id": PointsRule.objects.create(venue=venue_b, weekdays=[1], percent=5).pk,
        "token": "tok-b",
    }
    foreign = {key: str(value) for key, value in foreign.items()}
    # B's objects under A's venue or organisation: the page must find nothing, not crash.
    parents = ("organisation_id", "venue_id")
    foreign_child = {**own, **{k: v for k, v in foreign.items() if k not in parents}}
    junk_text = dict.fromkeys(own, "x%00y")
    junk_number = dict.fromkeys(own, HUGE)
    # A visitor gets the first set, a client the first two, an owner all of them.
    return [own, junk_text, own_feed, junk_number, {**own, **foreign}, foreign_child]


def _field_names(response) -> list[str]:
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return []
    names = FIELD_NAME.findall(response.content.decode(errors="replace"))
    return sorted({n for n in names if n not in ("csrfmiddlewaretoken", "language")})


def _rounds(names: list[str], ids: dict[str, str]) -> list[dict[str, str]]:
    """Every field NUL and control characters; every field 10,000 characters; dates in 9999 and
    numbers past any column, next to real ids (a room, a venue) so the dates reach the code that
    adds to them."""
    typed = {name: "9999-12-31" if DATE_LIKE.search(name) else HUGE for name in names}
    typed.update({name: value for name, value in ids.items() if name in typed})
    return [dict.fromkeys(names, value) for value in TEXT] + [typed]


def _sweep(client, user, urls: list[str], ids: dict[str, str]) -> list[str]:
    failures = []

    def check(method: str, url: str, data: dict) -> None:
        response = getattr(client, method)(url, data)
        if response.status_code >= 500:
            failures.append(f"{method.upper()} {url} {sorted(data)[:6]}… → {response.status_code}")

    for url in urls:
        if user is not None and "_auth_user_id" not in client.session:
            client.force_login(user)  # a page swept before signed the caller out
        first = client.get(url)
        if first.status_code >= 500:
            failures.append(f"GET {url} → {first.status_code}")
        if first.status_code in (302, 404) or first.status_code >= 500:
            continue  # not this caller's page: the answer to its address was the test
        names = _field_names(first) or ["name", "rating", "comment", "date", "room"]
        # A page that takes a POST: an action (a GET is refused) or one showing a POST form.
        page = first.content.decode(errors="replace")
        posts = first.status_code == 405 or POST_FORM.search(page)
        for hostile in _rounds(names, ids):
            if first.status_code != 405:
                check("get", url, {**_rounds(QUERY_NAMES, ids)[len(TEXT)], **hostile})
            if posts:
                check("post", url, hostile)
    return failures


@pytest.mark.django_db
def test_no_hostile_input_to_a_page_is_a_server_error(client, kwargs_sets, owner_a, client_user):
    client.raise_request_exception = False
    routes = page_routes()
    failures = []
    ids = {"room": kwargs_sets[0]["room_id"], "venue": kwargs_sets[0]["venue_id"]}
    # A visitor's page is the same whichever ids fill it; only the owner sees B's ids.
    for user, sets in ((None, 1), (client_user, 2), (owner_a, len(kwargs_sets))):
        client.logout()
        chosen = kwargs_sets[:sets]
        urls = sorted({_fill(route, values) for route in routes for values in chosen})
        failures += [f"{user}: {failure}" for failure in _sweep(client, user, urls, ids)]
    assert not failures, "\n".join(failures)
