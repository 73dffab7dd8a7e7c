"""A client's points history by cursor: the "My points" page and the API walk the whole history
both ways without duplicates or gaps (ties on the timestamp included), at a constant number of
queries per page, and a bad cursor is a clear answer, never a 500."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from loyalty import selectors, services
from loyalty.models import LedgerTransaction
from tests.factories import UserFactory
from tests.loyalty.conftest import T0

pytestmark = pytest.mark.django_db

LINES = 47  # 2 pages of 20 and one of 7


def _bonus(user, n: int, at) -> None:
    services.points_credit(
        services.Movement(
            user=user,
            amount=10 + n,
            lifetime=timedelta(days=365),
            kind="bonus",
            reason="Bonus #%(n)s",
            reason_params={"n": n},
            idempotency_key=f"history:{user.pk}:{n}",
            now=at,
        )
    )


@pytest.fixture
def history(client_user, venue_a):
    """45 bonuses in groups of three sharing a timestamp (a page boundary falls inside a group),
    a reserve and its capture (the capture is not a line), and another client's lines between
    them. Returns the expected line ids, newest first."""
    other = UserFactory()
    for n in range(45):
        at = T0 + timedelta(minutes=n // 3)
        _bonus(client_user, n, at)
        _bonus(other, n, at)
    services.points_reserve(
        services.Movement(
            user=client_user,
            amount=5,
            venue=venue_a,
            reason="Held for booking",
            idempotency_key="history:reserve",
            now=T0 + timedelta(hours=1),
        )
    )
    services.points_reserve_capture(
        "history:reserve",
        services.Settlement(idempotency_key="history:capture", now=T0 + timedelta(hours=1)),
    )
    _bonus(client_user, 99, T0 + timedelta(hours=2))
    expected = list(
        LedgerTransaction.objects.filter(user=client_user)
        .exclude(kind="capture")
        .order_by("-created_at", "-id")
        .values_list("pk", flat=True)
    )
    assert len(expected) == LINES
    return expected


def test_selector_pages_through_ties_both_ways_without_duplicates_or_gaps(client_user, history):
    seen, page = [], selectors.points_history_page(user=client_user, size=4)
    pages = [page]
    while True:
        seen += [tx.pk for tx in page.lines]
        if page.older is None:
            break
        page = selectors.points_history_page(user=client_user, before=page.older, size=4)
        pages.append(page)
    assert seen == history
    # Back to the newest page through the `newer` cursors: the same pages, in reverse.
    back = [pages[-1]]
    while back[-1].newer is not None:
        back.append(selectors.points_history_page(user=client_user, after=back[-1].newer, size=4))
    assert [[tx.pk for tx in p.lines] for p in back] == [
        [tx.pk for tx in p.lines] for p in reversed(pages)
    ]
    assert back[-1].is_first


def test_lines_show_the_change_of_available_and_pending_points(client_user, history):
    reserve = selectors.points_history_page(user=client_user).lines[1]
    assert (reserve.kind, reserve.amount, reserve.pending_amount) == ("reserve", -5, 0)
    assert type(reserve.amount) is int


def _page_links(html: str) -> dict[str, str]:
    """The page's "Newer"/"Newest" (prev) and "Older" (next) links."""
    return {rel: href for href, rel in re.findall(r'<a href="(\?[^"]*)" rel="(prev|next)">', html)}


def test_my_points_page_walks_the_whole_history_by_its_links(client, client_user, history):
    client.force_login(client_user)
    url, seen, pages = "/me/points/", [], []
    while url:
        response = client.get(url)
        assert response.status_code == 200
        pages.append([tx.pk for tx in response.context["history"].lines])
        seen += pages[-1]
        links = _page_links(response.content.decode())
        url = "/me/points/" + links["next"] if "next" in links else None
    assert seen == history
    assert [len(p) for p in pages] == [20, 20, 7]
    # The last page links back to the one before it, and that one to the newest page.
    links = _page_links(client.get("/me/points/?before=" + str(pages[1][-1])).content.decode())
    newer = client.get("/me/points/" + links["prev"])
    assert [tx.pk for tx in newer.context["history"].lines] == pages[1]
    newest = client.get("/me/points/" + _page_links(newer.content.decode())["prev"])
    assert [tx.pk for tx in newest.context["history"].lines] == pages[0]
    assert "prev" not in _page_links(newest.content.decode())


