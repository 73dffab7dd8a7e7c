"""The payment provider's signed webhook."""

from __future__ import annotations

import logging

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bookings import services
from bookings.payments import SIGNATURE_HEADER, provider
from core.addresses import client_ip

logger = logging.getLogger(__name__)


class PaymentWebhookView(APIView):
    """The payment provider's signed callback (HMAC-SHA256 of the body in X-Bronka-Signature),
    from the provider's addresses when PAYMENT_WEBHOOK_ALLOWED_IPS names them."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        request=inline_serializer(
            "PaymentEvent",
            {
                "event_id": serializers.CharField(),
                "payment_id": serializers.IntegerField(),
                "status": serializers.ChoiceField(choices=["succeeded", "failed"]),
                "amount": serializers.DecimalField(max_digits=12, decimal_places=2),
                "currency": serializers.CharField(help_text="ISO 4217, e.g. RUB"),
            },
        ),
        responses=inline_serializer("PaymentEventResult", {"changed": serializers.BooleanField()}),
        auth=[],
    )
    def post(self, request: Request) -> Response:
        address = client_ip(request._request)
        if not provider().accepts_from(address):
            logger.warning("payment webhook refused: unknown address", extra={"address": address})
            raise PermissionDenied(_("Payment events are accepted only from the provider."))
        payment, changed = services.payment_webhook_receive(
            body=request.body, signature=request.headers.get(SIGNATURE_HEADER)
        )
        return Response({"payment": payment.pk, "status": payment.status, "changed": changed})
