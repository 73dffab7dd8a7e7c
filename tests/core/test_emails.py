"""The one e-mail path: a kind renders three templates; a failed send is retried alone."""

from __future__ import annotations

import email
import email.policy
import smtplib
from datetime import date
from email.policy import compat32

import pytest
from celery.exceptions import MaxRetriesExceededError
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.locmem import EmailBackend

from accounts.models import User
from core.emails import (
    EMAILS,
    _Content,
    _header,
    _SharedMessage,
    email_send,
    email_send_on_commit,
    messages,
)
from loyalty.models import HolidayGrant
from tests.factories import BookingFactory, UserFactory

pytestmark = pytest.mark.django_db


class FlakyBackend(EmailBackend):
    """The test mailbox, except that it refuses mail to some addresses a number of times."""

    refusals: dict[str, int] = {}
    permanent: set[str] = set()  # refused with a 5xx reply, otherwise with a 451 (try later)

    def send_messages(self, messages):
        for message in messages:
            message.message()  # builds the headers: a malformed one fails as it would for SMTP
            address = message.to[0]
            left = self.refusals.get(address, 0)
            if left:
                self.refusals[address] = left - 1
                code = 550 if address in self.permanent else 451
                raise smtplib.SMTPRecipientsRefused({address: (code, b"refused")})
        return super().send_messages(messages)


@pytest.fixture
def flaky(settings, monkeypatch):
    settings.EMAIL_BACKEND = "tests.core.test_emails.FlakyBackend"
    # Run retries as a worker would: the test settings run tasks eagerly and would raise the
    # first retry instead of running it.
    monkeypatch.setitem(email_send.app.conf, "task_eager_propagates", False)
    FlakyBackend.refusals = {}
    yield FlakyBackend.refusals
    FlakyBackend.refusals = {}


@pytest.fixture
def three_bookings(room_a):
    return [
        BookingFactory(room=room_a, user=UserFactory(email=f"{name}@example.com"))
        for name in ("anna", "boris", "vera")
    ]


def send(bookings):
    items = [{"booking_id": booking.pk} for booking in bookings]
    return email_send.apply(args=("bookings.confirmed", items))


def test_one_refused_address_leaves_the_others_sent_and_is_retried_alone(flaky, three_bookings):
    flaky["boris@example.com"] = 1  # refused once, accepted on the next try

    assert send(three_bookings).successful()

    recipients = [message.to[0] for message in mail.outbox]
    # Anna and Vera went out on the first try; Boris alone on the retry.
    assert recipients == ["anna@example.com", "vera@example.com", "boris@example.com"]
    assert all(message.alternatives[0][1] == "text/html" for message in mail.outbox)


def test_an_address_refused_for_good_is_given_up_without_losing_the_others(flaky, three_bookings):
    flaky["vera@example.com"] = 100
    result = send(three_bookings)
    assert isinstance(result.result, MaxRetriesExceededError)
    assert sorted(message.to[0] for message in mail.outbox) == [
        "anna@example.com",
        "boris@example.com",
    ]


