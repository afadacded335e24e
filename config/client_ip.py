"""The client's address, as login throttling counts it (django-axes' AXES_CLIENT_IP_CALLABLE)."""

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    """Return REMOTE_ADDR, or behind trusted proxies the address the outermost one saw.

    Each proxy appends the address it received the request from to X-Forwarded-For, so only
    the last TRUSTED_PROXY_COUNT entries were written by our proxies; anything to their left
    came from the client and may be forged. Without TRUST_X_FORWARDED_FOR the header is
    ignored: a client that sends one cannot pick its own address.
    """
    remote = request.META.get("REMOTE_ADDR")
    if not settings.TRUST_X_FORWARDED_FOR:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    count = max(settings.TRUSTED_PROXY_COUNT, 1)
    if len(hops) < count:
        return remote
    try:
        return str(ipaddress.ip_address(hops[-count]))
    except ValueError:  # not an address: the proxy is misconfigured, keep the peer's
        return remote