def test_api_walks_the_whole_history_by_next_and_back_by_previous(client_api, history):
    # Each line's reason is unique ("Bonus #n", "Held for booking").
    reasons = [LedgerTransaction.objects.get(pk=pk).reason_text for pk in history]
    url, seen, pages = "/api/v1/me/points/history/", [], []
    while url:
        data = client_api.get(url, HTTP_ACCEPT_LANGUAGE="en").json()
        assert set(data) == {"next", "previous", "results"}
        pages.append(data)
        seen += [line["reason"] for line in data["results"]]
        url = data["next"]
    assert seen == reasons
    assert pages[0]["previous"] is None
    back = client_api.get(pages[2]["previous"], HTTP_ACCEPT_LANGUAGE="en").json()
    assert back["results"] == pages[1]["results"]
    first = client_api.get(back["previous"], HTTP_ACCEPT_LANGUAGE="en").json()
    assert first == pages[0]


def test_a_page_costs_the_same_queries_at_any_depth(client, client_api, client_user, history):
    client.force_login(client_user)
    deep = history[39]  # the page after it is the last one
    page_counts, api_counts = [], []
    for query in ("", f"?before={history[19]}", f"?before={deep}", f"?after={deep}"):
        with CaptureQueriesContext(connection) as page:
            assert client.get("/me/points/" + query).status_code == 200
        with CaptureQueriesContext(connection) as api:
            assert client_api.get("/api/v1/me/points/history/" + query).status_code == 200
        page_counts.append(len(page))
        api_counts.append(len(api))
    # One statement for the lines, whatever the depth (the cursor's position is read in it).
    assert api_counts == [1, 1, 1, 1]
    first = page_counts[0]
    assert page_counts == [first] * 4
    assert first <= 8


@pytest.mark.parametrize(
    "query", ["before=abc", "before=0", "before=-3", f"before={2**31}", "after=1.5"]
)
def test_api_answers_a_malformed_cursor_with_400(client_api, history, query):
    response = client_api.get(f"/api/v1/me/points/history/?{query}")
    assert response.status_code == 400, response.content


def test_api_answers_two_cursors_with_422_and_a_foreign_or_unknown_one_with_404(
    client_api, history
):
    response = client_api.get(f"/api/v1/me/points/history/?before={history[5]}&after={history[9]}")
    assert response.status_code == 422
    foreign = LedgerTransaction.objects.exclude(pk__in=history).exclude(kind="capture").first()
    for cursor in (foreign.pk, 2**31 - 1):
        response = client_api.get(f"/api/v1/me/points/history/?before={cursor}")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "unknown_cursor"


@pytest.mark.parametrize(
    "query", ["before=abc", "after=-1", "before=99999999999999999999", "before=²"]
)
def test_my_points_page_shows_the_newest_lines_for_a_malformed_cursor(
    client, client_user, history, query
):
    client.force_login(client_user)
    response = client.get(f"/me/points/?{query}")
    assert response.status_code == 200
    assert [tx.pk for tx in response.context["history"].lines] == history[:20]


def test_my_points_page_ignores_another_clients_cursor(client, client_user, history):
    foreign = LedgerTransaction.objects.exclude(user=client_user).first()
    client.force_login(client_user)
    response = client.get(f"/me/points/?before={foreign.pk}")
    assert [tx.pk for tx in response.context["history"].lines] == history[:20]


def test_my_points_page_past_the_oldest_line_says_so_and_links_to_the_newest(
    client, client_user, history
):
    client.force_login(client_user)
    response = client.get(f"/me/points/?before={history[-1]}")
    assert response.context["history"].lines == []
    html = response.content.decode()
    assert _page_links(html) == {"prev": "?"}
    assert "Более ранних операций нет." in html  # Russian, the site's language


def test_my_points_page_lists_the_soonest_expiry_dates_and_sums_the_later_ones(client, client_user):
    now = timezone.now()
    for day in range(1, 8):  # 7 lots, 7 dates: 5 listed, the last two (13 + 14) summed
        services.points_credit(
            services.Movement(
                user=client_user,
                amount=day + 7,
                lifetime=timedelta(days=day),
                kind="bonus",
                reason="Bonus",
                idempotency_key=f"expiring:{day}",
                now=now,
            )
        )
    client.force_login(client_user)
    response = client.get("/me/points/")
    assert [row["points"] for row in response.context["expiring_soon"]] == [8, 9, 10, 11, 12]
    assert response.context["expiring_later"] == 27
    html = response.content.decode()
    assert 'data-testid="expiring-later"' in html
    assert re.search(r'data-testid="expiring-later"><td>Позже</td><td>27</td>', html)
    assert response.context["summary"].balance == sum(range(8, 15))  # the API lists every date
