"""An e-mail backend for benches: each message serialised as Django's SMTP backend does, then
dropped, so a bench times our work on an e-mail and not an SMTP server's."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend

BACKEND = "bench.mailsink.EmailBackend"

sent: list[str] = []  # the recipients of what went out, in order


class EmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        for message in email_messages:
            # What smtp.EmailBackend._send hands to smtplib: the whole message as bytes.
            message.message().as_bytes(linesep="\r\n")
            sent.extend(message.recipients())
        return len(email_messages)
