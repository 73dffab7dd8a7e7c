"""The API's throttle: DRF's, counting clients by the address `core.addresses.client_ip` sees."""

from __future__ import annotations

from rest_framework import throttling
from rest_framework.request import Request

from core.addresses import client_ip


class ClientIpThrottle(throttling.ScopedRateThrottle):
    """A view's `throttle_scope` rate per client address (or per user once signed in), never
    per a header the client writes. The default throttle class of every API view."""

    def get_ident(self, request: Request) -> str:
        return client_ip(request._request)
