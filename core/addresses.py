"""The address a request comes from: proxy headers are believed only from TRUSTED_PROXIES.

DRF's throttles (`core.throttling.ClientIpThrottle`), the login lockout (django-axes) and the
payment webhook's address check all ask `client_ip`, so one setting decides whom they trust.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def networks(values: list[str]) -> list[Network]:
    """Addresses or networks ("10.0.0.0/8") as networks; a malformed one raises ValueError."""
    return [ipaddress.ip_network(value.strip(), strict=False) for value in values]


def _address(value: str) -> Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def address_in(address: str, allowed: list[Network]) -> bool:
    parsed = _address(address)
    return parsed is not None and any(parsed in network for network in allowed)


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, unless that is one of our TRUSTED_PROXIES; then the
    nearest address in X-Forwarded-For that is not one of them.

    With no trusted proxies (the default) X-Forwarded-For is ignored: anyone can write it.
    """
    remote = str(request.META.get("REMOTE_ADDR", ""))
    trusted = networks(settings.TRUSTED_PROXIES)
    if not address_in(remote, trusted):
        return remote
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
    # Each proxy appends the address it got the request from; read from the nearest one back.
    for hop in reversed(forwarded.split(",")):
        address = _address(hop)
        if address is None:
            # A hop our proxies did not write: stop at the last address we can vouch for.
            return remote
        if not any(address in network for network in trusted):
            return str(address)
    return remote
