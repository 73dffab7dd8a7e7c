"""Payment providers: the interface a real one implements, and the built-in test provider.

The flow is the same for every provider: a hold booking gets a Payment; the client is sent to
`checkout_url(payment)`; the provider calls our webhook with a signed JSON body
`{"event_id", "payment_id", "status": "succeeded" | "failed", "amount", "currency"}`; we verify
the signature (`verify`) and apply the outcome once (`bookings.services.payment_webhook_receive`);
only exactly the payment's amount in its currency pays the booking.

The test provider's checkout page (/payments/test/<id>/) has "pay" and "fail" buttons; pressing
one builds exactly such a body, signs it with PAYMENT_WEBHOOK_SECRET and hands it to the same
webhook code a real provider's HTTP call reaches.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid

from django.conf import settings
from django.urls import reverse

from bookings.models import Payment
from core.addresses import address_in, networks

SIGNATURE_HEADER = "X-Bronka-Signature"


class PaymentProvider:
    """What a payment provider integration implements."""

    name = "base"

    def checkout_url(self, payment: Payment) -> str:
        """Where to send the client to pay (called after commit: may call the provider's API)."""
        raise NotImplementedError

    def sign(self, body: bytes) -> str:
        return hmac.new(settings.PAYMENT_WEBHOOK_SECRET.encode(), body, hashlib.sha256).hexdigest()

    def accepts_from(self, address: str) -> bool:
        """True if a webhook may come from `address` (client_ip): PAYMENT_WEBHOOK_ALLOWED_IPS,
        when set, names the provider's networks."""
        allowed = settings.PAYMENT_WEBHOOK_ALLOWED_IPS
        return not allowed or address_in(address, networks(allowed))

    def verify(self, body: bytes, signature: str | None) -> bool:
        """True if `signature` is the provider's signature of `body` (constant-time compare)."""
        if not signature:
            return False
        return hmac.compare_digest(self.sign(body), signature.strip())


class TestProvider(PaymentProvider):
    """A provider that lives in our own site, for development, demos and tests."""

    name = "test"

    def checkout_url(self, payment: Payment) -> str:
        return reverse("bookings:test-checkout", args=[payment.pk])

    def event_body(self, payment: Payment, outcome: str) -> bytes:
        return json.dumps(
            {
                "event_id": uuid.uuid4().hex,
                "payment_id": payment.pk,
                "status": outcome,
                "amount": str(payment.amount),
                "currency": payment.currency,
            },
            sort_keys=True,
        ).encode()


PROVIDERS: dict[str, type[PaymentProvider]] = {TestProvider.name: TestProvider}


def provider() -> PaymentProvider:
    return PROVIDERS[settings.PAYMENT_PROVIDER]()
