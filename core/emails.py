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

import logging
import smtplib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from email.policy import Policy
from email.utils import make_msgid

from celery import Task, shared_task
from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import SafeMIMEMultipart
from django.core.mail.utils import DNS_NAME
from django.template import Context, Engine
from django.template.loader import render_to_string
from django.utils import timezone, translation

from core import hygiene
from core.after_commit import enqueue
from core.models import EmailBatch
from core.registry import Registry

logger = logging.getLogger(__name__)

# Items sent between two records of a keyed batch's progress: at most this many go twice when
# a worker dies half way through a batch.
PROGRESS_EVERY = 500
KEEP_BATCHES = timedelta(days=7)  # a batch delivered again later than this is sent again

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


def email_send_on_commit(kind: str, items: Sequence[Item], *, key: str = "") -> None:
    """Queue the e-mails of `kind` about `items` once the current transaction commits.

    A `key` (unique to this batch: a big one, such as a holiday grant's) makes the batch
    resumable: delivered again, its task sends only what it had not sent yet."""
    EMAILS.get(kind)  # a misspelt kind fails here, in the caller, not later in a worker
    if items:
        batch = [dict(item) for item in items]
        args = (kind, batch, key) if key else (kind, batch)
        enqueue(email_send, *args)


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


# Each message's own headers; every other byte of the messages of one content is the same.
_OWN_HEADERS = ("To", "Message-ID")


class _Content:
    """What the e-mails of one shared context say: rendered once, built as MIME once and
    serialised once.

    Building and serialising a MIME message (headers encoded and folded, parts assembled, a
    boundary found) costs far more than rendering it: for the 20,000 clients of a batch of
    holiday gifts each message is the shared bytes behind its own To and Message-ID.
    """

    def __init__(self, rendered: tuple[str, str, str]) -> None:
        self.rendered = rendered
        self._mime: SafeMIMEMultipart | None = None
        self._bytes: dict[str, bytes] = {}  # by line separator

    def __deepcopy__(self, memo: dict[int, object]) -> _Content:
        return self  # shared and never changed (the test backend deep-copies each message)

    def mime(self, message: _SharedMessage) -> _SharedMime:
        if self._mime is None:
            self._mime = EmailMultiAlternatives.message(message)
            for header in _OWN_HEADERS:
                del self._mime[header]
        mime = _SharedMime(self._mime, self)
        mime["To"] = ", ".join(message.to)
        mime["Message-ID"] = make_msgid(domain=DNS_NAME)
        return mime

    def serialised(self, linesep: str) -> bytes:
        if linesep not in self._bytes:
            assert self._mime is not None
            self._bytes[linesep] = self._mime.as_bytes(linesep=linesep)
        return self._bytes[linesep]


class _SharedMime(SafeMIMEMultipart):
    """The shared MIME message of a content with this message's own headers added."""

    def __init__(self, shared: SafeMIMEMultipart, content: _Content) -> None:
        self.__dict__.update(shared.__dict__)  # the same parts, not built again
        # Deleting a header builds a new list of headers: the shared one stays as it is.
        for header in _OWN_HEADERS:
            del self[header]
        self.content = content

    # Django's SafeMIME classes take `linesep` (the SMTP backend passes "\r\n"), the stubs
    # know only email.message.Message's `policy`.
    def as_bytes(self, unixfrom: bool = False, linesep: str = "\n") -> bytes:  # type: ignore[override]
        """What the SMTP backend sends: this message's headers, folded as the generator folds
        them, then the shared bytes."""
        if unixfrom:  # the envelope line comes before every header
            return super().as_bytes(unixfrom=unixfrom, linesep=linesep)
        own = b"".join(
            _header(name, str(self[name]), self.policy, linesep) for name in _OWN_HEADERS
        )
        return own + self.content.serialised(linesep)


def _header(name: str, value: str, policy: Policy, linesep: str) -> bytes:
    """A header line as the generator writes it. A short ASCII value without spaces (an address,
    a Message-ID) is never folded nor encoded: it is written as it is, without the cost of the
    folding machinery."""
    line = f"{name}: {value}"
    if (
        len(line) <= (policy.max_line_length or 0)
        and line.isascii()
        and line.isprintable()
        and " " not in value
    ):
        return (line + linesep).encode("ascii")
    return policy.clone(linesep=linesep).fold_binary(name, value)


class _SharedMessage(EmailMultiAlternatives):
    """A message whose content it shares with the other messages of its batch."""

    def __init__(self, content: _Content, to: list[str]) -> None:
        subject, text, html = content.rendered
        super().__init__(subject=subject, body=text, to=to)
        self.attach_alternative(html, "text/html")
        self.content = content

    def message(self) -> SafeMIMEMultipart:
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
def email_send(self: Task, kind: str, items: list[Item], key: str = "") -> int:
    """Send the e-mails of `kind` about `items`, each on its own; returns how many went out.

    One that fails for a while is retried later with the others that did; one that can never
    go out (a refused address, a header a name broke) is logged and dropped. Neither stops the
    rest of the batch. A batch with a `key` records how far it got every `PROGRESS_EVERY`
    items: delivered again, it sends only the rest.
    """
    step = PROGRESS_EVERY if key else max(len(items), 1)
    start = EmailBatch.objects.get_or_create(key=key)[0].done if key else 0
    sent = 0
    failed: list[Item] = []
    with get_connection() as connection:
        for first in range(start, len(items), step):
            chunk = items[first : first + step]
            sent += _send(kind, messages(EMAILS.get(kind), chunk), connection, failed)
            if key:
                EmailBatch.objects.filter(key=key, done__lt=first + len(chunk)).update(
                    done=first + len(chunk)
                )
    logger.info("e-mails sent", extra={"kind": kind, "count": sent})
    if key:
        EmailBatch.objects.filter(created_at__lt=timezone.now() - KEEP_BATCHES).delete()
    if failed:
        raise self.retry(args=(kind, failed), countdown=2**self.request.retries * 30)
    return sent


def _send(
    kind: str,
    built: list[tuple[Item, EmailMessage]],
    connection: BaseEmailBackend,
    failed: list[Item],
) -> int:
    """Send `built` over `connection`; what failed for a while is added to `failed`."""
    sent = 0
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
    return sent
