"""The one e-mail path: every e-mail the project sends (allauth's account e-mails aside).

An app declares each kind of e-mail in its `emails.py` with `@email_kind(name, template)`: a
function that turns a batch of items (dicts of ids) into `Email`s. `email_send_on_commit(kind,
items)` queues one `core.email_send` task for the batch once the transaction commits. The task
renders `<template>_subject.txt`, `<template>.txt` and `<template>.html` in the site's language,
sends each message on its own over one connection, and retries (with backoff) only the ones
that failed for a while; one that can never go out is logged and dropped. One bad address or
SMTP hiccup never stops the others. Subjects and text parts are plain text, never HTML-escaped.
"""

from __future__ import annotations

import copy
import logging
import smtplib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from email.utils import make_msgid

from celery import Task, shared_task
from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.message import SafeMIMEMultipart
from django.core.mail.utils import DNS_NAME
from django.template import Context, Engine
from django.template.loader import render_to_string
from django.utils import timezone, translation

from core import hygiene
from core.after_commit import enqueue
from core.registry import Registry

logger = logging.getLogger(__name__)

Item = Mapping[str, int | str]  # what one e-mail is about, as JSON: {"booking_id": 7}


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str


@dataclass(frozen=True)
class Email:
    """One message to send: for `item`, to `to`, rendered with `context`.

    E-mails of a batch may share one `context` object; it is then rendered once. Dates and
    times are shown in `zone` (an IANA name: the venue's, for an e-mail about a booking), or
    in the site's time zone when it is empty.
    """

    item: Item
    to: Sequence[str]
    context: Mapping[str, object]
    attachments: Sequence[Attachment] = field(default=())
    zone: str = ""


Build = Callable[[list[Item]], Iterable[Email]]


@dataclass(frozen=True)
class EmailKind:
    name: str
    template: str  # "bookings/email/confirmed": …_subject.txt, ….txt and ….html
    build: Build  # items whose objects are gone build no e-mail


EMAILS: Registry[EmailKind] = Registry("e-mails", key=lambda kind: kind.name)


def email_kind(name: str, *, template: str) -> Callable[[Build], Build]:
    """Declare the e-mail `name`, built by the decorated function from a batch of items."""

    def decorator(build: Build) -> Build:
        EMAILS.register(EmailKind(name=name, template=template, build=build))
        return build

    return decorator


def email_send_on_commit(kind: str, items: Sequence[Item]) -> None:
    """Queue the e-mails of `kind` about `items` once the current transaction commits."""
    EMAILS.get(kind)  # a misspelt kind fails here, in the caller, not later in a worker
    if items:
        enqueue(email_send, kind, [dict(item) for item in items])


def _text(name: str, context: Mapping[str, object]) -> str:
    """A plain-text part: rendered without HTML escaping ("Звук & Свет" stays as it is)."""
    return Engine.get_default().get_template(name).render(Context(dict(context), autoescape=False))


def render(template: str, context: Mapping[str, object], zone: str = "") -> tuple[str, str, str]:
    """Subject (one line), text and HTML of an e-mail, in the site's language, its dates and
    times in `zone` (the site's time zone when empty)."""
    with translation.override(settings.LANGUAGE_CODE), timezone.override(zone or None):
        subject = _text(f"{template}_subject.txt", context)
        text = _text(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", dict(context))
    # A header is one line of printable text, whatever a name in the subject holds.
    return " ".join(hygiene.CONTROL.sub(" ", subject).split()), text, html


class _Content:
    """What the e-mails of one shared context say, rendered once; their MIME built once too.

    Building a MIME message (headers encoded, parts assembled) costs far more than rendering
    it again for each of 20,000 clients of a holiday gift: a copy of the first one, with its
    own recipients and Message-ID, is the same message.
    """

    def __init__(self, rendered: tuple[str, str, str]) -> None:
        self.rendered = rendered
        self._mime: SafeMIMEMultipart | None = None

    def __deepcopy__(self, memo: dict[int, object]) -> _Content:
        return self  # shared and never changed (the test backend deep-copies each message)

    def mime(self, message: _SharedMessage) -> SafeMIMEMultipart:
        if self._mime is None:
            self._mime = EmailMultiAlternatives.message(message)
        mime = copy.copy(self._mime)
        # Deleting a header gives the copy its own list of headers: the shared one is untouched.
        for header in ("To", "Message-ID"):
            del mime[header]
        mime["To"] = ", ".join(message.to)
        mime["Message-ID"] = make_msgid(domain=DNS_NAME)
        return mime


class _SharedMessage(EmailMultiAlternatives):
    """A message whose content it shares with the other messages of its batch."""

    def __init__(self, content: _Content, to: list[str]) -> None:
        subject, text, html = content.rendered
        super().__init__(subject=subject, body=text, to=to)
        self.attach_alternative(html, "text/html")
        self.content = content

    def message(self) -> SafeMIMEMultipart:  # type: ignore[override]  # the same MIME class
        return self.content.mime(self)


def _message(email: Email, content: _Content) -> EmailMessage:
    if not email.attachments:
        return _SharedMessage(content, list(email.to))
    subject, text, html = content.rendered
    message = EmailMultiAlternatives(subject=subject, body=text, to=list(email.to))
    message.attach_alternative(html, "text/html")
    for attachment in email.attachments:
        message.attach(attachment.filename, attachment.content, attachment.mimetype)
    return message


def messages(kind: EmailKind, items: list[Item]) -> list[tuple[Item, EmailMessage]]:
    """The messages of a batch, each rendered (and built as MIME) once per shared context."""
    contents: dict[tuple[int, str], _Content] = {}
    built = []
    for email in kind.build(items):
        key = (id(email.context), email.zone)
        if key not in contents:
            contents[key] = _Content(render(kind.template, email.context, email.zone))
        built.append((email.item, _message(email, contents[key])))
    return built


def transient(error: Exception) -> bool:
    """Is another try later worth it? A refused address (a 5xx reply) or a malformed message
    will fail the same way again; a lost connection or a 4xx reply may not."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code < 500 for code, _reply in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code < 500
    return isinstance(error, smtplib.SMTPException | ConnectionError | OSError)


@shared_task(
    name="core.email_send",
    bind=True,
    acks_late=True,
    # The connection itself could not be opened: the whole batch is tried again.
    autoretry_for=(smtplib.SMTPException, ConnectionError, OSError),
    retry_backoff=True,
    max_retries=6,
)
def email_send(self: Task, kind: str, items: list[Item]) -> int:
    """Send the e-mails of `kind` about `items`, each on its own; returns how many went out.

    One that fails for a while is retried later with the others that did; one that can never
    go out (a refused address, a header a name broke) is logged and dropped. Neither stops the
    rest of the batch.
    """
    built = messages(EMAILS.get(kind), items)
    sent = 0
    failed: list[Item] = []
    with get_connection() as connection:
        for item, message in built:
            message.connection = connection
            try:
                message.send()
            except Exception as error:
                if not transient(error):
                    logger.exception("e-mail dropped", extra={"kind": kind, "item": item})
                    continue
                logger.warning("e-mail not sent, will retry", extra={"kind": kind, "item": item})
                failed.append(item)
            else:
                sent += 1
    logger.info("e-mails sent", extra={"kind": kind, "count": sent})
    if failed:
        raise self.retry(args=(kind, failed), countdown=2**self.request.retries * 30)
    return sent
