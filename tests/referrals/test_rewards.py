"""Friends qualify with a real paid, completed booking; both are rewarded once after the dispute
window; the guards (self-referral, monthly cap, blocked inviter) hold; a refund claws back."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from bookings import services as booking_services
from bookings.models import Booking
from core.errors import ApplicationError
from loyalty.models import Account, LedgerTransaction
from loyalty.selectors import ledger_audit, points_summary
from referrals import services
from referrals.models import Referral
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MOSCOW = ZoneInfo("Europe/Moscow")
SIGN_UP = datetime(2026, 12, 1, 9, 0, tzinfo=MOSCOW)


def at(day: int, hh: int) -> datetime:
    return datetime(2026, 12, day, hh, 0, tzinfo=MOSCOW)


def runjob(name: str, now: datetime) -> None:
    call_command("runjob", name, "--now", now.isoformat())


def balance(user: User, now: datetime) -> int:
    return points_summary(user=user, now=now).balance


def wallet(user: User) -> int:
    return Account.objects.get(user=user, kind=Account.Kind.WALLET).balance


def book_and_pay(user: User, room, day: int, hours=(18, 20), venue_staff=None) -> Booking:
    """A pay-at-the-venue booking on 2026-12-<day>, marked paid by the venue."""
    booking = booking_services.booking_create(
        user=user,
        room=room,
        start=at(day, hours[0]),
        end=at(day, hours[1]),
        payment="venue",
        now=SIGN_UP,
    )
    booking_services.booking_mark_paid(
        booking_id=booking.pk, actor=venue_staff or user, now=at(day, hours[1])
    )
    return booking


def invite(inviter: User, email: str, phone: str = "") -> User:
    with time_machine.travel(SIGN_UP, tick=False):
        friend = UserFactory(email=email, phone=phone)
        services.referral_attach(
            invitee=friend, code=services.invite_code_get_or_create(user=inviter).code
        )
    return friend


@pytest.fixture
def inviter(db):
    return UserFactory(email="anna@example.com", phone="+79160000001")


def test_the_whole_journey_rewards_both_once_and_a_refund_claws_back(
    client, inviter, room_a, owner_a, staff_user, django_capture_on_commit_callbacks
):
    code = services.invite_code_get_or_create(user=inviter).code
    # B follows A's link and signs up: the code is prefilled and applied.
    with time_machine.travel(SIGN_UP, tick=False):
        client.get(f"/r/{code}")
        page = client.get(reverse("account_signup")).content.decode()
        assert f'value="{code}"' in page
        client.post(
            reverse("account_signup"),
            {
                "email": "boris@example.com",
                "password1": "Friend-Secret-77",
                "password2": "Friend-Secret-77",
                "name": "Борис",
                "invite_code": code,
            },
        )
    friend = User.objects.get(email="boris@example.com")
    referral = Referral.objects.get(invitee=friend, inviter=inviter)
    # B books 2 hours (1,800 ₽), pays at the venue, the session ends.
    booking = book_and_pay(friend, room_a, day=3, venue_staff=owner_a)
    runjob("bookings_complete", at(3, 21))
    booking.refresh_from_db()
    assert booking.status == Booking.Status.COMPLETED
    # Within the dispute window: qualified, nothing paid yet.
    runjob("referrals_reward", at(3, 22))
    referral.refresh_from_db()
    assert (referral.status, referral.qualifying_booking_id) == ("qualified", booking.pk)
    assert balance(inviter, at(3, 22)) == balance(friend, at(3, 22)) == 0
    # After the window (end + 24 h): both get 300 points, the inviter an e-mail.
    mail.outbox.clear()
    after = at(4, 21)
    with django_capture_on_commit_callbacks(execute=True):
        runjob("referrals_reward", after)
        runjob("referrals_reward", after + timedelta(hours=1))  # a second run adds nothing
    referral.refresh_from_db()
    assert referral.status == "rewarded"
    assert balance(inviter, after) == balance(friend, after) == 300
    credits = LedgerTransaction.objects.filter(kind="referral")
    assert sorted(credits.values_list("idempotency_key", flat=True)) == [
        f"referral:{referral.pk}:friend",
        f"referral:{referral.pk}:inviter",
    ]
    assert [m.to for m in mail.outbox] == [["anna@example.com"]]
    # The points expire after 180 days.
    assert balance(inviter, after + timedelta(days=179)) == 300
    assert balance(inviter, after + timedelta(days=181)) == 0
    # The invite page and API count the rewarded friend.
    client.force_login(inviter)
    data = client.get("/api/v1/me/referrals/").json()
    assert (data["rewarded"], data["points_earned"]) == (1, 300)
    # B spends 200 of the points elsewhere... then the booking is refunded: both rewards are
    # taken back, B's balance stops at zero and the rest is receivable.
    from loyalty import services as loyalty_services

    loyalty_services.points_clawback(
        loyalty_services.Movement(
            user=friend, amount=200, reason="test", idempotency_key="spent-elsewhere", now=after
        )
    )
    services.referral_reverse(referral_id=referral.pk, actor=staff_user, now=at(5, 12))
    services.referral_reverse(referral_id=referral.pk, actor=staff_user, now=at(5, 13))
    referral.refresh_from_db()
    assert referral.status == "reversed"
    assert wallet(inviter) == 0 and wallet(friend) == 0
    assert LedgerTransaction.objects.filter(idempotency_key__endswith=":clawback").count() == 2
    runjob("referrals_reward", at(6, 12))
    assert LedgerTransaction.objects.filter(kind="referral").count() == 2
    report = ledger_audit()
    assert report.violations == []


def test_a_no_show_after_the_reward_takes_it_back_through_the_signal(
    inviter, room_a, owner_a, django_capture_on_commit_callbacks
):
    friend = invite(inviter, "boris@example.com")
    booking = book_and_pay(friend, room_a, day=3, venue_staff=owner_a)
    runjob("bookings_complete", at(3, 21))
    runjob("referrals_reward", at(4, 21))
    assert Referral.objects.get().status == "rewarded"
    with django_capture_on_commit_callbacks(execute=True):
        booking_services.booking_mark_no_show(booking_id=booking.pk, actor=owner_a, now=at(4, 22))
    assert Referral.objects.get().status == "reversed"
    assert wallet(inviter) == wallet(friend) == 0
    assert ledger_audit().violations == []


def test_unpaid_small_or_late_bookings_do_not_qualify(inviter, room_a, owner_a, settings):
    settings.REFERRAL_MIN_BOOKING_AMOUNT = 1000
    friend = invite(inviter, "boris@example.com")
    # one hour = 900 ₽: below the minimum, even paid
    book_and_pay(friend, room_a, day=3, hours=(12, 13), venue_staff=owner_a)
    # two hours, never marked paid
    booking_services.booking_create(
        user=friend, room=room_a, start=at(4, 12), end=at(4, 14), payment="venue", now=SIGN_UP
    )
    runjob("bookings_complete", at(5, 12))
    runjob("referrals_reward", at(9, 12))
    assert Referral.objects.get().status == "signed_up"
    # The 90 days are counted from sign-up: a booking after them does not qualify.
    settings.REFERRAL_QUALIFY_DAYS = 1
    later = book_and_pay(friend, room_a, day=5, venue_staff=owner_a)
    runjob("bookings_complete", at(5, 21))
    runjob("referrals_reward", at(9, 12))
    assert Referral.objects.get().status == "signed_up"
    settings.REFERRAL_QUALIFY_DAYS = 90
    runjob("referrals_reward", at(9, 12))
    referral = Referral.objects.get()
    assert (referral.status, referral.qualifying_booking_id) == ("rewarded", later.pk)


def test_the_monthly_cap_and_a_blocked_inviter_are_not_rewarded_with_a_reason(
    inviter, room_a, owner_a, staff_user, settings
):
    settings.REFERRAL_MONTHLY_CAP = 2
    friends = [invite(inviter, f"friend{i}@example.com") for i in range(3)]
    for i, friend in enumerate(friends):
        book_and_pay(friend, room_a, day=3, hours=(12 + 2 * i, 14 + 2 * i), venue_staff=owner_a)
    runjob("bookings_complete", at(3, 21))
    runjob("referrals_reward", at(5, 12))
    statuses = sorted(Referral.objects.values_list("status", flat=True))
    assert statuses == ["not_rewarded", "rewarded", "rewarded"]
    capped = Referral.objects.get(status="not_rewarded")
    assert "2" in capped.reason and capped.reason
    assert balance(inviter, at(5, 12)) == 600
    assert balance(capped.invitee, at(5, 12)) == 0
    # A blocked inviter's next friend is not rewarded either, and the reason says why.
    other = UserFactory(email="olga@example.com")
    friend = invite(other, "pavel@example.com")
    services.invite_code_block(invite=other.invite_code, actor=staff_user, reason="накрутка")
    book_and_pay(friend, room_a, day=6, venue_staff=owner_a)
    runjob("bookings_complete", at(6, 21))
    runjob("referrals_reward", at(8, 12))
    blocked = Referral.objects.get(invitee=friend)
    assert blocked.status == "not_rewarded" and "накрутка" in blocked.reason
    assert ledger_audit().violations == []


def test_self_referral_is_refused_even_with_another_spelling(inviter):
    with pytest.raises(ApplicationError) as refused:
        services.referral_attach(
            invitee=UserFactory(email="a.n.n.a@example.com", phone="+79160000001"),
            code=services.invite_code_get_or_create(user=inviter).code,
        )
    assert refused.value.code == "self_referral"
    assert not Referral.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_reward_once(inviter, room_a, owner_a):
    import threading

    from django.db import connection

    friend = invite(inviter, "boris@example.com")
    book_and_pay(friend, room_a, day=3, venue_staff=owner_a)
    booking_services.bookings_complete(now=at(3, 21))
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            barrier.wait()
            services.referrals_reward(now=at(5, 12))
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert LedgerTransaction.objects.filter(kind="referral").count() == 2
    assert balance(inviter, at(5, 12)) == 300
    assert ledger_audit().violations == []


def test_staff_see_the_reason_in_admin_and_can_record_a_refund(
    client, inviter, room_a, owner_a, staff_user, settings
):
    settings.REFERRAL_MONTHLY_CAP = 0
    friend = invite(inviter, "boris@example.com")
    book_and_pay(friend, room_a, day=3, venue_staff=owner_a)
    runjob("bookings_complete", at(3, 21))
    runjob("referrals_reward", at(5, 12))
    referral = Referral.objects.get()
    client.force_login(staff_user)
    page = client.get(reverse("admin:referrals_referral_changelist")).content.decode()
    assert referral.reason and referral.reason in page
    # A rewarded one can be taken back from the admin.
    settings.REFERRAL_MONTHLY_CAP = 10
    Referral.objects.filter(pk=referral.pk).update(status="qualified", reason="")
    runjob("referrals_reward", at(5, 13))
    assert Referral.objects.get().status == "rewarded"
    client.post(
        reverse("admin:referrals_referral_changelist"),
        {"action": "reverse_rewards", "_selected_action": [referral.pk]},
    )
    assert Referral.objects.get().status == "reversed"
    assert wallet(inviter) == wallet(friend) == 0
    assert ledger_audit().violations == []
