"""The one e-mail path: every e-mail the project sends (allauth's account e-mails aside).

An app declares each kind of e-mail in its `emails.py` with `@email_kind(name, template)`: a
function that turns a batch of items (dicts of ids) into `Email`s. `email_send_on_commit(kind,
items)` queues one `core.email_send` task for the batch once the transaction commits. The task
renders `<template>_subject.txt`, `<template>.txt` and `<template>.html` in the site's language,
sends each message on its own over one connection, and retries (with backoff) only the ones
that failed: one bad address or SMTP hiccup never stops the others.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from celery import Task, shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.utils import translation

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

    E-mails of a batch may share one `context` object; it is then rendered once.
    """

    item: Item
    to: Sequence[str]
    context: Mapping[str, object]
    attachments: Sequence[Attachment] = field(default=())


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


def render(template: str, context: Mapping[str, object]) -> tuple[str, str, str]:
    """Subject (one line), text and HTML of an e-mail, in the site's language."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"{template}_subject.txt", dict(context))
        text = render_to_string(f"{template}.txt", dict(context))
        html = render_to_string(f"{template}.html", dict(context))
    # A header is one line, whatever a name in the subject holds.
    return " ".join(subject.split()), text, html


def messages(kind: EmailKind, items: list[Item]) -> list[tuple[Item, EmailMultiAlternatives]]:
    rendered: dict[int, tuple[str, str, str]] = {}
    built = []
    for email in kind.build(items):
        key = id(email.context)
        if key not in rendered:
            rendered[key] = render(kind.template, email.context)
        subject, text, html = rendered[key]
        message = EmailMultiAlternatives(subject=subject, body=text, to=list(email.to))
        message.attach_alternative(html, "text/html")
        for attachment in email.attachments:
            message.attach(attachment.filename, attachment.content, attachment.mimetype)
        built.append((email.item, message))
    return built


# Errors worth another try later; anything else is a bug and fails loudly.
TRANSIENT = (smtplib.SMTPException, ConnectionError, OSError)


@shared_task(
    name="core.email_send",
    bind=True,
    acks_late=True,
    autoretry_for=TRANSIENT,  # the connection itself could not be opened
    retry_backoff=True,
    max_retries=6,
)
def email_send(self: Task, kind: str, items: list[Item]) -> int:
    """Send the e-mails of `kind` about `items`; returns how many went out."""
    built = messages(EMAILS.get(kind), items)
    failed: list[Item] = []
    with get_connection() as connection:
        for item, message in built:
            message.connection = connection
            try:
                message.send()
            except TRANSIENT:
                logger.warning("e-mail not sent, will retry", extra={"kind": kind, "item": item})
                failed.append(item)
    if failed:
        raise self.retry(args=(kind, failed), countdown=2**self.request.retries * 30)
    logger.info("e-mails sent", extra={"kind": kind, "count": len(built)})
    return len(built)