def test_e_mails_are_queued_only_when_the_transaction_commits(
    three_bookings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        email_send_on_commit("bookings.confirmed", [{"booking_id": b.pk} for b in three_bookings])
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 3


def test_a_misspelt_kind_fails_in_the_caller():
    with pytest.raises(LookupError, match=r"bookings\.confirmd"):
        email_send_on_commit("bookings.confirmd", [{"booking_id": 1}])


def test_every_kind_has_its_three_templates():
    from django.template.loader import get_template

    for kind in EMAILS:
        for suffix in ("_subject.txt", ".txt", ".html"):
            get_template(kind.template + suffix)


def test_an_address_refused_for_good_is_dropped_and_the_others_still_go(flaky, three_bookings):
    flaky["boris@example.com"] = 1
    FlakyBackend.permanent = {"boris@example.com"}  # a 550: trying again would not help
    try:
        assert send(three_bookings).result == 2
    finally:
        FlakyBackend.permanent = set()
    assert sorted(m.to[0] for m in mail.outbox) == ["anna@example.com", "vera@example.com"]


def test_a_message_that_cannot_be_built_is_dropped_and_the_others_still_go(flaky, three_bookings):
    # A line break in an address makes the message itself invalid (BadHeaderError).
    User.objects.filter(pk=three_bookings[0].user_id).update(email="anna@example.com\nBcc: x@y")
    assert send(three_bookings).result == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["boris@example.com", "vera@example.com"]


def test_subjects_and_text_are_plain_text_and_html_is_escaped(room_a, owner_a, settings):
    from venues import services as venues_services

    venue = room_a.venue
    venue.name = 'Студия "Звук & Свет"'
    venue.save(update_fields=["name"])
    invitation = venues_services.invitation_create(
        actor=owner_a, organisation=venue.organisation, email="new@example.com", role="manager"
    )
    [(_item, message)] = messages(
        EMAILS.get("venues.invitation"), [{"invitation_id": invitation.pk}]
    )
    organisation = venue.organisation.name
    assert organisation in message.subject and "&amp;" not in message.subject
    [(_item, reminder)] = messages(
        EMAILS.get("venues.schedule_reminder"), [{"venue_id": venue.pk, "days": 25}]
    )
    assert 'Студия "Звук & Свет"' in reminder.subject
    assert 'Студия "Звук & Свет"' in reminder.body
    assert "Студия &quot;Звук &amp; Свет&quot;" in reminder.alternatives[0][0]


def _parsed(message) -> email.message.EmailMessage:
    raw = message.message().as_bytes(linesep="\r\n")  # what the SMTP backend sends
    return email.message_from_bytes(raw, policy=email.policy.default)


def _read(parsed: email.message.EmailMessage) -> dict[str, object]:
    return {
        "to": str(parsed["To"]),
        "subject": str(parsed["Subject"]),
        "from": str(parsed["From"]),
        "text": parsed.get_body(("plain",)).get_content(),
        "html": parsed.get_body(("html",)).get_content(),
    }


def test_messages_sharing_a_content_read_exactly_as_messages_built_one_by_one():
    """The MIME of a shared content is built once; each copy still says what a message built
    on its own says, to its own recipient, with its own Message-ID."""
    content = _Content(("Праздничный подарок: 200 баллов", "Текст & «кавычки»", "<p>HTML</p>"))
    recipients = ["anna@example.com", "Борис <boris@example.com>", "vera@пример.рф"]
    shared = [_SharedMessage(content, [to]) for to in recipients]
    for message, to in zip(shared, recipients, strict=True):
        alone = EmailMultiAlternatives(
            subject=content.rendered[0], body=content.rendered[1], to=[to]
        )
        alone.attach_alternative(content.rendered[2], "text/html")
        assert _read(_parsed(message)) == _read(_parsed(alone))
        parsed = _parsed(message)
        assert len(parsed.get_all("To")) == len(parsed.get_all("Message-ID")) == 1
    ids = {str(_parsed(message)["Message-ID"]) for message in shared}
    assert len(ids) == len(shared)


@pytest.mark.parametrize(
    "value", ["anna@example.com", "<1796.25031.1240@localhost>", "a@" + "b" * 80 + ".ru"]
)
def test_a_recipient_header_is_written_as_the_generator_folds_it(value):
    assert _header("To", value, compat32, "\r\n") == compat32.clone(linesep="\r\n").fold_binary(
        "To", value
    )


class DyingBackend(EmailBackend):
    """The test mailbox of a worker that dies (not an SMTP error) before its n-th message."""

    dies_before: int | None = None

    def send_messages(self, messages):
        if DyingBackend.dies_before is not None and len(mail.outbox) + 1 == self.dies_before:
            DyingBackend.dies_before = None
            raise SystemExit("worker killed")
        return super().send_messages(messages)


def test_a_keyed_batch_delivered_again_after_a_crash_sends_only_what_was_left(
    settings, monkeypatch
):
    settings.EMAIL_BACKEND = "tests.core.test_emails.DyingBackend"
    monkeypatch.setattr("core.emails.PROGRESS_EVERY", 2)
    users = [UserFactory() for _ in range(7)]
    grant = HolidayGrant.objects.create(
        name="8 Марта", holiday_date=date(2030, 3, 8), grant_date=date(2030, 3, 5), amount=200
    )
    items = [{"grant_id": grant.pk, "user_id": user.pk} for user in users]
    DyingBackend.dies_before = 6  # the worker dies sending the 6th (in the third pair)
    with pytest.raises(SystemExit):
        email_send.run("loyalty.holiday_gift", items, "holiday:batch:1")
    assert len(mail.outbox) == 5
    # Delivered again (acks_late): the two pairs recorded are skipped, the third pair is sent
    # again from its start, and the rest follows.
    assert email_send.run("loyalty.holiday_gift", items, "holiday:batch:1") == 3
    recipients = [message.to[0] for message in mail.outbox]
    assert recipients == [u.email for u in users[:5]] + [u.email for u in users[4:]]
    # Delivered a third time (the outbox published it twice): nothing is left to send.
    assert email_send.run("loyalty.holiday_gift", items, "holiday:batch:1") == 0
    assert len(mail.outbox) == 8
