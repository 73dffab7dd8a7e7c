"""Owner economics per venue and month, and the staff points report in the admin."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine

from loyalty import services
from tests.factories import BookingFactory, MembershipFactory

NOW = datetime(2030, 3, 20, 12, 0, tzinfo=UTC)


@pytest.fixture
def month_of_activity(room_a, client_user):
    venue = room_a.venue
    start = datetime(2030, 3, 10, 16, 0, tzinfo=UTC)
    paid = BookingFactory(
        room=room_a,
        user=client_user,
        start=start,
        end=start + timedelta(hours=2),
        price=Decimal("2000"),
        status="completed",
    )
    BookingFactory(
        room=room_a,
        user=client_user,
        start=start + timedelta(hours=3),
        end=start + timedelta(hours=5),
        price=Decimal("1000"),
        status="completed",
    )
    services.points_credit(
        services.Movement(
            user=client_user,
            amount=500,
            lifetime=timedelta(days=90),
            kind="bonus",
            reason="x",
            idempotency_key="gift",
            now=start - timedelta(days=1),
        )
    )
    services.points_spend(
        services.Movement(
            user=client_user,
            amount=300,
            venue=venue,
            reason="x",
            idempotency_key="spend:1",
            booking_id=paid.pk,
            now=start - timedelta(hours=1),
        )
    )
    services.points_credit(
        services.Movement(
            user=client_user,
            amount=40,
            lifetime=timedelta(days=90),
            kind="cashback",
            reason="x",
            idempotency_key="boost",
            venue=venue,
            booking_id=paid.pk,
            now=start,
        )
    )
    return venue


@pytest.mark.django_db
def test_economics_of_the_month_revenue_discount_boost_and_share_with_points(
    client, owner_a, month_of_activity, django_assert_max_num_queries
):
    from loyalty.selectors import venue_economics

    march = venue_economics(venue=month_of_activity, now=NOW)[-1]
    assert (march.revenue, march.bookings) == (Decimal("3000.00"), 2)
    assert (march.points_discount, march.boost_cost) == (300, 40)
    assert (march.bookings_with_points, march.share_with_points) == (1, 50)
    with time_machine.travel(NOW, tick=False):
        client.force_login(owner_a)
        with django_assert_max_num_queries(20):
            page = client.get(f"/dashboard/venues/{month_of_activity.pk}/economics/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "<svg" in body and "3 000" in body.replace("\xa0", " ")


@pytest.mark.django_db
def test_administrators_see_economics_and_other_organisations_get_404(
    client, org_a, owner_b, room_a
):
    administrator = MembershipFactory(organisation=org_a, role="administrator").user
    client.force_login(administrator)
    url = f"/dashboard/venues/{room_a.venue.pk}/economics/"
    assert client.get(url).status_code == 200
    client.force_login(owner_b)
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_staff_report_by_month_and_source(admin_client, month_of_activity):
    from loyalty.selectors import points_liability_report

    rows, outstanding = points_liability_report()
    by_source = {(row.month.month, row.source): row for row in rows}
    platform = by_source[(3, "platform")]
    assert (platform.issued, platform.spent) == (500, 300)
    assert by_source[(3, month_of_activity.name)].issued == 40
    assert outstanding["available"] == 240
    # Outstanding at the month's end, by source, adds up to what clients hold now.
    assert platform.outstanding == 500 - 300
    assert by_source[(3, month_of_activity.name)].outstanding == 40
    assert by_source[(3, "total")].outstanding == 240
    assert by_source[(3, "total")].issued == 540


@pytest.mark.django_db
def test_staff_report_keeps_a_quiet_source_outstanding_in_later_months(
    admin_client, month_of_activity, client_user
):
    from loyalty.selectors import points_liability_report

    services.points_credit(
        services.Movement(
            user=client_user,
            amount=10,
            lifetime=timedelta(days=90),
            kind="bonus",
            reason="x",
            idempotency_key="april",
            now=datetime(2030, 4, 5, 12, 0, tzinfo=UTC),
        )
    )
    rows, _ = points_liability_report()
    april = {row.source: row for row in rows if row.month.month == 4}
    # The venue did not move in April; its 40 points are still owed.
    assert april[month_of_activity.name].outstanding == 40
    assert april[month_of_activity.name].issued == 0
    assert (april["platform"].issued, april["platform"].outstanding) == (10, 210)
    assert april["total"].outstanding == 250
    page = admin_client.get("/admin/loyalty/ledgertransaction/report/").content.decode()
    assert "Итого" in page or "Total" in page
    page = admin_client.get("/admin/loyalty/ledgertransaction/report/")
    assert page.status_code == 200 and month_of_activity.name in page.content.decode()


@pytest.mark.django_db
def test_staff_report_months_add_up_with_withdrawn_points(month_of_activity, client_user):
    from loyalty.selectors import points_liability_report

    services.points_clawback(
        services.Movement(
            user=client_user,
            amount=25,
            reason="x",
            idempotency_key="take-back",
            now=datetime(2030, 3, 21, 12, 0, tzinfo=UTC),
        )
    )
    rows, outstanding = points_liability_report()
    march = next(row for row in rows if row.month.month == 3 and row.source == "total")
    assert march.withdrawn == 25
    assert march.issued - march.spent - march.expired - march.withdrawn == march.outstanding
    assert march.outstanding == outstanding["available"] == 215
